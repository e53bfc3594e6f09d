import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { REPORT_CSS, REPORT_SCRIPT } from "./html-report-assets.js";
import { escapeHtml, inlineSafe, jsonForScript } from "./html-text.js";
import type { LoadModel, LoadSummary, NamedStats, Percentiles, ThresholdResult } from "./types.js";

export { escapeHtml, jsonForScript };

/**
 * The load report: one self-contained HTML file drawn from the same LoadSummary as the JSON
 * summary. uPlot (script and CSS) is inlined, the summary is embedded as JSON for the charts,
 * and a Content-Security-Policy forbids every network request, so it works opened via file://.
 * Every numeric table cell carries its raw value in `data-value` and its JSON path (relative to
 * the row's object) in `data-field`; rows carry their name in `data-name`.
 */
export interface HtmlReportOptions {
  title?: string;
}

type Format = (n: number) => string;

const require = createRequire(import.meta.url);

/** uPlot's minified script and CSS, read once per process. */
let uplotAssets: { js: string; css: string } | undefined;
function uplot(): { js: string; css: string } {
  uplotAssets ??= {
    js: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    css: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  };
  return uplotAssets;
}

function fixed(digits: number): Format {
  const nf = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return (n) => nf.format(n);
}

const f = {
  int: fixed(0),
  ms: fixed(1),
  rate: fixed(1),
  pct: (ratio: number) => `${fixed(1)(ratio * 100)}%`,
  errorRate: (ratio: number) => `${fixed(2)(ratio * 100)}%`,
  weight: (n: number) => new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 }).format(n),
};

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 60_000) return `${fixed(1)(ms / 1000)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours} h ${minutes} min ${seconds} s` : `${minutes} min ${seconds} s`;
}

function describeModel(model: LoadModel): string {
  return model.kind === "closed"
    ? `closed, ${f.int(model.users)} users`
    : `open, ${f.rate(model.ratePerSecond)} journeys/s`;
}

function formatThreshold(t: ThresholdResult): string {
  switch (t.unit) {
    case "ms":
      return `${f.ms(t.actual)} ms`;
    case "%":
      return `${fixed(2)(t.actual)}%`;
    case "/s":
      return `${f.rate(t.actual)}/s`;
    default:
      return new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 }).format(t.actual);
  }
}

/** The text shown for a number (a dash for NaN/Infinity), and its raw value as an attribute. */
function shown(value: number, format: Format): string {
  return escapeHtml(typeof value === "number" && Number.isFinite(value) ? format(value) : "–");
}
function numAttrs(field: string, value: number): string {
  return `data-field="${escapeHtml(field)}" data-value="${escapeHtml(String(value))}"`;
}
function numCell(field: string, value: number, format: Format): string {
  return `<td class="num" ${numAttrs(field, value)}>${shown(value, format)}</td>`;
}

interface Column<T> {
  header: string;
  field: string;
  get: (row: T) => number;
  format: Format;
}

const LATENCY_COLUMNS: Column<{ latency: Percentiles }>[] = (
  ["p50", "p90", "p95", "p99", "p999", "max", "mean"] as const
).map((p) => ({
  header: `${p === "p999" ? "p99.9" : p} (ms)`,
  field: `latency.${p}`,
  get: (s) => s.latency[p],
  format: f.ms,
}));

const STAT_COLUMNS: Column<NamedStats>[] = [
  { header: "Count", field: "count", get: (s) => s.count, format: f.int },
  { header: "Errors", field: "errors", get: (s) => s.errors, format: f.int },
  { header: "Rate (/s)", field: "rps", get: (s) => s.rps, format: f.rate },
  ...LATENCY_COLUMNS,
];

type JourneyStats = LoadSummary["journeys"][string];
/** Journeys: fewer latency columns (no p95, mean) to leave room for the weight and shares. */
const JOURNEY_COLUMNS: Column<JourneyStats>[] = [
  ...STAT_COLUMNS.filter((c) => c.field !== "latency.p95" && c.field !== "latency.mean"),
  { header: "Weight", field: "weight", get: (s) => s.weight, format: f.weight },
  { header: "Requested share", field: "requestedShare", get: (s) => s.requestedShare, format: f.pct },
  { header: "Achieved share", field: "achievedShare", get: (s) => s.achievedShare, format: f.pct },
];

function headerRow(first: string, columns: { header: string; num?: boolean }[]): string {
  const cells = columns.map(
    (c) => `<th scope="col"${c.num === false ? "" : ' class="num"'}>${escapeHtml(c.header)}</th>`,
  );
  return `<thead><tr><th scope="col">${escapeHtml(first)}</th>${cells.join("")}</tr></thead>`;
}

function table(id: string, caption: string, head: string, rows: string[], empty: string): string {
  if (rows.length === 0) return `<p class="empty" id="${id}-empty">${escapeHtml(empty)}</p>`;
  return (
    `<div class="table-wrap"><table id="${id}"><caption>${escapeHtml(caption)}</caption>` +
    `${head}<tbody>${rows.join("")}</tbody></table></div>`
  );
}

function statsTable<T>(
  id: string,
  caption: string,
  nameHeader: string,
  entries: Record<string, T>,
  columns: Column<T>[],
): string {
  const rows = Object.entries(entries).map(
    ([name, stats]) =>
      `<tr data-name="${escapeHtml(name)}"><th scope="row">${escapeHtml(name)}</th>` +
      `${columns.map((c) => numCell(c.field, c.get(stats), c.format)).join("")}</tr>`,
  );
  return table(
    id,
    caption,
    headerRow(nameHeader, columns),
    rows,
    `No ${nameHeader.toLowerCase()}s recorded.`,
  );
}

function section(id: string, title: string, body: string): string {
  return `<section aria-labelledby="h-${id}"><h2 id="h-${id}">${escapeHtml(title)}</h2>${body}</section>`;
}

function chart(id: string, caption: string): string {
  return (
    `<figure><figcaption id="${id}-caption">${escapeHtml(caption)}</figcaption>` +
    `<div class="chart" id="${id}" role="img" aria-labelledby="${id}-caption"></div></figure>`
  );
}

function totals(s: LoadSummary): string {
  const items: [string, string, number | string, Format?][] = [
    ["Requests", "requests", s.requests, f.int],
    ["Requests/s", "rps", s.rps, f.rate],
    ["Failed journeys", "errors", s.errors, f.int],
    ["Error rate", "errorRate", s.errorRate, f.errorRate],
    ["Dropped", "dropped", s.dropped, f.int],
    ["Duration", "durationMs", s.durationMs, formatDuration],
    ["Model", "model", describeModel(s.model)],
    ["Workers", "workers", s.workers, f.int],
    ["Connections", "connections", s.connections, f.int],
  ];
  const cells = items.map(([label, field, value, format]) => {
    const dd =
      typeof value === "number" && format
        ? `<dd ${numAttrs(field, value)}>${shown(value, format)}</dd>`
        : `<dd data-field="${field}">${escapeHtml(String(value))}</dd>`;
    return `<div><dt>${escapeHtml(label)}</dt>${dd}</div>`;
  });
  return `<dl class="totals">${cells.join("")}</dl>`;
}

function thresholds(list: ThresholdResult[]): string {
  const rows = list.map((t, i) => {
    const verdict = t.passed
      ? '<td class="pass"><span aria-hidden="true">✔</span> pass</td>'
      : '<td class="fail"><span aria-hidden="true">✘</span> fail</td>';
    return (
      `<tr data-index="${i}"><th scope="row">${escapeHtml(t.expression)}</th>${verdict}` +
      `<td class="num" ${numAttrs("actual", t.actual)}>${shown(t.actual, () => formatThreshold(t))}</td></tr>`
    );
  });
  const head = headerRow("Threshold", [{ header: "Result", num: false }, { header: "Measured" }]);
  return table("thresholds", "Thresholds and the measured values", head, rows, "No thresholds were set.");
}

/** A run cut short (Ctrl-C, a dead worker) says so before any figure is read. */
function runNotice(summary: LoadSummary): string {
  const run = summary as LoadSummary & {
    interrupted?: boolean;
    incomplete?: boolean;
    failedWorkers?: unknown[];
  };
  if (run.interrupted)
    return '<p class="verdict fail" role="status">Interrupted: these figures cover only the time the test ran.</p>';
  if (run.incomplete)
    return `<p class="verdict fail" role="status">Incomplete: ${run.failedWorkers?.length ?? 1} load worker(s) died; these figures cover what was measured before.</p>`;
  return "";
}

function verdict(list: ThresholdResult[]): string {
  if (list.length === 0) return "";
  const failed = list.filter((t) => !t.passed).length;
  return failed === 0
    ? `<p class="verdict pass"><span aria-hidden="true">✔</span> All ${list.length} thresholds passed.</p>`
    : `<p class="verdict fail"><span aria-hidden="true">✘</span> ${failed} of ${list.length} thresholds failed.</p>`;
}

function errorsTable(byKind: Record<string, number>): string {
  const entries = Object.entries(byKind).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const rows = entries.map(
    ([kind, n]) =>
      `<tr data-name="${escapeHtml(kind)}"><th scope="row">${escapeHtml(kind)}</th>` +
      `${numCell("count", n, f.int)}${numCell("share", total > 0 ? n / total : 0, f.pct)}</tr>`,
  );
  const head = headerRow("Kind", [{ header: "Count" }, { header: "Share" }]);
  return table("errors", "Failures by kind", head, rows, "No errors.");
}

/** Renders the whole report page. */
export function renderHtmlReport(summary: LoadSummary, opts: HtmlReportOptions = {}): string {
  const title = opts.title ?? "Escalator load report";
  const assets = uplot();
  const overallCells = LATENCY_COLUMNS.map((c) => numCell(c.field, c.get(summary), c.format)).join("");
  const overall = table(
    "latency",
    "Latency of all requests (ms)",
    headerRow("Scope", LATENCY_COLUMNS),
    [`<tr><th scope="row">All requests</th>${overallCells}</tr>`],
    "",
  );
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(title)}</title>
<style>${inlineSafe(assets.css, "style")}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Started <time datetime="${escapeHtml(summary.startedAt)}">${escapeHtml(summary.startedAt)}</time></p>
${runNotice(summary)}
${totals(summary)}
${verdict(summary.thresholds)}
</header>
<main>
${section("thresholds", "Thresholds", thresholds(summary.thresholds))}
${section("latency", "Latency", `${overall}<div class="charts">${chart("chart-latency", "Latency percentiles over time (ms)")}${chart("chart-distribution", "Latency distribution (requests per bucket)")}</div>`)}
${section("load", "Load over time", `<div class="charts">${chart("chart-throughput", "Throughput (per second)")}${chart("chart-active", summary.model.kind === "open" ? "Journeys in flight and dropped" : "Active users")}</div>`)}
${section("journeys", "Journeys", statsTable("journeys", "Per journey (scenario); latency of whole journeys", "Journey", summary.journeys, JOURNEY_COLUMNS))}
${section("steps", "Steps", statsTable("steps", "Per step; latency of the step", "Step", summary.steps, STAT_COLUMNS))}
${section("requests", "Requests", statsTable("requests", "Per request (method and path)", "Request", summary.requestsByName, STAT_COLUMNS))}
${section("errors", "Errors by kind", errorsTable(summary.errorsByKind))}
</main>
<footer>Generated by Escalator from the load summary embedded in this file.</footer>
<script type="application/json" id="summary">${jsonForScript(summary)}</script>
<script>${inlineSafe(assets.js, "script")}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
