import type { CheckStatus, Status } from "./api-types.mjs";
import { daemonNow } from "./clock.mjs";
import { ago, esc } from "./format.mjs";

/** Above this many targets, rows whose checks are all OK fold away under one line. */
const FOLD_OVER = 30;
/**
 * Rows drawn with the first paint (more than a tall screen shows); the rest follow in the next
 * task, so a thousand failing targets do not hold back the first picture.
 */
const FIRST_ROWS = 100;

const byName = new Intl.Collator(undefined, { numeric: true });

export const keyOf = (check: string, target: string) => `${check}\u0000${target}`;

interface Row {
  target: string;
  cells: Map<string, CheckStatus>;
  failing: boolean;
  allOk: boolean;
}

interface Grid {
  head: string;
  /** Rows shown at once (all of them, or with many targets those with a check not OK). */
  shown: Row[];
  /** Rows folded away: every check OK. */
  folded: Row[];
  rowCount: number;
  failingCount: number;
  rowHtml: (row: Row) => string;
}

function grid(checks: Iterable<CheckStatus>, status: Status | undefined, now: number): Grid | undefined {
  const names: string[] = [];
  const seen = new Set<string>();
  const rows = new Map<string, Row>();
  for (const c of checks) {
    if (!seen.has(c.check)) {
      seen.add(c.check);
      names.push(c.check);
    }
    let row = rows.get(c.target);
    if (!row) {
      row = { target: c.target, cells: new Map(), failing: false, allOk: true };
      rows.set(c.target, row);
    }
    row.cells.set(c.check, c);
    if (c.failing) row.failing = true;
    if (c.state !== "OK") row.allOk = false;
  }
  if (rows.size === 0) return undefined;
  names.sort();
  const flapping = new Set(status?.flapping ?? []);
  const silenced = new Set((status?.silences ?? []).map((s) => keyOf(s.check, s.target)));
  const ordered = [...rows.values()].sort(
    (a, b) =>
      Number(b.failing) - Number(a.failing) ||
      Number(a.allOk) - Number(b.allOk) ||
      (a.target === "" ? -1 : b.target === "" ? 1 : byName.compare(a.target, b.target)),
  );
  const head = `<thead><tr><th scope="col">Target</th>${names.map((n) => `<th scope="col">${esc(n)}</th>`).join("")}</tr></thead>`;
  const rowHtml = (row: Row) => {
    const cells = names.map((name) => {
      const c = row.cells.get(name);
      if (!c) return `<td class="s-none"><span class="muted">not run here</span></td>`;
      const key = c.target ? `${c.check}@${c.target}` : c.check;
      const marks = [
        c.failing ? "failing" : "",
        flapping.has(key) ? "flapping" : "",
        silenced.has(keyOf(c.check, c.target)) || silenced.has(keyOf(c.check, "")) ? "silenced" : "",
      ].filter(Boolean);
      return `<td class="s-${esc(c.state)}" data-check="${esc(c.check)}" data-target="${esc(c.target)}" data-state="${esc(c.state)}" data-failing="${c.failing}"><span class="cell-state">${esc(c.state)}</span>${marks.length ? ` <span class="muted">${marks.join(", ")}</span>` : ""}<div class="cell-message">${esc(c.message)}</div><div class="age">${ago(c.updatedAt, now)}</div></td>`;
    });
    return `<tr data-row="${esc(row.target)}"><th scope="row">${row.target ? esc(row.target) : "(whole environment)"}</th>${cells.join("")}</tr>`;
  };
  const fold = ordered.length > FOLD_OVER;
  return {
    head,
    shown: fold ? ordered.filter((r) => !r.allOk) : ordered,
    folded: fold ? ordered.filter((r) => r.allOk) : [],
    rowCount: ordered.length,
    failingCount: ordered.filter((r) => r.failing).length,
    rowHtml,
  };
}

const foldedTable = (g: Grid) =>
  `<div class="table-wrap"><table>${g.head}<tbody>${g.folded.map(g.rowHtml).join("")}</tbody></table></div>`;

/**
 * The folded all-OK rows alone, to fill the open <details id="ok-rows"> in place (its content
 * element is #ok-rows-body) without redrawing the grid; "" when nothing is folded.
 */
export function foldedRowsHtml(checks: Iterable<CheckStatus>, status: Status | undefined, now = daemonNow()) {
  const g = grid(checks, status, now);
  return g && g.folded.length > 0 ? foldedTable(g) : "";
}

/**
 * Checks against targets as one table (rows: targets, columns: checks), built as one HTML string
 * so a thousand targets cost one parse and one layout. Failing targets come first; with many
 * targets, all-OK rows fold into a <details>. Beyond the first rows, `later` holds the rest for
 * the empty <tbody id="grid-more"> (fill it after the first paint).
 */
export function checkGrid(
  checks: Iterable<CheckStatus>,
  status: Status | undefined,
  now = daemonNow(),
  /** Whether the folded all-OK rows are open (drawn); closed, they cost nothing to draw. */
  foldOpen = false,
): { html: string; later?: string } {
  const g = grid(checks, status, now);
  if (!g) return { html: `<p>No check has reported yet.</p>` };
  const { rowCount, failingCount, shown, folded } = g;
  const summary = `<p class="muted">${rowCount} ${rowCount === 1 ? "row" : "rows"} (targets), ${failingCount} with a failing check.</p>`;
  const first = shown.slice(0, FIRST_ROWS);
  const rest = shown.slice(FIRST_ROWS);
  const main = shown.length
    ? `<div class="table-wrap"><table id="check-grid"><caption class="muted">Check state by target; failing first</caption>${g.head}<tbody>${first.map(g.rowHtml).join("")}</tbody>${rest.length ? `<tbody id="grid-more" aria-busy="true"></tbody>` : ""}</table></div>`
    : "";
  const fold = folded.length
    ? `<details id="ok-rows"${foldOpen ? " open" : ""}><summary id="ok-rows-summary">${folded.length} targets with every check OK</summary><div id="ok-rows-body">${
        foldOpen ? foldedTable(g) : ""
      }</div></details>`
    : "";
  const html = summary + main + fold;
  return rest.length ? { html, later: rest.map(g.rowHtml).join("") } : { html };
}

/** The whole grid as one HTML string (every row at once). */
export function checkGridHtml(
  checks: Iterable<CheckStatus>,
  status: Status | undefined,
  now = daemonNow(),
  foldOpen = false,
): string {
  return wholeGrid(checkGrid(checks, status, now, foldOpen));
}

/** A grid drawn in two passes (checkGrid) as one HTML string, its later rows in place. */
export function wholeGrid({ html, later }: { html: string; later?: string }): string {
  return later === undefined
    ? html
    : html.replace(`<tbody id="grid-more" aria-busy="true"></tbody>`, `<tbody>${later}</tbody>`);
}
