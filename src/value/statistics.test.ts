import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import poissonCdf from "@stdlib/stats-base-dists-poisson-cdf";
import { describe, expect, it } from "vitest";
import { seededRandom } from "./random.test-helper.js";
import {
  empiricalQuantile,
  hodgesLehmann,
  hodgesLehmannShift,
  mannWhitneyU,
  median,
  poissonRateComparison,
  quantileExceedanceTest,
  rateAgainstBound,
} from "./statistics.js";

/** C(n, k) as a float, for small hand checks. */
function choose(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** P(X ≤ x) for X ~ Bin(n, p), summed term by term (independent of stdlib). */
function binomialLowerTail(x: number, n: number, p: number): number {
  let sum = 0;
  for (let k = 0; k <= x; k++)
    sum += Math.exp(Math.log(choose(n, k)) + k * Math.log(p) + (n - k) * Math.log1p(-p));
  return sum;
}

/** All differences a_i - b_j, sorted. */
function allDifferences(a: number[], b: number[]): number[] {
  return a.flatMap((x) => b.map((y) => x - y)).sort((x, y) => x - y);
}

describe("poissonRateComparison (exact conditional binomial)", () => {
  it("matches R poisson.test(c(2, 10), c(1000, 1000), alternative = 'less'): p = 79/4096 ≈ 0.01929", () => {
    // n = 12, p0 = 0.5: P(X ≤ 2) = (1 + 12 + 66) / 4096.
    const result = poissonRateComparison(2, 1000, 10, 1000, { alternative: "less", alpha: 0.05 });
    expect(result.pValue).toBeCloseTo(79 / 4096, 14);
    expect(result.estimate).toBeCloseTo(0.2, 14);
    expect(result.ci[0]).toBe(0);
    // The upper bound is the Clopper-Pearson bound U on p mapped to U/(1-U): P(X ≤ 2; 12, U) = 0.05.
    const upperP = result.ci[1] / (1 + result.ci[1]);
    expect(binomialCdf(2, 12, upperP)).toBeCloseTo(0.05, 8);
    expect(result.ci[1]).toBeCloseTo(0.7797, 4);
  });

  it("is symmetric: the same counts swapped, alternative 'greater', give the same p", () => {
    const result = poissonRateComparison(10, 1000, 2, 1000, { alternative: "greater", alpha: 0.05 });
    expect(result.pValue).toBeCloseTo(79 / 4096, 14);
    expect(result.ci[1]).toBe(Number.POSITIVE_INFINITY);
    expect(result.ci[0]).toBeCloseTo(1 / 0.7797, 3);
  });

  it("tests against a ratio other than 1 and unequal exposures", () => {
    // H0 λnew/λbase = 2 with tNew = 500, tBase = 1000: p0 = 2·500 / (2·500 + 1000) = 0.5.
    const result = poissonRateComparison(2, 500, 10, 1000, { ratio: 2, alternative: "less", alpha: 0.05 });
    expect(result.pValue).toBeCloseTo(79 / 4096, 14);
    expect(result.estimate).toBeCloseTo(0.4, 14);
    const other = poissonRateComparison(3, 1000, 9, 1000, {
      ratio: 0.5,
      alternative: "greater",
      alpha: 0.05,
    });
    expect(other.pValue).toBeCloseTo(1 - binomialLowerTail(2, 12, 1 / 3), 12);
  });

  it("keeps tiny upper-tail p-values precise: 12 against 0 is 2^-12", () => {
    const result = poissonRateComparison(12, 6000, 0, 6000, { alternative: "greater", alpha: 0.05 });
    expect(result.pValue).toBeCloseTo(2 ** -12, 15);
    expect(result.estimate).toBe(Number.POSITIVE_INFINITY);
    const huge = poissonRateComparison(200, 1, 0, 1, { alternative: "greater", alpha: 0.05 });
    expect(huge.pValue).toBeCloseTo(2 ** -200, 70);
    expect(huge.pValue).toBeGreaterThan(0);
  });

  it("handles no events at all: p = 1, interval [0, ∞]", () => {
    const result = poissonRateComparison(0, 10, 0, 10, { alternative: "less", alpha: 0.05 });
    expect(result).toEqual({ pValue: 1, estimate: Number.NaN, ci: [0, Number.POSITIVE_INFINITY] });
  });

  it("rounds fractional counts and rejects nonsense", () => {
    const rounded = poissonRateComparison(1.6, 1000, 10.2, 1000, { alternative: "less", alpha: 0.05 });
    expect(rounded.pValue).toBeCloseTo(79 / 4096, 14);
    expect(() => poissonRateComparison(-1, 1, 1, 1, { alternative: "less", alpha: 0.05 })).toThrow(
      RangeError,
    );
    expect(() => poissonRateComparison(1, 0, 1, 1, { alternative: "less", alpha: 0.05 })).toThrow(RangeError);
  });
});

describe("rateAgainstBound", () => {
  it("uses the exact binomial test for x events in a whole number of trials (R binom.test)", () => {
    const less = rateAgainstBound(3, 1000, 0.01, "less", 0.05);
    expect(less.test).toBe("exact binomial");
    expect(less.pValue).toBeCloseTo(binomialLowerTail(3, 1000, 0.01), 12);
    expect(less.estimate).toBe(0.003);
    // Clopper-Pearson upper bound: P(X ≤ 3; 1000, U) = 0.05.
    expect(binomialCdf(3, 1000, less.ci[1])).toBeCloseTo(0.05, 8);
    // binom.test(682, 925, p = 0.75, alternative = "greater") — the stdlib example.
    const greater = rateAgainstBound(682, 925, 0.75, "greater", 0.05);
    expect(greater.pValue).toBeCloseTo(1 - binomialLowerTail(681, 925, 0.75), 10);
    expect(greater.ci[1]).toBe(1);
  });

  it("uses the exact Poisson test for a continuous exposure, with Garwood bounds", () => {
    const mu = 0.01 * 10.5;
    const result = rateAgainstBound(3, 10.5, 0.01, "greater", 0.05);
    expect(result.test).toBe("exact Poisson");
    expect(result.pValue).toBeCloseTo(1 - Math.exp(-mu) * (1 + mu + (mu * mu) / 2), 12);
    expect(result.estimate).toBeCloseTo(3 / 10.5, 14);
    // Lower bound μL/t with P(X ≥ 3; μL) = 0.05 (R: poisson.test(3, 10.5)$conf.int[1] at 90% = 0.0779).
    expect(1 - poissonCdf(2, result.ci[0] * 10.5)).toBeCloseTo(0.05, 8);
    expect(result.ci[0]).toBeCloseTo(0.0779, 4);
    const none = rateAgainstBound(0, 2.5, 1, "less", 0.05);
    expect(none.pValue).toBeCloseTo(Math.exp(-2.5), 14);
    expect(none.ci[1]).toBeCloseTo(-Math.log(0.05) / 2.5, 8);
  });

  it("uses the Poisson test when the bound is not a proportion or there are more events than trials", () => {
    expect(rateAgainstBound(30, 10, 2, "less", 0.05).test).toBe("exact Poisson");
    expect(rateAgainstBound(30, 10, 0.5, "less", 0.05).test).toBe("exact Poisson");
  });
});

describe("quantileExceedanceTest", () => {
  it("tests p95 < 300 ms as fewer than 5% of samples above 300 ms", () => {
    const result = quantileExceedanceTest([1, 2, 3, 400], 95, 300, "greater", 0.05);
    expect(result.exceedances).toBe(1);
    expect(result.allowedShare).toBe(0.05);
    expect(result.pValue).toBeCloseTo(1 - 0.95 ** 4, 14);
    const fast = quantileExceedanceTest(
      Array.from({ length: 100 }, (_, i) => i),
      95,
      300,
      "less",
      0.05,
    );
    expect(fast.pValue).toBeCloseTo(0.95 ** 100, 14);
  });

  it("reports the empirical percentile as R's type 7", () => {
    expect(empiricalQuantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBeCloseTo(9.55, 12);
    expect(empiricalQuantile([5], 95)).toBe(5);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });
});

describe("mannWhitneyU", () => {
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];

  it("matches R wilcox.test(x, y, alternative = 'greater'): W = 35, p = 0.1272 (exact)", () => {
    const result = mannWhitneyU(x, y, { alternative: "greater" });
    expect(result).toMatchObject({ u: 35, method: "exact" });
    expect(result.pValue).toBeCloseTo(0.1272061, 6);
  });

  it("agrees with brute-force enumeration of all C(15, 5) splits", () => {
    const pooled = [...x, ...y];
    let atLeast = 0;
    let atMost = 0;
    let total = 0;
    const pick = (start: number, chosen: number[]): void => {
      if (chosen.length === 5) {
        const base = chosen.map((i) => pooled[i] as number);
        const fresh = pooled.filter((_, i) => !chosen.includes(i));
        const u = fresh.reduce((sum, a) => sum + base.filter((b) => a > b).length, 0);
        total++;
        if (u >= 35) atLeast++;
        if (u <= 35) atMost++;
        return;
      }
      for (let i = start; i < pooled.length; i++) pick(i + 1, [...chosen, i]);
    };
    pick(0, []);
    expect(total).toBe(3003);
    expect(mannWhitneyU(x, y, { alternative: "greater" }).pValue).toBeCloseTo(atLeast / total, 12);
    expect(mannWhitneyU(x, y, { alternative: "less" }).pValue).toBeCloseTo(atMost / total, 12);
  });

  it("gives P(U = 0) = 1/C(7, 3) for completely separated small samples", () => {
    const result = mannWhitneyU([1, 2, 3], [4, 5, 6, 7], { alternative: "less" });
    expect(result.u).toBe(0);
    expect(result.pValue).toBeCloseTo(1 / 35, 14);
  });

  it("uses the normal approximation with tie and continuity correction when there are ties", () => {
    // new [0,1,2,1,0,0] against six zeros: U = 3·6 + ½·3·6 = 27, mean 18; ties: nine 0s, two 1s →
    // Σ(t³ - t) = 720 + 6, variance = 36/12 · (13 - 726/132) = 22.5; z = (27 - 18 - 0.5)/√22.5.
    const result = mannWhitneyU([0, 1, 2, 1, 0, 0], [0, 0, 0, 0, 0, 0], { alternative: "greater" });
    expect(result).toMatchObject({ u: 27, method: "normal approximation" });
    const z = 8.5 / Math.sqrt(22.5);
    expect(result.pValue).toBeCloseTo(0.5 * (1 - erf(z / Math.SQRT2)), 6);
    expect(result.pValue).toBeCloseTo(0.03657, 4);
    // All tied: no information.
    expect(mannWhitneyU([1, 1], [1, 1, 1], { alternative: "less" }).pValue).toBe(1);
  });

  it("compares against a scaled or shifted baseline", () => {
    const base = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    const half = base.map((v) => v / 2 + 0.1);
    // new ≈ base/2: significantly below base, not below base/2.
    expect(mannWhitneyU(half, base, { alternative: "less" }).pValue).toBeLessThan(0.05);
    expect(mannWhitneyU(half, base, { alternative: "less", scale: 0.5 }).pValue).toBeGreaterThan(0.5);
    expect(mannWhitneyU(half, base, { alternative: "less", shift: -100 }).pValue).toBeGreaterThan(0.99);
  });

  it("is fast for 10k × 10k samples", () => {
    const random = seededRandom(7);
    const a = Array.from({ length: 10_000 }, () => random());
    const b = Array.from({ length: 10_000 }, () => random() + 0.01);
    const start = performance.now();
    const result = mannWhitneyU(a, b, { alternative: "less" });
    expect(performance.now() - start).toBeLessThan(1000);
    expect(result.method).toBe("normal approximation");
    expect(result.pValue).toBeLessThan(0.05);
  });
});

describe("Hodges-Lehmann", () => {
  it("is the median of all pairwise differences (small: enumerated)", () => {
    const a = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const b = [1.15, 0.88, 0.9, 0.74, 1.21];
    const differences = allDifferences(a, b);
    expect(hodgesLehmannShift(a, b)).toBeCloseTo(
      ((differences[24] as number) + (differences[25] as number)) / 2,
      14,
    );
    expect(hodgesLehmannShift(a, b)).toBeCloseTo(0.305, 12); // R: "difference in location 0.305"
  });

  it("selects without enumerating above 40,000 pairs and matches brute force", () => {
    const random = seededRandom(11);
    const a = Array.from({ length: 301 }, () => random() * 100);
    const b = Array.from({ length: 251 }, () => random() * 100 + 5);
    const differences = allDifferences(a, b);
    const middle = (differences.length - 1) / 2; // 301·251 is odd
    expect(hodgesLehmannShift(a, b)).toBeCloseTo(differences[middle] as number, 9);
    const even = allDifferences(a.slice(0, 300), b.slice(0, 250));
    const expected = ((even[even.length / 2 - 1] as number) + (even[even.length / 2] as number)) / 2;
    expect(hodgesLehmannShift(a.slice(0, 300), b.slice(0, 250))).toBeCloseTo(expected, 9);
  });

  it("has a Moses interval that inverts the one-sided Mann-Whitney tests", () => {
    const a = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const b = [1.15, 0.88, 0.9, 0.74, 1.21];
    const { estimate, ci } = hodgesLehmann(a, b, 0.025); // the 95% two-sided interval
    expect(ci[0]).toBeLessThan(estimate);
    expect(ci[1]).toBeGreaterThan(estimate);
    const eps = 1e-9;
    const p = (alternative: "less" | "greater", shift: number) =>
      mannWhitneyU(a, b, { alternative, shift }).pValue;
    // Just beyond the upper bound "new < base + θ" is significant; just inside it is not.
    expect(p("less", ci[1] + eps)).toBeLessThanOrEqual(0.025);
    expect(p("less", ci[1] - eps)).toBeGreaterThan(0.025);
    expect(p("greater", ci[0] - eps)).toBeLessThanOrEqual(0.025);
    expect(p("greater", ci[0] + eps)).toBeGreaterThan(0.025);
  });

  it("stays fast for 10k × 10k samples (bounded selection, no sampling)", () => {
    const random = seededRandom(3);
    const a = Array.from({ length: 10_000 }, () => random() * 100);
    const b = Array.from({ length: 10_000 }, () => random() * 100 + 5);
    const start = performance.now();
    const result = hodgesLehmann(a, b, 0.05);
    expect(performance.now() - start).toBeLessThan(1500);
    expect(result.estimate).toBeGreaterThan(-6);
    expect(result.estimate).toBeLessThan(-4);
    expect(result.ci[0]).toBeLessThan(result.estimate);
    expect(result.ci[1]).toBeGreaterThan(result.estimate);
  });

  it("is NaN with an unbounded interval for an empty side", () => {
    expect(hodgesLehmannShift([], [1])).toBeNaN();
    expect(hodgesLehmann([1], [], 0.05).ci).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });
});

/** erf, independent of stdlib: Taylor series below 3, continued fraction for the complement above. */
function erf(x: number): number {
  const t = Math.abs(x);
  if (t < 3) {
    let sum = t;
    let term = t;
    for (let n = 1; n < 100; n++) {
      term *= (-t * t) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  let fraction = 0;
  for (let n = 60; n >= 1; n--) fraction = n / 2 / (t + fraction);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + fraction);
  return Math.sign(x) * (1 - erfc);
}
