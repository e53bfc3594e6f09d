/**
 * Evaluation of one value assertion against measurements: a three-way verdict (delivered, not delivered,
 * inconclusive) with the test, p-value, interval and a one-line explanation. Pure; never throws.
 * Bounds: evaluate-bounds.ts (count, rate, latency); changes against a baseline: evaluate-relative.ts.
 */
import { evaluateCount, evaluateLatency, evaluateRate } from "./evaluate-bounds.js";
import { formatNumber, measuredOf } from "./evaluate-format.js";
import { evaluateRelative } from "./evaluate-relative.js";
import type { Assertion, EvaluationOptions, Measurement, Verdict } from "./types.js";

export type Baseline = Measurement & { release?: string };

const DEFAULTS: EvaluationOptions = { alpha: 0.05, minExposure: 1, minSamples: 10, windowMs: 0 };

/** Options with unusable values (NaN, α outside (0, 0.5)) replaced by the defaults. */
function normalized(options: EvaluationOptions): EvaluationOptions {
  const valid = (value: unknown, ok: (v: number) => boolean, fallback: number): number =>
    typeof value === "number" && ok(value) ? value : fallback;
  return {
    alpha: valid(options?.alpha, (v) => v > 0 && v < 0.5, DEFAULTS.alpha),
    minExposure: valid(options?.minExposure, (v) => Number.isFinite(v) && v >= 0, DEFAULTS.minExposure),
    minSamples: valid(options?.minSamples, (v) => Number.isFinite(v) && v >= 0, DEFAULTS.minSamples),
    windowMs: valid(options?.windowMs, (v) => Number.isFinite(v) && v >= 0, DEFAULTS.windowMs),
  };
}

/** Why a measurement cannot be judged, or undefined. Samples are checked for being a list only. */
function problemWith(assertion: Assertion, measurement: Measurement | undefined): string | undefined {
  if (measurement === undefined || measurement === null || typeof measurement !== "object") {
    return "no measurement";
  }
  const { value, exposure, samples } = measurement;
  if (samples !== undefined && !Array.isArray(samples)) return "samples that are not a list";
  if (exposure !== undefined && !(Number.isFinite(exposure) && exposure >= 0)) {
    return "an exposure that is not a number ≥ 0";
  }
  const needsValue = samples === undefined || assertion.kind === "count" || assertion.kind === "rate";
  if (needsValue && !(typeof value === "number" && Number.isFinite(value))) {
    return "a value that is not a number";
  }
  const isCount = assertion.kind === "rate" || (assertion.kind === "relative" && samples === undefined);
  if (isCount && value < 0) return `a negative count (${formatNumber(value)})`;
  return undefined;
}

/** The measurement with non-finite samples dropped. */
function cleaned<T extends Measurement>(measurement: T): T {
  if (measurement.samples === undefined) return measurement;
  return {
    ...measurement,
    samples: measurement.samples.filter((s) => typeof s === "number" && Number.isFinite(s)),
  };
}

function safeMeasured(measurement: Measurement | undefined): Verdict["measured"] {
  try {
    return measuredOf(measurement ?? { value: Number.NaN });
  } catch {
    return { value: Number.NaN };
  }
}

function sourceFailed(
  assertion: Assertion,
  current: Measurement | undefined,
  reason: string,
  where: string,
): Verdict {
  return {
    verdict: "inconclusive",
    case: "source failed",
    measured: safeMeasured(current),
    test: "none",
    explanation: `Inconclusive: the source for ${assertion.metric} returned ${reason} for ${where}.`,
  };
}

/**
 * Judges one assertion. count: direct comparison; rate: exact binomial/Poisson test against the bound;
 * relative: exact Poisson rate-ratio test (counts) or Mann-Whitney U (samples) against the baseline;
 * latency: exact binomial test on the share of samples above the bound, or a direct comparison.
 */
export function evaluateAssertion(
  assertion: Assertion,
  current: Measurement,
  baseline: Baseline | undefined,
  options: EvaluationOptions,
): Verdict {
  try {
    const opts = normalized(options);
    const problem = problemWith(assertion, current);
    if (problem) return sourceFailed(assertion, current, problem, "the new release");
    if (assertion.kind === "relative" && baseline !== undefined) {
      const baselineProblem = problemWith(assertion, baseline);
      if (baselineProblem) {
        return sourceFailed(assertion, current, baselineProblem, baseline.release ?? "the baseline");
      }
    }
    const now = cleaned(current);
    switch (assertion.kind) {
      case "count":
        return evaluateCount(assertion, now, opts);
      case "rate":
        return evaluateRate(assertion, now, opts);
      case "relative":
        return evaluateRelative(assertion, now, baseline && cleaned(baseline), opts);
      case "latency":
        return evaluateLatency(assertion, now, opts);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      verdict: "inconclusive",
      case: "source failed",
      measured: safeMeasured(current),
      test: "none",
      explanation: `Inconclusive: ${assertion?.metric ?? "the metric"} could not be evaluated (${message}).`,
    };
  }
}
