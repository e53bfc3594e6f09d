import { getJson } from "./api.mjs";
import type { Escalation, Level, Transition } from "./api-types.mjs";
import { clockTime, esc, formatDuration, planOf } from "./format.mjs";

const PAGE = 20;
/** The target filter's value for environment-wide checks (whose target is ""). */
const WHOLE_ENVIRONMENT = "(whole environment)";
const OUTCOMES = ["running", "succeeded", "failed", "stuck", "interrupted", "dry-run", "blocked", "rejected"];

/** The filters and cursors of the history page, kept in the hash: #/history?outcome=…&tbefore=… */
export type HistoryParams = URLSearchParams;

export function historyHash(params: URLSearchParams): string {
  const text = params.toString();
  return `#/history${text ? `?${text}` : ""}`;
}

function options(
  values: string[],
  selected: string | null,
  allLabel: string,
  label = (v: string) => v,
): string {
  return [`<option value=""${selected === null ? " selected" : ""}>${esc(allLabel)}</option>`]
    .concat(
      values.map(
        (v) => `<option value="${esc(v)}"${selected === v ? " selected" : ""}>${esc(label(v))}</option>`,
      ),
    )
    .join("");
}

function escalationsTable(rows: Escalation[]): string {
  if (rows.length === 0) return `<p>No escalation matches.</p>`;
  const body = rows
    .map((e) => {
      const levels = planOf(e).levels.map((l) => l.level);
      const took = e.endedAt === null ? "running" : formatDuration(e.endedAt - e.startedAt);
      return `<tr data-escalation-id="${esc(e.id)}"><th scope="row"><a href="#/escalations/${esc(encodeURIComponent(e.id))}">${esc(e.id)}</a></th><td>${esc(e.status)}</td><td>${esc(levels.join(" → "))}</td><td>${clockTime(e.startedAt)}</td><td>${took}</td><td class="message">${esc(e.outcome ?? "")}</td></tr>`;
    })
    .join("");
  return `<div class="table-wrap"><table id="escalation-history"><thead><tr><th scope="col">Escalation</th><th scope="col">Outcome</th><th scope="col">Plan</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Detail</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

function transitionsTable(rows: Transition[]): string {
  if (rows.length === 0) return `<p>No check transition matches.</p>`;
  const body = rows
    .map(
      (t) =>
        `<tr data-transition-id="${t.id}"><td>${clockTime(t.at)}</td><th scope="row">${esc(t.check)}</th><td>${t.target ? esc(t.target) : "(whole environment)"}</td><td>${esc(t.fromState ?? "—")} → ${esc(t.toState)}</td><td>${t.failing ? "failing" : "not failing"}</td><td class="message">${esc(t.message)}</td></tr>`,
    )
    .join("");
  return `<div class="table-wrap"><table id="transition-history"><thead><tr><th scope="col">When</th><th scope="col">Check</th><th scope="col">Target</th><th scope="col">Change</th><th scope="col">Counts as</th><th scope="col">Message</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

function pager(params: URLSearchParams, cursor: string, next: string | undefined, what: string): string {
  const links: string[] = [];
  if (params.has(cursor)) {
    const newest = new URLSearchParams(params);
    newest.delete(cursor);
    links.push(`<a href="${esc(historyHash(newest))}">Newest ${what}</a>`);
  }
  if (next !== undefined) {
    const older = new URLSearchParams(params);
    older.set(cursor, next);
    links.push(`<a href="${esc(historyHash(older))}" rel="next">Older ${what}</a>`);
  }
  return links.length ? `<nav class="pager" aria-label="Pages of ${what}">${links.join("")}</nav>` : "";
}

/** Reads the history the filters ask for and draws it. */
export async function historyHtml(
  params: URLSearchParams,
  ladder: Level[],
  checks: string[],
  targets: string[],
): Promise<string> {
  // One more than a page: whether it comes back tells whether there is an older page.
  const eq = new URLSearchParams({ limit: String(PAGE + 1) });
  for (const [from, to] of [
    ["outcome", "outcome"],
    ["level", "level"],
    ["ebefore", "before"],
  ] as const) {
    const value = params.get(from);
    if (value) eq.set(to, value);
  }
  const tq = new URLSearchParams({ limit: String(PAGE + 1) });
  for (const [from, to] of [
    ["check", "check"],
    ["tbefore", "before"],
  ] as const) {
    const value = params.get(from);
    if (value) tq.set(to, value);
  }
  if (params.has("target")) tq.set("target", params.get("target") ?? "");
  const [escalationsRead, transitionsRead] = await Promise.all([
    getJson<Escalation[]>(`/api/v1/escalations?${eq}`),
    getJson<Transition[]>(`/api/v1/transitions?${tq}`),
  ]);
  const escalations = escalationsRead.slice(0, PAGE);
  const transitions = transitionsRead.slice(0, PAGE);
  const lastEscalation = escalationsRead.length > PAGE ? escalations[PAGE - 1] : undefined;
  const lastTransition = transitionsRead.length > PAGE ? transitions[PAGE - 1] : undefined;
  const target = params.has("target") ? (params.get("target") ?? "") : null;
  return `<h2>History</h2>
<section aria-labelledby="escalations-heading">
  <h3 id="escalations-heading">Escalations</h3>
  <form class="filters" data-form="escalations">
    <div class="filter"><label for="filter-outcome">Outcome</label><select id="filter-outcome" name="outcome">${options(OUTCOMES, params.get("outcome"), "Any outcome")}</select></div>
    <div class="filter"><label for="filter-level">Level</label><select id="filter-level" name="level">${options(
      ladder.map((l) => l.name),
      params.get("level"),
      "Any level",
    )}</select></div>
    <button type="submit">Filter escalations</button>
  </form>
  ${escalationsTable(escalations)}
  ${pager(params, "ebefore", lastEscalation ? `${lastEscalation.startedAt}:${lastEscalation.id}` : undefined, "escalations")}
</section>
<section aria-labelledby="transitions-heading">
  <h3 id="transitions-heading">Check transitions</h3>
  <form class="filters" data-form="transitions">
    <div class="filter"><label for="filter-check">Check</label><select id="filter-check" name="check">${options(checks, params.get("check"), "Any check")}</select></div>
    <div class="filter"><label for="filter-target">Target</label><select id="filter-target" name="target">${options([WHOLE_ENVIRONMENT, ...targets], target === "" ? WHOLE_ENVIRONMENT : target, "Any target")}</select></div>
    <button type="submit">Filter transitions</button>
  </form>
  ${transitionsTable(transitions)}
  ${pager(params, "tbefore", lastTransition ? String(lastTransition.id) : undefined, "transitions")}
</section>`;
}

/** A filter form was submitted: the new hash keeps the other section's filters, drops both cursors' pages of this one. */
export function hashAfterFilter(form: HTMLFormElement, current: URLSearchParams): string {
  const params = new URLSearchParams(current);
  const names =
    form.dataset.form === "escalations" ? ["outcome", "level", "ebefore"] : ["check", "target", "tbefore"];
  for (const name of names) params.delete(name);
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== "string" || value === "") continue;
    params.set(name, value === WHOLE_ENVIRONMENT ? "" : value);
  }
  return historyHash(params);
}
