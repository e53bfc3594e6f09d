import { xmlAttribute, xmlCdata } from "../features/formatters/xml-text.js";
import type { ValueEvaluation, ValueResult } from "./evaluate-features.js";
import type { VerdictName } from "./types.js";

export type VerdictCounts = Record<VerdictName, number>;

export function countVerdicts(results: readonly ValueResult[]): VerdictCounts {
  const counts: VerdictCounts = { delivered: 0, "not delivered": 0, inconclusive: 0, "not executable": 0 };
  for (const r of results) counts[r.verdict] += 1;
  return counts;
}

/**
 * 0 when nothing is `not delivered`, 1 when something is; `inconclusive` and `not executable`
 * fail only when strict. Load errors are usage errors (2).
 */
export function valueExitCode(evaluation: ValueEvaluation, strict: boolean): 0 | 1 | 2 {
  if (evaluation.errors.length > 0) return 2;
  const counts = countVerdicts(evaluation.results);
  if (counts["not delivered"] > 0) return 1;
  if (strict && counts.inconclusive + counts["not executable"] > 0) return 1;
  return 0;
}

export const VERDICT_MARK: Record<VerdictName, string> = {
  delivered: "✔",
  "not delivered": "✘",
  inconclusive: "?",
  "not executable": "!",
};

function number(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString("en-US")
    : n.toLocaleString("en-US", { maximumSignificantDigits: 4 });
}

function pValueText(p: number): string {
  return p < 0.0001 ? "p < 0.0001" : `p = ${p.toPrecision(2)}`;
}

/** The figures behind a verdict, on one line: measured, baseline or threshold, test and p-value. */
export function figuresLine(result: ValueResult): string | undefined {
  const d = result.details;
  if (!d) return undefined;
  const parts: string[] = [];
  const m = d.measured;
  parts.push(
    `measured ${number(m.value)}${m.exposure !== undefined ? ` / ${number(m.exposure)} exposure` : ""}${
      m.samplesCount !== undefined ? ` (${number(m.samplesCount)} samples)` : ""
    }`,
  );
  if (d.baseline)
    parts.push(
      `baseline${d.baseline.release ? ` ${d.baseline.release}` : ""} ${number(d.baseline.value)}${
        d.baseline.exposure !== undefined ? ` / ${number(d.baseline.exposure)}` : ""
      }`,
    );
  if (d.threshold !== undefined) parts.push(`threshold ${number(d.threshold)}`);
  if (d.test !== "none") parts.push(d.pValue !== undefined ? `${d.test}, ${pValueText(d.pValue)}` : d.test);
  return parts.join(" · ");
}

export interface PrettyStyle {
  color(style: "green" | "red" | "yellow" | "magenta" | "bold" | "dim", text: string): string;
}

const VERDICT_STYLE: Record<VerdictName, "green" | "red" | "yellow" | "magenta"> = {
  delivered: "green",
  "not delivered": "red",
  inconclusive: "yellow",
  "not executable": "magenta",
};

/** Human-readable report lines, grouped by feature. */
export function prettyLines(evaluation: ValueEvaluation, style: PrettyStyle): string[] {
  const lines: string[] = [
    style.color(
      "bold",
      `Release ${evaluation.release}: ${evaluation.since.toISOString()} → ${evaluation.until.toISOString()}`,
    ),
  ];
  let feature: string | undefined;
  for (const r of evaluation.results) {
    if (r.featureUri !== feature) {
      feature = r.featureUri;
      lines.push(
        "",
        `${style.color("bold", r.featureName || r.featureUri)}  ${style.color("dim", r.featureUri)}`,
      );
    }
    const verdict = style.color(VERDICT_STYLE[r.verdict], `${VERDICT_MARK[r.verdict]} ${r.verdict}`);
    lines.push(
      `  ${verdict}  In order to ${r.statement.replace(/^in order to\s+/i, "")}  ${style.color("dim", `(line ${r.line})`)}`,
    );
    // A source's error can carry its last output lines: keep them under the verdict.
    for (const line of r.explanation.split("\n")) lines.push(`    ${line}`);
    const figures = figuresLine(r);
    if (figures) lines.push(style.color("dim", `    ${figures}`));
  }
  if (evaluation.results.length === 0)
    lines.push("", 'No feature states its value with an "In order to ..." line.');
  const c = countVerdicts(evaluation.results);
  lines.push(
    "",
    `${evaluation.results.length} statement${evaluation.results.length === 1 ? "" : "s"}: ${c.delivered} delivered, ${c["not delivered"]} not delivered, ${c.inconclusive} inconclusive, ${c["not executable"]} not executable`,
  );
  return lines;
}

/**
 * JUnit XML: one testcase per statement. `not delivered` is a failure; `inconclusive` and
 * `not executable` are skipped, or failures when strict.
 */
export function junitXml(evaluation: ValueEvaluation, strict: boolean): string {
  const c = countVerdicts(evaluation.results);
  const failures = c["not delivered"] + (strict ? c.inconclusive + c["not executable"] : 0);
  const skipped = strict ? 0 : c.inconclusive + c["not executable"];
  const cases = evaluation.results.map((r) => {
    const name = xmlAttribute(`In order to ${r.statement.replace(/^in order to\s+/i, "")}`);
    const classname = xmlAttribute(r.featureName || r.featureUri);
    const body = [r.explanation, figuresLine(r)].filter(Boolean).join("\n");
    const fails = r.verdict === "not delivered" || (strict && r.verdict !== "delivered");
    const inner = fails
      ? `<failure message="${xmlAttribute(r.verdict)}" type="${xmlAttribute(r.case)}">${xmlCdata(body)}</failure>`
      : r.verdict === "delivered"
        ? `<system-out>${xmlCdata(body)}</system-out>`
        : `<skipped message="${xmlAttribute(`${r.verdict}: ${r.explanation}`)}"/>`;
    return `    <testcase classname="${classname}" name="${name}" file="${xmlAttribute(`${r.featureUri}:${r.line}`)}">${inner}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="escalator value" tests="${evaluation.results.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="value ${xmlAttribute(evaluation.release)}" tests="${evaluation.results.length}" failures="${failures}" skipped="${skipped}" errors="0" timestamp="${evaluation.until.toISOString()}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

/** The JSON document `--format json` prints. */
export function valueJson(evaluation: ValueEvaluation, strict: boolean): Record<string, unknown> {
  return {
    release: evaluation.release,
    since: evaluation.since.toISOString(),
    until: evaluation.until.toISOString(),
    summary: countVerdicts(evaluation.results),
    exitCode: valueExitCode(evaluation, strict),
    results: evaluation.results,
    errors: evaluation.errors,
  };
}
