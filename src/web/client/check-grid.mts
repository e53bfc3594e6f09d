import type { CheckStatus, Status } from "./api-types.mjs";
import { ago, esc } from "./format.mjs";

/** Above this many targets, rows whose checks are all OK fold away under one line. */
const FOLD_OVER = 30;

const byName = new Intl.Collator(undefined, { numeric: true });

export const keyOf = (check: string, target: string) => `${check}\u0000${target}`;

interface Row {
  target: string;
  cells: Map<string, CheckStatus>;
  failing: boolean;
  allOk: boolean;
}

/**
 * Checks against targets as one table (rows: targets, columns: checks), built as one HTML string
 * so a thousand targets cost one parse and one layout. Failing targets come first; with many
 * targets, all-OK rows fold into a <details>.
 */
export function checkGridHtml(
  checks: Iterable<CheckStatus>,
  status: Status | undefined,
  now = Date.now(),
  /** Whether the folded all-OK rows are open (drawn); closed, they cost nothing to draw. */
  foldOpen = false,
): string {
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
  if (rows.size === 0) return `<p>No check has reported yet.</p>`;
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
    return `<tr><th scope="row">${row.target ? esc(row.target) : "(whole environment)"}</th>${cells.join("")}</tr>`;
  };
  const fold = ordered.length > FOLD_OVER;
  const shown = fold ? ordered.filter((r) => !r.allOk) : ordered;
  const folded = fold ? ordered.filter((r) => r.allOk) : [];
  const failingCount = ordered.filter((r) => r.failing).length;
  const summary = `<p class="muted">${ordered.length} ${ordered.length === 1 ? "row" : "rows"} (targets), ${failingCount} with a failing check.</p>`;
  const main = shown.length
    ? `<div class="table-wrap"><table id="check-grid"><caption class="muted">Check state by target; failing first</caption>${head}<tbody>${shown.map(rowHtml).join("")}</tbody></table></div>`
    : "";
  const rest = folded.length
    ? `<details id="ok-rows"${foldOpen ? " open" : ""}><summary>${folded.length} targets with every check OK</summary>${
        foldOpen
          ? `<div class="table-wrap"><table>${head}<tbody>${folded.map(rowHtml).join("")}</tbody></table></div>`
          : ""
      }</details>`
    : "";
  return summary + main + rest;
}
