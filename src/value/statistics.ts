/**
 * Exact and rank-based tests behind value verdicts. Pure functions; invalid input throws RangeError
 * (the evaluator validates measurements first and never lets these throw through).
 *
 * Every test here is one-sided. A verdict runs both directions at level α; the two one-sided 1-α bounds
 * together form a two-sided 1-2α interval (90% at α = 0.05), which is what verdicts report.
 */
import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import poissonCdf from "@stdlib/stats-base-dists-poisson-cdf";
import binomialTest from "@stdlib/stats-binomial-test";

export {
  type HodgesLehmann,
  hodgesLehmann,
  hodgesLehmannShift,
  type MannWhitneyOptions,
  type MannWhitneyResult,
  mannWhitneyU,
  median,
} from "./statistics-rank.js";

/** The alternative hypothesis of a one-sided test. */
export type OneSided = "less" | "greater";

export interface OneSidedResult {
  pValue: number;
  /** The point estimate the test is about (a rate, a rate ratio, a share). */
  estimate: number;
  /**
   * The one-sided 1-α confidence interval consistent with the test: [lowest possible, upper bound] for
   * "less", [lower bound, highest possible] for "greater".
   */
  ci: [number, number];
}

export interface RateComparisonOptions {
  /** The rate ratio λnew/λbase under H0. Default 1. */
  ratio?: number;
  alternative: OneSided;
  alpha: number;
}

function checkCount(name: string, x: number): number {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`${name} must be a finite count ≥ 0, got ${x}`);
  return Math.round(x);
}

function checkPositive(name: string, t: number): void {
  if (!Number.isFinite(t) || t <= 0) throw new RangeError(`${name} must be a finite number > 0, got ${t}`);
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
}

const clamp01 = (p: number): number => Math.min(1, Math.max(0, p));

/**
 * Exact one-sided binomial test of x successes in n against p0, with the Clopper-Pearson bound.
 * "greater" is computed as the lower tail of the complement, which keeps tiny p-values precise.
 */
export function exactBinomial(
  x: number,
  n: number,
  p0: number,
  alternative: OneSided,
  alpha: number,
): OneSidedResult {
  if (n === 0) return { pValue: 1, estimate: Number.NaN, ci: [0, 1] };
  const result = binomialTest(x, n, { p: p0, alternative, alpha });
  const pValue = alternative === "less" ? result.pValue : binomialCdf(n - x, n, 1 - p0);
  const [low = 0, high = 1] = result.ci;
  return { pValue: clamp01(pValue), estimate: x / n, ci: [low, high] };
}

/**
 * Compares two Poisson rates (counts over exposures) with the exact conditional binomial test, as R's
 * `poisson.test(c(xNew, xBase), c(tNew, tBase), r = ratio)`: given n = xNew + xBase, xNew ~ Bin(n, p0) with
 * p0 = ratio·tNew / (ratio·tNew + tBase) under H0 λnew/λbase = ratio. Counts are rounded to integers
 * (Prometheus `increase()` extrapolates to fractions).
 *
 * estimate: (xNew/tNew) / (xBase/tBase), Infinity when only the baseline is 0, NaN when both are.
 * ci: the Clopper-Pearson bound on p mapped to a rate ratio, p/(1-p) · tBase/tNew. n = 0: p = 1, ci [0, ∞].
 */
export function poissonRateComparison(
  xNew: number,
  tNew: number,
  xBase: number,
  tBase: number,
  options: RateComparisonOptions,
): OneSidedResult {
  const a = checkCount("xNew", xNew);
  const b = checkCount("xBase", xBase);
  checkPositive("tNew", tNew);
  checkPositive("tBase", tBase);
  checkAlpha(options.alpha);
  const ratio = options.ratio ?? 1;
  if (!Number.isFinite(ratio) || ratio < 0) throw new RangeError(`ratio must be ≥ 0, got ${ratio}`);
  const n = a + b;
  const estimate = b === 0 ? (a === 0 ? Number.NaN : Number.POSITIVE_INFINITY) : a / tNew / (b / tBase);
  if (n === 0) return { pValue: 1, estimate, ci: [0, Number.POSITIVE_INFINITY] };
  const p0 = (ratio * tNew) / (ratio * tNew + tBase);
  const result = exactBinomial(a, n, p0, options.alternative, options.alpha);
  const toRatio = (p: number): number => (p >= 1 ? Number.POSITIVE_INFINITY : (p / (1 - p)) * (tBase / tNew));
  return { pValue: result.pValue, estimate, ci: [toRatio(result.ci[0]), toRatio(result.ci[1])] };
}

/** Solves a decreasing function f(μ) = target for μ ≥ 0 by bisection. */
function solveDecreasing(f: (mu: number) => number, target: number, start: number): number {
  let low = 0;
  let high = Math.max(1, start);
  while (f(high) > target && high < 1e300) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (f(mid) > target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Exact one-sided Poisson test of a count x against mean mu0, with the exact (Garwood) bound on the mean. */
export function exactPoisson(x: number, mu0: number, alternative: OneSided, alpha: number): OneSidedResult {
  const start = x + 10 * Math.sqrt(x + 1) + 10;
  if (alternative === "less") {
    // Upper bound: the mean at which seeing x or fewer has probability α.
    const upper = solveDecreasing((mu) => poissonCdf(x, mu), alpha, start);
    return { pValue: clamp01(poissonCdf(x, mu0)), estimate: x, ci: [0, upper] };
  }
  const pValue = x === 0 ? 1 : 1 - poissonCdf(x - 1, mu0);
  // Lower bound: the mean at which seeing x or more has probability α, i.e. P(X ≤ x-1) = 1-α.
  const lower = x === 0 ? 0 : solveDecreasing((mu) => poissonCdf(x - 1, mu), 1 - alpha, start);
  return { pValue: clamp01(pValue), estimate: x, ci: [lower, Number.POSITIVE_INFINITY] };
}

export interface BoundTestResult extends OneSidedResult {
  /** "exact binomial" (x events among exposure trials) or "exact Poisson" (events over a continuous exposure). */
  test: "exact binomial" | "exact Poisson";
}

/**
 * Tests a rate x/exposure against a bound. When exposure is a whole number ≥ 1, x ≤ exposure and the bound is a
 * proportion (≤ 1), the exposure is a number of trials and the exact binomial test is used; otherwise the
 * exact Poisson test with mean bound·exposure. estimate and ci are rates (per unit of exposure).
 */
export function rateAgainstBound(
  x: number,
  exposure: number,
  bound: number,
  alternative: OneSided,
  alpha: number,
): BoundTestResult {
  const k = checkCount("x", x);
  checkPositive("exposure", exposure);
  checkAlpha(alpha);
  if (!Number.isFinite(bound) || bound < 0) throw new RangeError(`bound must be ≥ 0, got ${bound}`);
  if (Number.isInteger(exposure) && k <= exposure && bound <= 1) {
    return { ...exactBinomial(k, exposure, bound, alternative, alpha), test: "exact binomial" };
  }
  const result = exactPoisson(k, bound * exposure, alternative, alpha);
  return {
    pValue: result.pValue,
    estimate: k / exposure,
    ci: [result.ci[0] / exposure, result.ci[1] / exposure],
    test: "exact Poisson",
  };
}

export interface QuantileExceedanceResult extends OneSidedResult {
  /** Samples above the bound. */
  exceedances: number;
  n: number;
  /** The share above the bound H0 allows: 1 - percentile/100. */
  allowedShare: number;
  /** The empirical percentile of the samples (R's default, type 7). */
  quantile: number;
}

/** The empirical quantile, linear between order statistics (R's type 7). NaN for no samples. */
export function empiricalQuantile(samples: readonly number[], percentile: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((x, y) => x - y);
  const h = (sorted.length - 1) * (percentile / 100);
  const lowIndex = Math.floor(h);
  const low = sorted[lowIndex] as number;
  const high = sorted[Math.min(lowIndex + 1, sorted.length - 1)] as number;
  return low + (h - lowIndex) * (high - low);
}

/**
 * "p95 < 300 ms" ⇔ P(X > 300) < 0.05. Counts the k of n samples above boundMs and tests k against
 * Bin(n, 1 - percentile/100) exactly. alternative is about the percentile: "less" claims it is below the
 * bound (fewer exceedances than allowed), "greater" that it is above (more). estimate and ci are the
 * share of samples above the bound.
 */
export function quantileExceedanceTest(
  samples: readonly number[],
  percentile: number,
  boundMs: number,
  alternative: OneSided,
  alpha: number,
): QuantileExceedanceResult {
  if (!(percentile > 0 && percentile < 100)) {
    throw new RangeError(`percentile must be between 0 and 100, got ${percentile}`);
  }
  checkAlpha(alpha);
  let exceedances = 0;
  for (const sample of samples) {
    if (!Number.isFinite(sample)) throw new RangeError(`samples must be finite numbers, got ${sample}`);
    if (sample > boundMs) exceedances++;
  }
  const allowedShare = (100 - percentile) / 100;
  const result = exactBinomial(exceedances, samples.length, allowedShare, alternative, alpha);
  return {
    ...result,
    exceedances,
    n: samples.length,
    allowedShare,
    quantile: empiricalQuantile(samples, percentile),
  };
}
