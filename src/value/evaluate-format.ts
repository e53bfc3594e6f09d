/**
 * Wording and shared pieces of value verdicts: number formatting for one-line explanations, the
 * three-way decision from two one-sided tests, and the measurement copies a verdict carries.
 */
import type { Comparator, EvaluationOptions, Measurement, Verdict } from "./types.js";

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** "10,000", "12.5", "0.00123": whole numbers grouped, others to 3 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "∞" : value < 0 ? "-∞" : "?";
  if (Number.isInteger(value) || Math.abs(value) >= 100) return grouped.format(value);
  return String(Number(value.toPrecision(3)));
}

/** A fraction as a percentage: 0.0012 → "0.12%", 0.62 → "62%", 0.03 → "3%". */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (!Number.isFinite(percent)) return "∞%";
  if (percent === 0) return "0%";
  if (Math.abs(percent) >= 10) return `${grouped.format(Math.round(percent))}%`;
  return `${Number(percent.toPrecision(2))}%`;
}

/** "p = 0.003", "p = 0.21", "p < 0.0001". */
export function formatP(p: number): string {
  if (p < 0.0001) return "p < 0.0001";
  return `p = ${Number(p.toPrecision(p < 0.001 ? 1 : 2))}`;
}

export const formatMs = (ms: number): string => `${formatNumber(ms)} ms`;

/** A window length in seconds: "45 s", "30 min", "2 h", "1.5 days". */
export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${formatNumber(seconds)} s`;
  if (seconds < 2 * 3600) return `${formatNumber(Math.round(seconds / 6) / 10)} min`;
  if (seconds < 2 * 86400) return `${formatNumber(Math.round(seconds / 360) / 10)} h`;
  return `${formatNumber(Math.round(seconds / 8640) / 10)} days`;
}

/** "12 silly mistakes", "1 silly mistake" (a trailing plural s is dropped for exactly one). */
export function countOf(value: number, metric: string): string {
  const singular = value === 1 && /[^isu]s$/.test(metric);
  return `${formatNumber(value)} ${singular ? metric.slice(0, -1) : metric}`;
}

/** How a bound reads after "the claim allows"/"the claim asks for": "at most 3", "fewer than 3 ms". */
export function boundPhrase(op: Comparator, bound: string, countable = false): string {
  const words: Record<Comparator, string> = {
    lt: countable ? "fewer than" : "less than",
    le: "at most",
    eq: "exactly",
    ge: "at least",
    gt: "more than",
  };
  return `${words[op]} ${bound}`;
}

/** "the claim allows at most 3" or "the claim asks for at least 500". */
export function claimPhrase(op: Comparator, bound: string, countable = false): string {
  return `the claim ${op === "lt" || op === "le" ? "allows" : "asks for"} ${boundPhrase(op, bound, countable)}`;
}

export function compare(value: number, op: Comparator, bound: number): boolean {
  switch (op) {
    case "lt":
      return value < bound;
    case "le":
      return value <= bound;
    case "eq":
      return value === bound;
    case "ge":
      return value >= bound;
    case "gt":
      return value > bound;
  }
}

export const PREFIX: Record<Verdict["verdict"], string> = {
  delivered: "Delivered",
  "not delivered": "Not delivered",
  inconclusive: "Inconclusive",
};

export type Outcome = "claimed" | "against" | "neither";

/**
 * The three-way decision from two one-sided tests at level α: the claimed direction significant →
 * "claimed"; the opposite one significant → "against"; else "neither". pValue is the deciding one, or
 * the smaller of the two.
 */
export function decide(
  pClaimed: number,
  pAgainst: number,
  alpha: number,
): { outcome: Outcome; pValue: number } {
  if (pClaimed < alpha) return { outcome: "claimed", pValue: pClaimed };
  if (pAgainst < alpha) return { outcome: "against", pValue: pAgainst };
  return { outcome: "neither", pValue: Math.min(pClaimed, pAgainst) };
}

/** The measurement a verdict carries: samples replaced by their count (verdicts are stored and sent). */
export function measuredOf(measurement: Measurement): Verdict["measured"] {
  const { samples, ...rest } = measurement;
  return samples === undefined ? rest : { ...rest, samplesCount: samples.length };
}

/** The baseline a verdict carries, without its samples. */
export function baselineOf(baseline: Measurement & { release?: string }): NonNullable<Verdict["baseline"]> {
  const { samples: _samples, ...rest } = baseline;
  return rest;
}

/**
 * A confidence interval for a verdict, or undefined when a bound is infinite (JSON has no ∞). Built from
 * the two one-sided 1-α bounds, so its level is 1-2α.
 */
export function interval(
  options: EvaluationOptions,
  low: number,
  high: number,
  of: string,
): Verdict["confidence"] | undefined {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return undefined;
  return { level: 1 - 2 * options.alpha, low, high, of };
}

/** "90% CI" for a verdict's interval. */
export const ciLabel = (options: EvaluationOptions): string => `${formatPercent(1 - 2 * options.alpha)} CI`;

/**
 * A relative change in words: -0.62 → "62% fewer" (or "lower"), 0.1 → "10% more" (or "higher").
 * A range mixing both directions reads "20% fewer to 15% more".
 */
export function changeWords(change: number, countable: boolean): string {
  if (change === 0) return "no change";
  const [down, up] = countable ? ["fewer", "more"] : ["lower", "higher"];
  return `${formatPercent(Math.abs(change))} ${change < 0 ? down : up}`;
}

export function changeRangeWords(low: number, high: number, countable: boolean): string {
  if ((low < 0 && high < 0) || (low > 0 && high > 0)) {
    const [near, far] = Math.abs(low) < Math.abs(high) ? [low, high] : [high, low];
    return `${formatPercent(Math.abs(near))} to ${changeWords(far, countable)}`;
  }
  return `${changeWords(low, countable)} to ${changeWords(high, countable)}`;
}
