/** The dashboard's stylesheet: system fonts only, readable from 375 px to wide screens. */
export const DASHBOARD_CSS = `
:root {
  color-scheme: light;
  --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --ok: #1a7f37; --ok-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5;
  --bad: #cf222e; --bad-bg: #ffebe9; --info: #0969da; --info-bg: #ddf4ff;
  --hold: #6e7781; --hold-bg: #eaeef2; --ask: #8250df; --ask-bg: #fbefff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  line-height: 1.4;
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); }
/* Long words (messages, outputs, ids) may break anywhere; headers and addresses break between words. */
p, li, dd, h2, h3, h4, pre, .cell-message, .message { overflow-wrap: anywhere; }
th, td { overflow-wrap: normal; }
td.message { overflow-wrap: anywhere; }
a { color: var(--info); }
:focus-visible { outline: 3px solid var(--info); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; z-index: 10; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 24px; padding: 8px 16px;
  border-bottom: 1px solid var(--line); background: var(--panel); }
.top h1 { font-size: 1.25rem; margin: 0; }
.top h1 span { font-weight: normal; color: var(--muted); }
.top nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
.top nav a[aria-current="page"] { font-weight: bold; color: var(--fg); }
.connection { margin: 0 0 0 auto; font-size: 0.875rem; color: var(--muted); }
.connection[data-live="live"]::before { content: "● "; color: var(--ok); }
.connection[data-live="down"]::before { content: "● "; color: var(--bad); }
main { padding: 12px 16px 32px; max-width: 1400px; margin: 0 auto; }
main:focus { outline: none; }
h2 { font-size: 1.1rem; margin: 20px 0 8px; }
h3 { font-size: 1rem; margin: 12px 0 6px; }
.notice { position: fixed; bottom: 12px; left: 12px; right: 12px; margin: 0; padding: 8px 12px;
  background: var(--fg); color: var(--bg); border-radius: 6px; }
.state { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; padding: 12px 16px;
  border-radius: 8px; border-left: 8px solid var(--hold); background: var(--hold-bg); }
.state-label { font-size: 1.5rem; font-weight: bold; }
.tone-ok { border-color: var(--ok); background: var(--ok-bg); }
.tone-warn { border-color: var(--warn); background: var(--warn-bg); }
.tone-bad { border-color: var(--bad); background: var(--bad-bg); }
.tone-info { border-color: var(--info); background: var(--info-bg); }
.tone-hold { border-color: var(--hold); background: var(--hold-bg); }
.tone-ask { border-color: var(--ask); background: var(--ask-bg); }
.controls { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
button, select, input, .button { font: inherit; padding: 6px 12px; border: 1px solid var(--line);
  border-radius: 6px; background: var(--bg); color: var(--fg); min-height: 36px; }
button:not(:disabled), .button { cursor: pointer; }
button:disabled { color: var(--muted); background: var(--panel); }
.markers { display: flex; flex-wrap: wrap; gap: 6px; list-style: none; padding: 0; margin: 8px 0; }
.marker { padding: 2px 8px; border-radius: 12px; border: 1px solid var(--line); font-size: 0.875rem; }
.ladder { list-style: none; padding: 0; margin: 0; display: grid; gap: 6px;
  grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); }
.ladder li { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.ladder li[data-planned="true"] { border-color: var(--warn); background: var(--warn-bg); }
.ladder li[data-running="true"] { border-color: var(--info); background: var(--info-bg); border-width: 3px; }
.ladder .tags { font-size: 0.8rem; color: var(--muted); }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
.cell-state { font-weight: bold; }
@media (min-width: 601px) { tbody th[scope="row"] { white-space: nowrap; } }
td.s-OK .cell-state { color: var(--ok); }
td.s-WARNING .cell-state { color: var(--warn); }
td.s-CRITICAL .cell-state, td.s-UNKNOWN .cell-state { color: var(--bad); }
td[data-failing="true"] { background: var(--bad-bg); }
.cell-message, .age, .muted { color: var(--muted); font-size: 0.85rem; }
.timeline { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
.timeline h3, .timeline h4 { margin: 0 0 4px; font-size: 1rem; }
.timeline li { border: 1px solid var(--line); border-left: 6px solid var(--hold); border-radius: 6px; padding: 6px 10px; }
.timeline li[data-status="succeeded"] { border-left-color: var(--ok); }
.timeline li[data-status="running"] { border-left-color: var(--info); }
.timeline li[data-status="failed"], .timeline li[data-status="timed-out"] { border-left-color: var(--bad); }
.facts { display: flex; flex-wrap: wrap; gap: 2px 16px; margin: 4px 0; font-size: 0.875rem; }
pre { background: var(--panel); padding: 8px; overflow-x: auto; max-height: 24rem; font-size: 0.8rem;
  font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; }
.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin: 8px 0; }
.filter { display: grid; gap: 2px; }
.filter label { font-size: 0.875rem; }
ul.facts { list-style: none; padding: 0; }
.promotions { margin: 0; padding-left: 1.4em; }
/* Repository tables break lines between words only (see th above); on a phone their wrapper scrolls sideways. */
#diff-title:focus { outline: none; }
.pager { display: flex; gap: 12px; margin: 8px 0; }
dialog { max-width: min(420px, calc(100vw - 24px)); border: 1px solid var(--line); border-radius: 8px; }
dialog label { display: block; font-weight: bold; margin-top: 8px; }
dialog input { width: 100%; }
dialog .buttons { display: flex; gap: 8px; margin-top: 12px; }
@media (max-width: 600px) {
  main { padding: 8px; }
  .state-label { font-size: 1.25rem; }
  .connection { margin-left: 0; }
}
`;
