import type { LoadSnapshot } from "./aggregate.js";
import type { LoadModel, LoadSummary, NamedStats, ThresholdResult } from "./types.js";

export type Style = "green" | "red" | "yellow" | "bold" | "dim";
/** Colours text; the CLI's Output.color fits. */
export type Colorize = (style: Style, text: string) => string;

const plain: Colorize = (_style, text) => text;
const ANSI: Record<Style, [number, number]> = {
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  bold: [1, 22],
  dim: [2, 22],
};
/** Always colours (the caller decided): util.styleText would drop colours when stdout is no TTY. */
const ansi: Colorize = (style, text) => `\u001b[${ANSI[style][0]}m${text}\u001b[${ANSI[style][1]}m`;
/** Most request names listed in the latency table (busiest first). */
const MAX_REQUEST_ROWS = 15;
const MAX_NAME = 48;

/**
 * The end-of-run summary for a terminal: totals, latency table, journeys (requested vs achieved
 * share), errors by kind, dropped journeys and thresholds. `color`: true for ANSI colours, or a
 * colouring function; plain text by default.
 */
export function summaryLines(summary: LoadSummary, color: boolean | Colorize = false): string[] {
  const c = color === true ? ansi : color === false ? plain : color;
  const journeysDone = Object.values(summary.journeys).reduce((n, j) => n + j.count, 0);
  const lines = [
    c(
      "bold",
      `Load test: ${seconds(summary.durationMs)}, ${describeModel(summary.model)}, ` +
        `${summary.workers} worker${summary.workers === 1 ? "" : "s"}, ${summary.connections} connections`,
    ),
    `  requests  ${count(summary.requests)}  (${rate(summary.rps)}/s)`,
    `  journeys  ${count(journeysDone)} finished, ` +
      `${paint(c, summary.errors > 0, `${count(summary.errors)} failed (${percent(summary.errorRate)})`)}` +
      (summary.dropped > 0 ? `, ${c("yellow", `${count(summary.dropped)} dropped`)}` : ""),
    "",
  ];

  const requestRows = Object.entries(summary.requestsByName)
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, MAX_REQUEST_ROWS)
    .map(([name, s]) => latencyRow(name, s));
  const all = { count: summary.requests, errors: 0, rps: summary.rps, latency: summary.latency };
  lines.push(
    ...table(
      c,
      ["latency (ms)", "count", "p50", "p90", "p99", "p99.9", "max"],
      [latencyRow("all requests", all), ...requestRows],
    ),
  );
  const hidden = Object.keys(summary.requestsByName).length - requestRows.length;
  if (hidden > 0) lines.push(c("dim", `  … ${hidden} more request names in the JSON summary`));

  const journeys = Object.entries(summary.journeys);
  if (journeys.length > 0) {
    lines.push("");
    const rows = journeys.map(([name, j]) => [
      clip(name),
      String(j.weight),
      percent(j.requestedShare),
      percent(j.achievedShare),
      count(j.count),
      paint(c, j.errors > 0, count(j.errors)),
      ms(j.latency.p50),
      ms(j.latency.p99),
    ]);
    lines.push(
      ...table(c, ["journey", "weight", "requested", "achieved", "count", "errors", "p50", "p99"], rows),
    );
  }

  const kinds = Object.entries(summary.errorsByKind).sort((a, b) => b[1] - a[1]);
  if (kinds.length > 0) {
    lines.push("", c("bold", "  errors by kind"));
    const width = Math.max(...kinds.map(([kind]) => kind.length));
    const countWidth = Math.max(...kinds.map(([, n]) => count(n).length));
    for (const [kind, n] of kinds) {
      lines.push(`    ${kind.padEnd(width)}  ${c("red", count(n).padStart(countWidth))}`);
    }
  }

  if (summary.thresholds.length > 0) {
    lines.push("", c("bold", "  thresholds"));
    for (const t of summary.thresholds) lines.push(`    ${thresholdLine(t, c)}`);
  }
  return lines;
}

/** `✔ p95<300ms  (212 ms)`; the value is left out when nothing was measured. */
export function thresholdLine(t: ThresholdResult, color: Colorize = plain): string {
  const mark = t.passed ? color("green", "✔") : color("red", "✘");
  return Number.isNaN(t.actual)
    ? `${mark} ${t.expression}`
    : `${mark} ${t.expression}  (${thresholdValue(t)})`;
}

function thresholdValue(t: ThresholdResult): string {
  switch (t.unit) {
    case "ms":
      return `${ms(t.actual)} ms`;
    case "%":
      return `${Number(t.actual.toFixed(2))}%`;
    case "/s":
      return `${rate(t.actual)}/s`;
    default:
      return count(t.actual);
  }
}

/** One status line, rewritten in place each second: `elapsed 12s/60s  rps 1,234  p95 18.2 ms  errors 0.1%  active 50`. */
export function liveLine(snapshot: LoadSnapshot, durationMs: number): string {
  const parts = [
    `elapsed ${seconds(snapshot.elapsedMs)}/${seconds(durationMs)}`,
    `rps ${rate(snapshot.rps)}`,
    `p95 ${Number.isNaN(snapshot.p95Ms) ? "-" : `${ms(snapshot.p95Ms)} ms`}`,
    `errors ${percent(snapshot.errorRate)}`,
    `active ${count(snapshot.active)}`,
  ];
  if (snapshot.dropped > 0) parts.push(`dropped ${count(snapshot.dropped)}`);
  return parts.join("  ");
}

function latencyRow(name: string, s: NamedStats): string[] {
  const l = s.latency;
  return [clip(name), count(s.count), ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max)];
}

/** Left-aligned first column, right-aligned numbers, indented two spaces. */
function table(c: Colorize, headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? "").length)));
  const format = (cells: string[]) =>
    `  ${cells
      .map((cell, i) => {
        const pad = " ".repeat(Math.max(0, (widths[i] ?? 0) - visible(cell).length));
        return i === 0 ? cell + pad : pad + cell;
      })
      .join("  ")}`.trimEnd();
  return [c("bold", format(headers)), ...rows.map(format)];
}

function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

function paint(c: Colorize, bad: boolean, text: string): string {
  return bad ? c("red", text) : text;
}

function clip(name: string): string {
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name;
}

function describeModel(model: LoadModel): string {
  return model.kind === "closed"
    ? `closed model, ${count(model.users)} user${model.users === 1 ? "" : "s"}`
    : `open model, ${rate(model.ratePerSecond)} journeys/s`;
}

/** Whole seconds: "12s", "1m5s", "1h0m0s". */
export function seconds(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** Milliseconds with about three significant figures: 0.85, 18.2, 212, 1,234. */
export function ms(value: number): string {
  if (Number.isNaN(value)) return "-";
  if (value >= 100) return count(Math.round(value));
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function count(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

function rate(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: n >= 100 ? 0 : 1 });
}

/** A 0..1 fraction as a percentage: "0%", "0.1%", "<0.01%", "75%". */
export function percent(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0) return "0%";
  const rounded = Number(pct.toFixed(pct >= 10 ? 1 : 2));
  return rounded === 0 ? "<0.01%" : `${rounded}%`;
}
