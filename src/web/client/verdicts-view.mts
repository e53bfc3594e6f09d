import { getJson } from "./api.mjs";
import type { Verdict } from "./api-types.mjs";
import { clockTime, esc, formatDuration } from "./format.mjs";

const TONES: Record<string, string> = {
  delivered: "ok",
  "not delivered": "bad",
  inconclusive: "warn",
  "not executable": "hold",
};

function measured(v: Verdict): string {
  const m = v.measurement;
  if (!m) return "—";
  const parts = [`${Number(m.value.toPrecision(6))}`];
  if (m.exposure !== undefined) parts.push(`over ${Number(m.exposure.toPrecision(6))}`);
  if (m.samplesCount !== undefined) parts.push(`${m.samplesCount} samples`);
  return esc(parts.join(", "));
}

/** The value verdicts page: each business value statement judged per release, newest first. */
export async function verdictsHtml(params: URLSearchParams): Promise<string> {
  const release = params.get("release");
  const [all, shown] = await Promise.all([
    getJson<Verdict[]>("/api/v1/verdicts?limit=200"),
    release
      ? getJson<Verdict[]>(`/api/v1/verdicts?limit=200&release=${encodeURIComponent(release)}`)
      : undefined,
  ]);
  const releases = [...new Set([...all.map((v) => v.release), ...(release ? [release] : [])])];
  const rows = (shown ?? all)
    .map(
      (v) => `<tr data-verdict="${esc(v.verdict)}">
  <td>${clockTime(v.evaluatedAt)}</td>
  <td>${esc(v.release)}</td>
  <th scope="row">${esc(v.statement)}<div class="muted">${esc(v.featureName)}</div></th>
  <td class="verdict tone-${TONES[v.verdict] ?? "hold"}"><strong>${esc(v.verdict)}</strong><div class="muted">${esc(v.verdictCase)}</div></td>
  <td>${measured(v)}<div class="muted">${esc(v.metric)} over ${formatDuration(v.until - v.since)}</div></td>
  <td>${v.baselineRelease ? esc(v.baselineRelease) : "—"}</td>
</tr>`,
    )
    .join("");
  const options = [`<option value="">Every release</option>`]
    .concat(
      releases.map((r) => `<option value="${esc(r)}"${r === release ? " selected" : ""}>${esc(r)}</option>`),
    )
    .join("");
  return `<h2>Value verdicts</h2>
<p class="muted">Each "In order to …" line of the features, judged against the release that was serving.</p>
<form class="filters" data-form="verdicts">
  <div class="filter"><label for="filter-release">Release</label><select id="filter-release" name="release">${options}</select></div>
  <button type="submit">Show release</button>
</form>
${
  rows
    ? `<div class="table-wrap"><table id="verdicts"><thead><tr><th scope="col">Judged</th><th scope="col">Release</th><th scope="col">Statement</th><th scope="col">Verdict</th><th scope="col">Measured</th><th scope="col">Baseline</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : "<p>No verdict yet.</p>"
}`;
}
