import { EscalatorError } from "../util/errors.js";
import type { ThresholdResult } from "./types.js";

export type ThresholdOp = "<" | "<=" | ">" | ">=";
export type ScopeKind = "journey" | "step" | "request";

/** What a threshold is about: a journey, a step or a request name. No scope means the whole run. */
export interface ThresholdScope {
  kind: ScopeKind;
  name: string;
}

/** A latency statistic: a percentile (0 < p ≤ 100), the maximum or the mean. */
export type LatencyStat = number | "max" | "mean";

export type ThresholdMetric =
  | { kind: "latency"; stat: LatencyStat }
  | { kind: "errorRate" }
  | { kind: "errorCount" }
  | { kind: "rps" };

export interface Threshold {
  /** As written, trimmed. */
  expression: string;
  metric: ThresholdMetric;
  scope: ThresholdScope | undefined;
  op: ThresholdOp;
  /** In `unit`: latencies in ms (a value written in s is converted), error rates in %. */
  value: number;
  unit: ThresholdResult["unit"];
}

/**
 * The measured figures of one scope. Without a scope: latency of all requests, rps of requests,
 * errors of journeys (failed journeys, and their rate among finished journeys). With a scope:
 * that name's own latency, count per second and failures.
 */
export interface ScopeStats {
  errorCount: number;
  /** 0..1 */
  errorRate: number;
  rps: number;
  /** Milliseconds; NaN when nothing was recorded. */
  latencyMs(stat: LatencyStat): number;
}

/** Returns undefined when the scope names nothing that ran. */
export type ThresholdSource = (scope: ThresholdScope | undefined) => ScopeStats | undefined;

const EXAMPLES = "e.g. p95<300ms, p99.9{journey:Checkout}<1s, errors<1%, errors<=10, rps>=500";
const SHAPE = /^([A-Za-z][\w.]*)\s*(\{[^}]*\})?\s*(<=|>=|=<|=>|<|>|==?|!=)?\s*(.*)$/s;
const NUMBER = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|%|\/s)?$/;

/**
 * Parses `METRIC[{SCOPE:NAME}] OP VALUE[UNIT]`, e.g. `p95<300ms`, `p95{journey:Buy a widget}<300ms`,
 * `errors{step:I GET "/cart"}<1%`, `errors<=10`, `rps>500`. Throws USAGE saying what is wrong.
 */
export function parseThreshold(text: string): Threshold {
  const expression = text.trim();
  const fail = (reason: string) =>
    new EscalatorError("USAGE", `Invalid threshold "${expression}": ${reason} (${EXAMPLES})`);
  if (expression === "") throw fail("it is empty");
  const shape = SHAPE.exec(expression);
  if (!shape) throw fail("expected METRIC[{journey|step|request:NAME}] OP VALUE");
  const [, metricText = "", scopeText, opText, valueText = ""] = shape;

  const metric = parseMetric(metricText, fail);
  const scope = scopeText === undefined ? undefined : parseScope(scopeText, fail);
  if (scope === undefined && valueText.includes("{")) {
    throw fail(
      valueText.includes("}") ? "a scope goes right after the metric" : "the scope lacks its closing }",
    );
  }
  if (opText === undefined) throw fail("expected an operator <, <=, > or >= after the metric");
  if (opText !== "<" && opText !== "<=" && opText !== ">" && opText !== ">=") {
    throw fail(`"${opText}" is not an operator; use <, <=, > or >=`);
  }
  const number = NUMBER.exec(valueText.trim());
  if (!number) throw fail(`"${valueText.trim()}" is not a number with an optional unit`);
  const amount = Number(number[1]);
  const unit = number[2];

  const threshold = (value: number, u: Threshold["unit"]): Threshold => ({
    expression,
    metric,
    scope,
    op: opText,
    value,
    unit: u,
  });
  switch (metric.kind) {
    case "latency":
      if (unit === "ms") return threshold(amount, "ms");
      if (unit === "s") return threshold(amount * 1000, "ms");
      throw fail(`a latency needs the unit ms or s, e.g. ${metricText}<${amount}ms`);
    case "errorRate":
    case "errorCount":
      if (unit === "%") return { ...threshold(amount, "%"), metric: { kind: "errorRate" } };
      if (unit === undefined) return threshold(amount, "");
      throw fail("errors take a percentage (errors<1%) or a plain count (errors<=10)");
    case "rps":
      if (unit === undefined || unit === "/s") return threshold(amount, "/s");
      throw fail("rps takes a plain number, e.g. rps>500");
  }
}

function parseMetric(text: string, fail: (reason: string) => Error): ThresholdMetric {
  const name = text.toLowerCase();
  if (name === "max" || name === "mean") return { kind: "latency", stat: name };
  if (name === "errors") return { kind: "errorCount" };
  if (name === "rps") return { kind: "rps" };
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(name);
  if (percentile) {
    const p = Number(percentile[1]);
    if (p > 0 && p <= 100) return { kind: "latency", stat: p };
    throw fail(
      `percentile ${percentile[1]} is out of range; it must be above 0 and at most 100 (p99.9, not p999)`,
    );
  }
  throw fail(`unknown metric "${text}"; use p50, p90, p95, p99, p99.9 (any pNN), max, mean, errors or rps`);
}

function parseScope(text: string, fail: (reason: string) => Error): ThresholdScope {
  const inner = text.slice(1, -1);
  const colon = inner.indexOf(":");
  const kind = (colon < 0 ? inner : inner.slice(0, colon)).trim().toLowerCase();
  if (kind !== "journey" && kind !== "step" && kind !== "request") {
    throw fail(`unknown scope "${kind}"; use {journey:NAME}, {step:TEXT} or {request:METHOD /path}`);
  }
  const name = colon < 0 ? "" : inner.slice(colon + 1).trim();
  if (name === "") throw fail(`the scope needs a name, e.g. {${kind}:NAME}`);
  return { kind, name };
}

/**
 * Evaluates each threshold. A scope that names nothing that ran fails with actual NaN and
 * " (no such journey|step|request)" appended to the expression (catches typos). A latency with
 * no samples likewise fails with " (no data)".
 */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  source: ThresholdSource,
): ThresholdResult[] {
  return thresholds.map((t) => {
    const stats = source(t.scope);
    if (stats === undefined) {
      const what = t.scope ? `no such ${t.scope.kind}` : "no data";
      return { expression: `${t.expression} (${what})`, actual: Number.NaN, unit: t.unit, passed: false };
    }
    const actual = measure(t.metric, stats);
    if (Number.isNaN(actual)) {
      return { expression: `${t.expression} (no data)`, actual, unit: t.unit, passed: false };
    }
    return { expression: t.expression, actual, unit: t.unit, passed: compare(actual, t.op, t.value) };
  });
}

function measure(metric: ThresholdMetric, stats: ScopeStats): number {
  switch (metric.kind) {
    case "latency":
      return stats.latencyMs(metric.stat);
    case "errorRate":
      return stats.errorRate * 100;
    case "errorCount":
      return stats.errorCount;
    case "rps":
      return stats.rps;
  }
}

function compare(actual: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case "<":
      return actual < value;
    case "<=":
      return actual <= value;
    case ">":
      return actual > value;
    case ">=":
      return actual >= value;
  }
}
