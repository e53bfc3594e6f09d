import { performance } from "node:perf_hooks";
import type { CheckState, PrometheusProbeConfig } from "../config/schema.js";
import { type PromSample, queryPrometheus } from "../util/prometheus-query.js";
import { substitute, substituteUrl, type TemplateValues } from "../util/template.js";
import type { Check, CheckContext, CheckResult, PerfDatum } from "./types.js";

/** Failing series named in one message; the rest are counted. */
const SHOWN_SERIES = 3;

/**
 * Evaluates a PromQL instant query through Prometheus's HTTP API.
 *
 * - A series fails when it exists (no `condition`), or when its value satisfies `condition`.
 *   NaN satisfies no comparison, not even `!=`; NaN series are named in the message instead.
 * - CRITICAL when any series fails, else OK. Query errors, an unreachable or slow server and
 *   answers that are not the Prometheus envelope are UNKNOWN: a monitoring outage is not a
 *   failure of the targets, so it does not escalate unless `escalate_on` includes UNKNOWN.
 * - With `target_label`, `byTarget` names each failing series' target; failing series without
 *   the label fail the check as a whole.
 */
export const prometheusCheck: Check = {
  kind: "prometheus",
  async run(ctx: CheckContext, signal: AbortSignal): Promise<CheckResult> {
    const started = performance.now();
    const result = (state: CheckState, message: string, extra: Partial<CheckResult> = {}): CheckResult => ({
      state,
      message: `PROMETHEUS ${state} - ${message}`,
      perfdata: [],
      durationMs: performance.now() - started,
      ...extra,
    });
    const probe = ctx.check.prometheus;
    if (!probe) return result("UNKNOWN", "prometheus check without a prometheus probe");

    const values: TemplateValues = { environment: ctx.environment, level: ctx.check.level };
    if (ctx.target !== undefined) values.target = ctx.target;
    const url = substituteUrl(probe.url, values);
    if ("error" in url) return result("UNKNOWN", url.error);
    const query = substituteQuery(probe.query, values);
    if ("error" in query) return result("UNKNOWN", query.error);
    const condition = probe.condition === undefined ? undefined : parseCondition(probe.condition);
    if (condition === null) {
      return result(
        "UNKNOWN",
        `condition ${JSON.stringify(probe.condition)} is not a comparison like "> 0.9"`,
      );
    }

    const answer = await queryPrometheus({
      url: url.url,
      query: query.query,
      timeoutMs: Math.min(probe.timeout ?? ctx.timeoutMs, ctx.timeoutMs),
      signal,
    });
    if (!answer.ok) return result("UNKNOWN", answer.message);

    const evaluation = evaluate(answer.samples, condition, probe);
    const seconds = (performance.now() - started) / 1000;
    const perfdata: PerfDatum[] = [
      { label: "series", value: answer.samples.length, uom: "", min: 0 },
      { label: "failing", value: evaluation.failing.length, uom: "", min: 0 },
      { label: "time", value: Number(seconds.toFixed(6)), uom: "s", min: 0 },
    ];
    const warnings = answer.warnings.length > 0 ? `; Prometheus warns: ${answer.warnings.join("; ")}` : "";
    const extra: Partial<CheckResult> = { perfdata };
    if (evaluation.byTarget) extra.byTarget = evaluation.byTarget;
    return result(evaluation.state, `${evaluation.message}${warnings}`, extra);
  },
};

export interface Condition {
  op: "<" | "<=" | ">" | ">=" | "==" | "!=";
  threshold: number;
  text: string;
}

/** "> 0.9" → { op: ">", threshold: 0.9 }; null when it is not a comparison. */
export function parseCondition(text: string): Condition | null {
  const match = /^\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*$/.exec(text);
  if (!match) return null;
  const op = match[1] as Condition["op"];
  const threshold = Number(match[2]);
  return { op, threshold, text: `${op} ${match[2]}` };
}

/** True when the value satisfies the comparison. NaN satisfies none, `!=` included. */
export function satisfies(value: number, condition: Condition): boolean {
  if (Number.isNaN(value)) return false;
  const t = condition.threshold;
  switch (condition.op) {
    case "<":
      return value < t;
    case "<=":
      return value <= t;
    case ">":
      return value > t;
    case ">=":
      return value >= t;
    case "==":
      return value === t;
    case "!=":
      return value !== t;
  }
}

interface Evaluation {
  state: CheckState;
  message: string;
  failing: PromSample[];
  byTarget?: Record<string, { state: CheckState; message: string }>;
}

/** Which series fail, and the words for it. Pure: exported for tests. */
export function evaluate(
  samples: PromSample[],
  condition: Condition | undefined,
  probe: Pick<PrometheusProbeConfig, "target_label">,
): Evaluation {
  const failing = condition ? samples.filter((s) => satisfies(s.value, condition)) : samples;
  const notCompared = condition ? samples.filter((s) => Number.isNaN(s.value)) : [];
  const nan =
    notCompared.length > 0
      ? `; ${count(notCompared.length)} with value NaN, not compared: ${list(notCompared)}`
      : "";
  const label = probe.target_label;

  let byTarget: Evaluation["byTarget"];
  const unlabelled: PromSample[] = [];
  if (label !== undefined) {
    const perTarget = new Map<string, PromSample[]>();
    for (const sample of failing) {
      const target = sample.labels[label];
      if (target === undefined || target === "") unlabelled.push(sample);
      else perTarget.set(target, [...(perTarget.get(target) ?? []), sample]);
    }
    byTarget = {};
    for (const [target, own] of perTarget) {
      byTarget[target] = { state: "CRITICAL", message: `PROMETHEUS CRITICAL - ${describe(own, condition)}` };
    }
  }
  const targets = byTarget ? { byTarget } : {};

  if (failing.length === 0) {
    const message =
      condition && samples.length > 0
        ? `none of ${count(samples.length)} is ${condition.text}`
        : "the query returned no series";
    return { state: "OK", message: `${message}${nan}`, failing, ...targets };
  }
  const message = condition
    ? `${failing.length} of ${count(samples.length)} ${failing.length === 1 ? "is" : "are"} ${condition.text}: ${list(failing)}`
    : `the query returned ${count(failing.length)}: ${list(failing)}`;
  const withoutLabel =
    unlabelled.length > 0
      ? `; ${count(unlabelled.length)} without label ${label}, failing the check as a whole: ${list(unlabelled)}`
      : "";
  return { state: "CRITICAL", message: `${message}${withoutLabel}${nan}`, failing, ...targets };
}

function describe(samples: PromSample[], condition: Condition | undefined): string {
  return condition
    ? `${list(samples)} ${samples.length === 1 ? "is" : "are"} ${condition.text}`
    : list(samples);
}

function count(n: number): string {
  return `${n} series`;
}

/** The first few series as `name{label="value"} = value`, and how many more. */
function list(samples: PromSample[]): string {
  const shown = samples.slice(0, SHOWN_SERIES).map((s) => `${formatSeries(s.labels)} = ${s.raw}`);
  const more = samples.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** PromQL notation: metric name outside the braces; a scalar or label-less series is `{}`. */
export function formatSeries(labels: Record<string, string>): string {
  const { __name__: name = "", ...rest } = labels;
  const pairs = Object.entries(rest).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return pairs.length === 0 && name !== "" ? name : `${name}{${pairs.join(", ")}}`;
}

/** A target's text could close a PromQL string and change the query: refuse such characters. */
const QUERY_UNSAFE = /["'`\\{}\p{Cc}]/u;

function substituteQuery(template: string, values: TemplateValues): { query: string } | { error: string } {
  const target = values.target;
  const unsafe = target === undefined ? null : QUERY_UNSAFE.exec(target);
  if (unsafe && /\{\{\s*target\s*\}\}/.test(template)) {
    return {
      error: `refusing to put target ${JSON.stringify(target)} into a PromQL query: it contains ${JSON.stringify(unsafe[0])}, which could change the query`,
    };
  }
  return { query: substitute(template, values) };
}
