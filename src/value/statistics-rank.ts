/**
 * Rank statistics for distributions: the Mann-Whitney U test and the Hodges-Lehmann shift with its
 * Moses confidence interval. Re-exported from statistics.ts.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import type { OneSided } from "./statistics.js";

/** Both samples at most this large and no ties: the exact null distribution of U is used (R's rule). */
export const EXACT_LIMIT = 50;
/** Up to this many pairs the pairwise differences are enumerated and sorted; above, they are selected. */
const ENUMERATE_LIMIT = 40_000;

function checkSamples(name: string, samples: readonly number[]): void {
  for (const sample of samples) {
    if (!Number.isFinite(sample)) throw new RangeError(`${name} must be finite numbers, got ${sample}`);
  }
}

/** The median; NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const exactCache = new Map<string, Float64Array>();

/**
 * P(U ≤ u) for u = 0..n·m under H0 without ties, by the recurrence on the largest observation:
 * f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u). O(n·m·n·m/4) once per (n, m), then cached.
 */
function exactCdf(n: number, m: number): Float64Array {
  const key = n <= m ? `${n},${m}` : `${m},${n}`; // U's null distribution is symmetric in n and m
  const cached = exactCache.get(key);
  if (cached) return cached;
  let previous: Float64Array[] = Array.from({ length: m + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= n; i++) {
    const current: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= m; j++) {
      const counts = new Float64Array(i * j + 1);
      const withoutBase = current[j - 1] as Float64Array; // the largest is a baseline observation
      const withoutNew = previous[j] as Float64Array; // the largest is a new one: it beats all j
      for (let u = 0; u < withoutBase.length; u++) counts[u] = withoutBase[u] as number;
      for (let u = 0; u < withoutNew.length; u++)
        counts[u + j] = (counts[u + j] as number) + (withoutNew[u] as number);
      current.push(counts);
    }
    previous = current;
  }
  const counts = previous[m] as Float64Array;
  let total = 0;
  for (const c of counts) total += c;
  const cdf = new Float64Array(counts.length);
  let running = 0;
  for (let u = 0; u < counts.length; u++) {
    running += counts[u] as number;
    cdf[u] = Math.min(1, running / total);
  }
  if (exactCache.size > 32) exactCache.clear();
  exactCache.set(key, cdf);
  return cdf;
}

export interface MannWhitneyOptions {
  alternative: OneSided;
  /** The baseline is compared as scale·b + shift (H0: new ~ scale·baseline + shift). Default 1. */
  scale?: number;
  /** Default 0. */
  shift?: number;
}

export interface MannWhitneyResult {
  /** U of the new sample: pairs where new > (transformed) baseline, ties counting ½. */
  u: number;
  /** One-sided: "less" = new stochastically smaller than the transformed baseline. 1 for an empty side. */
  pValue: number;
  /** Exact when both samples have at most 50 values and there are no ties; otherwise normal. */
  method: "exact" | "normal approximation";
}

/**
 * One-sided Mann-Whitney U (Wilcoxon rank-sum) test of newSamples against baseSamples, as R's
 * `wilcox.test(new, scale * base + shift, alternative)`: exact null distribution when both sizes are ≤ 50
 * and there are no ties, else the normal approximation with tie correction and continuity correction.
 * O((n+m) log(n+m)).
 */
export function mannWhitneyU(
  newSamples: readonly number[],
  baseSamples: readonly number[],
  options: MannWhitneyOptions,
): MannWhitneyResult {
  checkSamples("newSamples", newSamples);
  checkSamples("baseSamples", baseSamples);
  const scale = options.scale ?? 1;
  const shift = options.shift ?? 0;
  const n = newSamples.length;
  const m = baseSamples.length;
  if (n === 0 || m === 0) return { u: 0, pValue: 1, method: "exact" };
  const total = n + m;
  const values = new Float64Array(total);
  values.set(newSamples);
  for (let j = 0; j < m; j++) values[n + j] = scale * (baseSamples[j] as number) + shift;
  const order = Array.from({ length: total }, (_, i) => i).sort(
    (x, y) => (values[x] as number) - (values[y] as number),
  );
  let rankSumNew = 0;
  let tieTerm = 0;
  for (let start = 0; start < total; ) {
    let end = start;
    const value = values[order[start] as number];
    while (end + 1 < total && values[order[end + 1] as number] === value) end++;
    const ties = end - start + 1;
    const midrank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if ((order[k] as number) < n) rankSumNew += midrank;
    tieTerm += ties ** 3 - ties;
    start = end + 1;
  }
  const u = rankSumNew - (n * (n + 1)) / 2;
  if (tieTerm === 0 && n <= EXACT_LIMIT && m <= EXACT_LIMIT) {
    const cdf = exactCdf(n, m);
    // U's null distribution is symmetric: P(U ≥ u) = P(U ≤ nm - u).
    const pValue = options.alternative === "less" ? cdf[u] : cdf[n * m - u];
    return { u, pValue: pValue ?? 1, method: "exact" };
  }
  const variance = ((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (!(variance > 0)) return { u, pValue: 1, method: "normal approximation" };
  const correction = options.alternative === "less" ? 0.5 : -0.5;
  const z = (u - (n * m) / 2 + correction) / Math.sqrt(variance);
  const pValue = options.alternative === "less" ? normalCdf(z, 0, 1) : normalCdf(-z, 0, 1);
  return { u, pValue, method: "normal approximation" };
}

/**
 * Selects the k-th smallest (1-based) of the n·m differences a_i - b_j. Up to 40,000 pairs they are
 * enumerated; above, bisection on the value with an O(n+m) two-pointer count per step (at most ~45 steps),
 * then snapped to the largest actual difference at or below the bracket: exact to within 1e-12 of the range
 * of the differences, deterministic, and fast for 10k × 10k (no sampling).
 */
function pairwiseSelector(a: readonly number[], b: readonly number[]): (k: number) => number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n = x.length;
  const m = y.length;
  if (n * m <= ENUMERATE_LIMIT) {
    const differences = new Float64Array(n * m);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) differences[i * m + j] = (x[i] as number) - (y[j] as number);
    differences.sort();
    return (k) => differences[k - 1] as number;
  }
  /** The number of differences ≤ d; the first j with x_i - y_j ≤ d only moves right as x_i grows. */
  const countAtMost = (d: number): number => {
    let count = 0;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      while (j < m && xi - (y[j] as number) > d) j++;
      count += m - j;
    }
    return count;
  };
  return (k) => {
    let low = (x[0] as number) - (y[m - 1] as number);
    if (countAtMost(low) >= k) return low;
    let high = (x[n - 1] as number) - (y[0] as number);
    const tolerance = 1e-12 * (high - low);
    while (high - low > tolerance) {
      const mid = low + (high - low) / 2;
      if (mid <= low || mid >= high) break;
      if (countAtMost(mid) >= k) high = mid;
      else low = mid;
    }
    let best = Number.NEGATIVE_INFINITY;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      while (j < m && xi - (y[j] as number) > high) j++;
      if (j < m) best = Math.max(best, xi - (y[j] as number));
    }
    return best;
  };
}

function pairwiseMedian(select: (k: number) => number, total: number): number {
  return total % 2 === 1 ? select((total + 1) / 2) : (select(total / 2) + select(total / 2 + 1)) / 2;
}

/** The Hodges-Lehmann shift of a against b: the median of all differences a_i - b_j. NaN if either is empty. */
export function hodgesLehmannShift(a: readonly number[], b: readonly number[]): number {
  checkSamples("a", a);
  checkSamples("b", b);
  if (a.length === 0 || b.length === 0) return Number.NaN;
  return pairwiseMedian(pairwiseSelector(a, b), a.length * b.length);
}

export interface HodgesLehmann {
  /** The Hodges-Lehmann shift of a against b. */
  estimate: number;
  /**
   * The Moses interval: the two one-sided 1-α bounds that invert the Mann-Whitney test, i.e. a two-sided
   * 1-2α interval for the shift; infinite where the samples are too small to bound it.
   */
  ci: [number, number];
}

/** The largest c with P(U ≤ c) ≤ α under H0 (exact up to 50 per side, else normal); -1 if none. */
function criticalU(n: number, m: number, alpha: number): number {
  if (n <= EXACT_LIMIT && m <= EXACT_LIMIT) {
    const cdf = exactCdf(n, m);
    let c = -1;
    while (c + 1 < cdf.length && (cdf[c + 1] as number) <= alpha * (1 + 1e-9)) c++;
    return c;
  }
  const sd = Math.sqrt((n * m * (n + m + 1)) / 12);
  return Math.floor((n * m) / 2 - 0.5 + normalQuantile(alpha, 0, 1) * sd);
}

/** The Hodges-Lehmann shift of a against b with its Moses 1-2α interval (each bound one-sided at α). */
export function hodgesLehmann(a: readonly number[], b: readonly number[], alpha: number): HodgesLehmann {
  checkSamples("a", a);
  checkSamples("b", b);
  const total = a.length * b.length;
  if (total === 0) return { estimate: Number.NaN, ci: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] };
  const select = pairwiseSelector(a, b);
  const estimate = pairwiseMedian(select, total);
  const c = Math.min(criticalU(a.length, b.length, alpha), Math.floor((total - 1) / 2));
  if (c < 0) return { estimate, ci: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] };
  return { estimate, ci: [select(c + 1), select(total - c)] };
}
