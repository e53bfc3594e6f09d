/**
 * Verdicts on absolute bounds: counts (direct comparison), rates (exact binomial or Poisson test against the
 * bound) and latencies (exact binomial test on the share of samples above the bound, or a direct comparison).
 */
import {
  boundPhrase,
  claimPhrase,
  compare,
  countOf,
  decide,
  formatMs,
  formatNumber,
  formatP,
  formatPercent,
  interval,
  measuredOf,
  PREFIX,
} from "./evaluate-format.js";
import { empiricalQuantile, type OneSided, quantileExceedanceTest, rateAgainstBound } from "./statistics.js";
import type { Assertion, Comparator, EvaluationOptions, Measurement, Verdict } from "./types.js";

type RateAssertion = Extract<Assertion, { kind: "rate" }>;
type LatencyAssertion = Extract<Assertion, { kind: "latency" }>;

const direction = (alternative: OneSided): string => (alternative === "less" ? "below" : "above");

/** The verdict and case of a bound from the two one-sided tests; eq is broken only by a two-sided difference. */
function boundDecision(
  op: Comparator,
  pLess: number,
  pGreater: number,
  alpha: number,
): { verdict: Verdict["verdict"]; case: Verdict["case"]; pValue: number } {
  if (op === "eq") {
    const pValue = Math.min(1, 2 * Math.min(pLess, pGreater));
    return pValue < alpha
      ? { verdict: "not delivered", case: "bound broken", pValue }
      : { verdict: "inconclusive", case: "no significant change", pValue };
  }
  const claimedLess = op === "lt" || op === "le";
  const { outcome, pValue } = decide(claimedLess ? pLess : pGreater, claimedLess ? pGreater : pLess, alpha);
  if (outcome === "claimed") return { verdict: "delivered", case: "bound holds", pValue };
  if (outcome === "against") return { verdict: "not delivered", case: "bound broken", pValue };
  return { verdict: "inconclusive", case: "no significant change", pValue };
}

/** "significantly below the bound of 1%", "not significantly different from …". */
function relationWords(op: Comparator, decidedCase: Verdict["case"]): string {
  const claimed: OneSided = op === "lt" || op === "le" ? "less" : "greater";
  if (decidedCase === "no significant change") {
    return op === "eq" ? "not significantly different from" : `not significantly ${direction(claimed)}`;
  }
  if (op === "eq") return "significantly different from";
  const against: OneSided = claimed === "less" ? "greater" : "less";
  return `significantly ${direction(decidedCase === "bound holds" ? claimed : against)}`;
}

/** A count against its bound: no statistics, the count is what it is. */
export function evaluateCount(
  assertion: { metric: string; op: Comparator; bound: number },
  current: Measurement,
  options: EvaluationOptions,
  unit = "units of exposure",
): Verdict {
  const measured = measuredOf(current);
  const { metric, op, bound } = assertion;
  if (current.exposure !== undefined && current.exposure < options.minExposure) {
    return {
      verdict: "inconclusive",
      case: "too little exposure",
      measured,
      threshold: bound,
      test: "direct comparison",
      explanation:
        `Inconclusive: only ${formatNumber(current.exposure)} ${unit} so far for ${metric}; ` +
        `at least ${formatNumber(options.minExposure)} are needed to judge.`,
    };
  }
  const holds = compare(current.value, op, bound);
  const verdict = holds ? "delivered" : "not delivered";
  return {
    verdict,
    case: holds ? "bound holds" : "bound broken",
    measured,
    threshold: bound,
    test: "direct comparison",
    explanation: `${PREFIX[verdict]}: ${countOf(current.value, metric)}, ${claimPhrase(op, formatNumber(bound), true)}.`,
  };
}

/**
 * A rate value/exposure against its bound: delivered when significantly on the claimed side (one-sided
 * p < α), not delivered when significantly on the other side, else inconclusive. A bound of 0 is a count.
 */
export function evaluateRate(
  assertion: RateAssertion,
  current: Measurement,
  options: EvaluationOptions,
): Verdict {
  const { metric, op, bound, per } = assertion;
  const unit = per?.noun ?? "units of exposure";
  if (bound === 0) return evaluateCount(assertion, current, options, unit);
  const measured = measuredOf(current);
  const exposure = current.exposure;
  const base = { measured, threshold: bound };
  if (exposure === undefined || exposure <= 0 || exposure < options.minExposure) {
    const explanation =
      exposure === undefined
        ? `Inconclusive: ${metric} is claimed as a rate, but its source reports no exposure ` +
          `(the number of ${per?.noun ?? "attempts"} to divide by), so the rate cannot be judged.`
        : `Inconclusive: only ${formatNumber(exposure)} ${unit} so far for ${metric}; ` +
          `at least ${formatNumber(Math.max(options.minExposure, 1))} are needed to judge.`;
    return { ...base, verdict: "inconclusive", case: "too little exposure", test: "none", explanation };
  }
  const rateWords = (rate: number): string =>
    per
      ? `${formatNumber(rate * per.amount)} per ${formatNumber(per.amount)} ${per.noun}`
      : formatPercent(rate);
  const less = rateAgainstBound(current.value, exposure, bound, "less", options.alpha);
  const greater = rateAgainstBound(current.value, exposure, bound, "greater", options.alpha);
  const decision = boundDecision(op, less.pValue, greater.pValue, options.alpha);
  const observed =
    `${countOf(current.value, metric)} in ${formatNumber(exposure)}${per ? ` ${per.noun}` : ""} ` +
    `(${rateWords(current.value / exposure)})`;
  const relation = `${relationWords(op, decision.case)} the bound of ${rateWords(bound)}`;
  const tail =
    decision.verdict === "inconclusive"
      ? ` (${formatP(decision.pValue)}, ${less.test} test); more ${per?.noun ?? "exposure"} is needed to judge.`
      : ` (${formatP(decision.pValue)}, ${less.test} test).`;
  const confidence = interval(options, greater.ci[0], less.ci[1], "rate");
  return {
    ...base,
    verdict: decision.verdict,
    case: decision.case,
    test: less.test,
    pValue: decision.pValue,
    ...(confidence && { confidence }),
    explanation: `${PREFIX[decision.verdict]}: ${observed}, ${relation}${tail}`,
  };
}

/**
 * A latency bound. With samples: "p95 below 300 ms" ⇔ fewer than 5% of samples above 300 ms, judged by
 * the exact binomial test on the number above (percentile defaults to 95). Without samples: the source's
 * value compared directly.
 */
export function evaluateLatency(
  assertion: LatencyAssertion,
  current: Measurement,
  options: EvaluationOptions,
): Verdict {
  const { metric, op, boundMs } = assertion;
  const measured = measuredOf(current);
  const base = { measured, threshold: boundMs };
  const samples = current.samples;
  const claim = claimPhrase(op, formatMs(boundMs));
  /** A single latency value against the bound: no statistics, the value is what it is. */
  const direct = (label: string, valueMs: number): Verdict => {
    const holds = compare(valueMs, op, boundMs);
    const verdict = holds ? "delivered" : "not delivered";
    return {
      ...base,
      verdict,
      case: holds ? "bound holds" : "bound broken",
      test: "direct comparison",
      explanation: `${PREFIX[verdict]}: ${label} is ${formatMs(valueMs)}, ${claim}.`,
    };
  };
  if (samples === undefined)
    return direct(
      assertion.percentile === undefined ? metric : `p${assertion.percentile} ${metric}`,
      current.value,
    );
  if (samples.length < options.minSamples || samples.length === 0) {
    return {
      ...base,
      verdict: "inconclusive",
      case: "too few samples",
      test: "none",
      explanation:
        `Inconclusive: only ${formatNumber(samples.length)} ${metric} samples so far; ` +
        `at least ${formatNumber(Math.max(options.minSamples, 1))} are needed to judge.`,
    };
  }
  const percentile = assertion.percentile ?? 95;
  const label = `p${formatNumber(percentile)} ${metric}`;
  if (!(percentile > 0 && percentile < 100)) {
    // p100 (the maximum) or p0: no share can be tested, the sample value is what it is.
    return direct(label, empiricalQuantile(samples, Math.min(100, Math.max(0, percentile))));
  }
  const less = quantileExceedanceTest(samples, percentile, boundMs, "less", options.alpha);
  const greater = quantileExceedanceTest(samples, percentile, boundMs, "greater", options.alpha);
  const decision = boundDecision(op, less.pValue, greater.pValue, options.alpha);
  const observed =
    `${label} is ${formatMs(less.quantile)}; ${formatNumber(less.exceedances)} of ${formatNumber(less.n)} ` +
    `samples (${formatPercent(less.exceedances / less.n)}) took longer than ${formatMs(boundMs)}`;
  const share = formatPercent(less.allowedShare);
  const allowed = `the ${share} ${op === "lt" || op === "le" ? "allowed by" : "needed for"} a ${label} of ${boundPhrase(op, formatMs(boundMs))}`;
  const relation =
    decision.case === "no significant change"
      ? "not significantly different from"
      : op === "eq"
        ? "significantly different from"
        : (decision.case === "bound holds") === (op === "lt" || op === "le")
          ? "significantly fewer than"
          : "significantly more than";
  const tail = decision.verdict === "inconclusive" ? "; more samples are needed to judge." : ".";
  const confidence = interval(
    options,
    greater.ci[0],
    less.ci[1],
    `share of samples above ${formatMs(boundMs)}`,
  );
  return {
    ...base,
    verdict: decision.verdict,
    case: decision.case,
    test: "exact binomial (share above the bound)",
    pValue: decision.pValue,
    ...(confidence && { confidence }),
    explanation:
      `${PREFIX[decision.verdict]}: ${observed}, ${relation} ${allowed} ` +
      `(${formatP(decision.pValue)}, exact binomial test)${tail}`,
  };
}
