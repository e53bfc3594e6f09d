import { describe, expect, it } from "vitest";
import { evaluateAssertion } from "./evaluate.js";
import { normal, poisson, seededRandom } from "./random.test-helper.js";
import { mannWhitneyU, poissonRateComparison } from "./statistics.js";
import type { Assertion, EvaluationOptions, Measurement, Verdict, VerdictCase } from "./types.js";

const OPTIONS: EvaluationOptions = { alpha: 0.05, minExposure: 1, minSamples: 10, windowMs: 3_600_000 };
const RUNS = 1000;
/** The most false verdicts α allows in RUNS runs, with three binomial standard deviations of slack. */
const FALSE_LIMIT = OPTIONS.alpha + 3 * Math.sqrt((OPTIONS.alpha * (1 - OPTIONS.alpha)) / RUNS);

const fewerMistakes: Assertion = { kind: "relative", metric: "silly mistakes", direction: "decrease" };
const fasterPages: Assertion = { kind: "relative", metric: "page load time", direction: "decrease" };

type Tally = Record<Verdict["verdict"], number>;

/** Shares of each verdict over RUNS seeded runs of counts drawn from Poisson rates over the same exposure. */
function simulateCounts(seed: number, rateNew: number, rateBase: number, exposure: number): Tally {
  const random = seededRandom(seed);
  const tally: Tally = { delivered: 0, "not delivered": 0, inconclusive: 0 };
  for (let run = 0; run < RUNS; run++) {
    const current = { value: poisson(random, rateNew * exposure), exposure };
    const baseline = { value: poisson(random, rateBase * exposure), exposure, release: "v1" };
    tally[evaluateAssertion(fewerMistakes, current, baseline, OPTIONS).verdict] += 1 / RUNS;
  }
  return tally;
}

/** The same for normal latencies, n per side. */
function simulateLatencies(seed: number, meanNew: number, meanBase: number, n: number): Tally {
  const random = seededRandom(seed);
  const tally: Tally = { delivered: 0, "not delivered": 0, inconclusive: 0 };
  const draw = (mean: number) => Array.from({ length: n }, () => normal(random, mean, 100));
  for (let run = 0; run < RUNS; run++) {
    const current = { value: 0, samples: draw(meanNew) };
    const baseline = { value: 0, samples: draw(meanBase), release: "v1" };
    tally[evaluateAssertion(fasterPages, current, baseline, OPTIONS).verdict] += 1 / RUNS;
  }
  return tally;
}

describe("A/A: no false verdicts beyond α", () => {
  it("counts: same Poisson rate 0.01 at exposure 5,000 on both sides, 'make fewer silly mistakes'", () => {
    const tally = simulateCounts(1, 0.01, 0.01, 5000);
    expect(tally["not delivered"]).toBeLessThanOrEqual(FALSE_LIMIT);
    expect(tally.delivered).toBeLessThanOrEqual(FALSE_LIMIT);
  });

  it("distributions: same normal latencies, 50 per side, 'reduce page load time' (Mann-Whitney)", () => {
    const tally = simulateLatencies(2, 1000, 1000, 50);
    expect(tally["not delivered"]).toBeLessThanOrEqual(FALSE_LIMIT);
    expect(tally.delivered).toBeLessThanOrEqual(FALSE_LIMIT);
  });
});

describe("power: real changes are found", () => {
  it("doubled mistake rate (0.01 → 0.02 at exposure 5,000) is 'not delivered' in ≥ 80% of runs", () => {
    expect(simulateCounts(3, 0.02, 0.01, 5000)["not delivered"]).toBeGreaterThanOrEqual(0.8);
  });

  it("halved mistake rate (0.02 → 0.01 at exposure 5,000) is 'delivered' in ≥ 80% of runs", () => {
    expect(simulateCounts(4, 0.01, 0.02, 5000).delivered).toBeGreaterThanOrEqual(0.8);
  });

  it("page loads 60 ms faster (sd 100, 50 per side) are 'delivered' in ≥ 80% of runs", () => {
    expect(simulateLatencies(5, 940, 1000, 50).delivered).toBeGreaterThanOrEqual(0.8);
  });
});

describe("zero-heavy counts", () => {
  // Per-interval counts: the baseline made [0,0,0,0,0,0] mistakes in six intervals, the new release
  // [0,1,2,1,0,0]. Given as totals with exposure: 0 over 6 intervals against 4 over 6.
  it("4 mistakes against 0 over 6 intervals each is not delivered-as-claimed; the exact test says p = 1/16, so inconclusive", () => {
    const verdict = evaluateAssertion(
      fewerMistakes,
      { value: 4, exposure: 6 },
      { value: 0, exposure: 6, release: "v1" },
      OPTIONS,
    );
    expect(verdict.verdict).not.toBe("delivered");
    // Given 4 mistakes in all, each falls on the new release with probability ½ under H0: P(all 4) = 1/16.
    expect(verdict.pValue).toBeCloseTo(0.0625, 12);
    expect(verdict).toMatchObject({ verdict: "inconclusive", case: "no significant change" });
  });

  it("12 mistakes against 0 over 6,000 each is not delivered (p = 2^-12)", () => {
    const verdict = evaluateAssertion(
      fewerMistakes,
      { value: 12, exposure: 6000 },
      { value: 0, exposure: 6000, release: "v1" },
      OPTIONS,
    );
    expect(verdict).toMatchObject({ verdict: "not delivered", case: "significant change against claim" });
    expect(verdict.pValue).toBeCloseTo(2 ** -12, 15);
  });

  it("'make 0 silly mistakes' with 4 mistakes is not delivered", () => {
    const verdict = evaluateAssertion(
      { kind: "count", metric: "silly mistakes", op: "eq", bound: 0 },
      { value: 4, exposure: 6 },
      undefined,
      OPTIONS,
    );
    expect(verdict).toMatchObject({
      verdict: "not delivered",
      case: "bound broken",
      test: "direct comparison",
    });
  });

  it("Mann-Whitney on per-interval counts misjudges them (Kayenta #426); the Poisson test on totals does not", () => {
    // Ranks compare intervals, not mistakes: one interval with 100 mistakes against none anywhere is a single
    // "higher" interval among eleven tied zeros, p ≈ 0.2, so a glaring regression would pass as inconclusive.
    const spike = mannWhitneyU([0, 0, 0, 0, 0, 100], [0, 0, 0, 0, 0, 0], { alternative: "greater" });
    expect(spike.pValue).toBeGreaterThan(0.15);
    const totals = poissonRateComparison(100, 6, 0, 6, { alternative: "greater", alpha: 0.05 });
    expect(totals.pValue).toBeLessThan(1e-29); // 2^-100
    // And with nine of twelve values tied at 0 its normal approximation is unreliable: [0,1,2,1,0,0] against
    // zeros gets p ≈ 0.037, while the exact permutation p-value of the same U is 84/924 ≈ 0.091 and the
    // exact Poisson test on the totals (4 against 0) gives 0.0625.
    const sparse = mannWhitneyU([0, 1, 2, 1, 0, 0], [0, 0, 0, 0, 0, 0], { alternative: "greater" });
    expect(sparse.pValue).toBeLessThan(0.05);
  });
});

describe("effect sizes", () => {
  const byTenPercent: Assertion = { ...fewerMistakes, effect: 0.1 };
  const pagesByTenPercent: Assertion = { ...fasterPages, effect: 0.1 };
  const random = seededRandom(9);
  const latencies = Array.from({ length: 2000 }, () => 200 + 800 * random());

  it("a 40% reduction at large exposure delivers 'reduce silly mistakes by 10%'", () => {
    const verdict = evaluateAssertion(
      byTenPercent,
      { value: 600, exposure: 100_000 },
      { value: 1000, exposure: 100_000, release: "v1" },
      OPTIONS,
    );
    expect(verdict).toMatchObject({ verdict: "delivered", case: "significant change as claimed" });
    expect(verdict.change).toBeCloseTo(-0.4, 12);
    expect(verdict.confidence?.level).toBeCloseTo(0.9, 12);
    expect(verdict.confidence?.high).toBeLessThan(0.9);
  });

  it("a 3% reduction with a tight interval rules out 'by 10%'", () => {
    const verdict = evaluateAssertion(
      byTenPercent,
      { value: 97_000, exposure: 10_000_000 },
      { value: 100_000, exposure: 10_000_000, release: "v1" },
      OPTIONS,
    );
    expect(verdict).toMatchObject({ verdict: "not delivered", case: "effect size ruled out" });
    expect(verdict.confidence?.low).toBeGreaterThan(0.9);
    expect(verdict.explanation).toContain("rules out the claimed 10% reduction");
  });

  it("thin data neither shows nor rules out 'by 10%'", () => {
    const verdict = evaluateAssertion(
      byTenPercent,
      { value: 6, exposure: 1000 },
      { value: 10, exposure: 1000, release: "v1" },
      OPTIONS,
    );
    expect(verdict).toMatchObject({ verdict: "inconclusive", case: "effect size not shown" });
  });

  it("distributions: 30% faster delivers 'by 10%', 3% faster rules it out, 20 samples do not show it", () => {
    const judge = (factor: number, n: number) =>
      evaluateAssertion(
        pagesByTenPercent,
        { value: 0, samples: latencies.slice(0, n).map((x) => x * factor) },
        { value: 0, samples: latencies.slice(0, n), release: "v1" },
        OPTIONS,
      );
    const big = judge(0.7, 2000);
    expect(big).toMatchObject({ verdict: "delivered", test: "Mann-Whitney U" });
    expect(big.change).toBeCloseTo(-0.3, 6);
    expect(judge(0.97, 2000)).toMatchObject({ verdict: "not delivered", case: "effect size ruled out" });
    expect(judge(0.85, 20)).toMatchObject({ verdict: "inconclusive", case: "effect size not shown" });
  });

  it("'increase conversions by at least 5%' mirrors the decrease", () => {
    const more: Assertion = { kind: "relative", metric: "conversions", direction: "increase", effect: 0.05 };
    const judge = (value: number) =>
      evaluateAssertion(
        more,
        { value, exposure: 1e6 },
        { value: 10_000, exposure: 1e6, release: "v1" },
        OPTIONS,
      );
    expect(judge(11_500).verdict).toBe("delivered");
    expect(judge(10_100)).toMatchObject({ verdict: "not delivered", case: "effect size ruled out" });
    expect(judge(10_500)).toMatchObject({ verdict: "inconclusive", case: "effect size not shown" });
  });
});

describe("bounds", () => {
  it("counts are compared directly", () => {
    const atMostThree: Assertion = { kind: "count", metric: "silly mistakes", op: "le", bound: 3 };
    const fine = evaluateAssertion(atMostThree, { value: 3 }, undefined, OPTIONS);
    expect(fine).toMatchObject({ verdict: "delivered", case: "bound holds", threshold: 3 });
    expect(fine.pValue).toBeUndefined();
    const broken = evaluateAssertion(atMostThree, { value: 4 }, undefined, OPTIONS);
    expect(broken.explanation).toBe("Not delivered: 4 silly mistakes, the claim allows at most 3.");
    const thin = evaluateAssertion(atMostThree, { value: 0, exposure: 40 }, undefined, {
      ...OPTIONS,
      minExposure: 100,
    });
    expect(thin).toMatchObject({ verdict: "inconclusive", case: "too little exposure" });
  });

  it("rates are tested against the bound both ways", () => {
    const belowOnePercent: Assertion = { kind: "rate", metric: "checkout errors", op: "lt", bound: 0.01 };
    const judge = (value: number, exposure?: number) =>
      evaluateAssertion(
        belowOnePercent,
        { value, ...(exposure !== undefined && { exposure }) },
        undefined,
        OPTIONS,
      );
    expect(judge(50, 10_000)).toMatchObject({
      verdict: "delivered",
      case: "bound holds",
      test: "exact binomial",
    });
    expect(judge(150, 10_000)).toMatchObject({ verdict: "not delivered", case: "bound broken" });
    expect(judge(95, 10_000)).toMatchObject({ verdict: "inconclusive", case: "no significant change" });
    const noExposure = judge(5);
    expect(noExposure).toMatchObject({ verdict: "inconclusive", case: "too little exposure" });
    expect(noExposure.explanation).toContain("no exposure");
    expect(judge(0, 0.5)).toMatchObject({ verdict: "inconclusive", case: "too little exposure" });
  });

  it("'at most 3 silly mistakes per 1000 sums' words the rate per 1000 sums", () => {
    const perThousand: Assertion = {
      kind: "rate",
      metric: "silly mistakes",
      op: "le",
      bound: 0.003,
      per: { amount: 1000, noun: "sums" },
    };
    const verdict = evaluateAssertion(perThousand, { value: 12, exposure: 10_000 }, undefined, OPTIONS);
    expect(verdict.verdict).toBe("delivered");
    expect(verdict.explanation).toContain("1.2 per 1,000 sums");
    const thin = evaluateAssertion(perThousand, { value: 0, exposure: 40 }, undefined, {
      ...OPTIONS,
      minExposure: 100,
    });
    expect(thin.explanation).toBe(
      "Inconclusive: only 40 sums so far for silly mistakes; at least 100 are needed to judge.",
    );
  });

  it("a rate of 0 is judged as a count", () => {
    const none: Assertion = { kind: "rate", metric: "checkout errors", op: "le", bound: 0 };
    expect(evaluateAssertion(none, { value: 1, exposure: 1e6 }, undefined, OPTIONS)).toMatchObject({
      verdict: "not delivered",
      test: "direct comparison",
    });
  });

  it("latency percentiles are judged by the share of samples above the bound", () => {
    const p95: Assertion = {
      kind: "latency",
      metric: "page load time",
      op: "lt",
      boundMs: 300,
      percentile: 95,
    };
    const random = seededRandom(21);
    const fast = Array.from({ length: 500 }, () => normal(random, 200, 30));
    expect(evaluateAssertion(p95, { value: 0, samples: fast }, undefined, OPTIONS)).toMatchObject({
      verdict: "delivered",
      case: "bound holds",
    });
    const slow = fast.map((x) => x + 100);
    expect(evaluateAssertion(p95, { value: 0, samples: slow }, undefined, OPTIONS).verdict).toBe(
      "not delivered",
    );
    // 20 samples all fast cannot show that fewer than 5% exceed: 0.95^20 ≈ 0.36.
    expect(evaluateAssertion(p95, { value: 0, samples: fast.slice(0, 20) }, undefined, OPTIONS).verdict).toBe(
      "inconclusive",
    );
    expect(evaluateAssertion(p95, { value: 0, samples: fast.slice(0, 5) }, undefined, OPTIONS).case).toBe(
      "too few samples",
    );
    const within: Assertion = { kind: "latency", metric: "response time", op: "le", boundMs: 300 };
    expect(evaluateAssertion(within, { value: 250 }, undefined, OPTIONS)).toMatchObject({
      verdict: "delivered",
      test: "direct comparison",
      explanation: "Delivered: response time is 250 ms, the claim allows at most 300 ms.",
    });
  });
});

describe("relative claims without enough to compare", () => {
  it("no baseline, one-sided exposure, counts per second of window", () => {
    expect(evaluateAssertion(fewerMistakes, { value: 3 }, undefined, OPTIONS).case).toBe("no baseline");
    const oneSided = evaluateAssertion(fewerMistakes, { value: 3, exposure: 10 }, { value: 5 }, OPTIONS);
    expect(oneSided).toMatchObject({ verdict: "inconclusive", case: "too little exposure" });
    expect(oneSided.explanation).toContain("cannot be compared");
    // Without exposure on either side the window's seconds are the exposure: 3 against 40 in an hour.
    const windowed = evaluateAssertion(fewerMistakes, { value: 3 }, { value: 40, release: "v1" }, OPTIONS);
    expect(windowed).toMatchObject({ verdict: "delivered" });
    expect(windowed.explanation).toContain("in the same 60 min window");
    expect(
      evaluateAssertion(fewerMistakes, { value: 3 }, { value: 40 }, { ...OPTIONS, windowMs: 0 }).case,
    ).toBe("too little exposure");
  });

  it("too few samples on either side, or samples on one side only", () => {
    const few = evaluateAssertion(
      fasterPages,
      { value: 0, samples: [1, 2, 3] },
      { value: 0, samples: [1, 2] },
      OPTIONS,
    );
    expect(few).toMatchObject({ verdict: "inconclusive", case: "too few samples" });
    const oneSided = evaluateAssertion(
      fasterPages,
      { value: 0, samples: [1, 2, 3] },
      { value: 800 },
      OPTIONS,
    );
    expect(oneSided.case).toBe("too few samples");
  });
});

describe("explanations", () => {
  const random = seededRandom(5);
  const base = Array.from({ length: 200 }, () => normal(random, 1000, 100));
  const samples = (factor: number) => ({ value: 0, samples: base.map((x) => x * factor) });
  const v1 = (measurement: Measurement) => ({ ...measurement, release: "v1" });
  const scenarios: [VerdictCase, Assertion, Measurement, (Measurement & { release?: string }) | undefined][] =
    [
      ["bound holds", { kind: "count", metric: "signups", op: "ge", bound: 500 }, { value: 620 }, undefined],
      ["bound broken", { kind: "count", metric: "signups", op: "ge", bound: 500 }, { value: 420 }, undefined],
      [
        "significant change as claimed",
        fewerMistakes,
        { value: 12, exposure: 1e4 },
        v1({ value: 31, exposure: 9800 }),
      ],
      ["significant change against claim", fasterPages, samples(1.1), v1(samples(1))],
      ["effect size ruled out", { ...fasterPages, effect: 0.2 }, samples(0.95), v1(samples(1))],
      [
        "no significant change",
        fewerMistakes,
        { value: 30, exposure: 1e4 },
        v1({ value: 31, exposure: 1e4 }),
      ],
      [
        "effect size not shown",
        { ...fewerMistakes, effect: 0.5 },
        { value: 5, exposure: 100 },
        v1({ value: 9, exposure: 100 }),
      ],
      ["too little exposure", fewerMistakes, { value: 0, exposure: 0.2 }, v1({ value: 1, exposure: 0.5 })],
      ["too few samples", fasterPages, { value: 0, samples: [900] }, v1(samples(1))],
      ["no baseline", fasterPages, samples(1), undefined],
      ["source failed", fewerMistakes, { value: Number.NaN }, v1({ value: 3 })],
    ];

  it.each(scenarios)("%s: a non-empty line naming the metric", (expected, assertion, current, baseline) => {
    const verdict = evaluateAssertion(assertion, current, baseline, OPTIONS);
    expect(verdict.case).toBe(expected);
    expect(verdict.explanation).toContain(assertion.metric);
    const prefix = {
      delivered: "Delivered: ",
      "not delivered": "Not delivered: ",
      inconclusive: "Inconclusive: ",
    };
    expect(verdict.explanation.startsWith(prefix[verdict.verdict])).toBe(true);
    expect(verdict.explanation.endsWith(".")).toBe(true);
    expect(verdict.explanation).not.toMatch(/NaN|undefined|Infinity/);
  });

  it("reads like the product owner would say it", () => {
    const verdict = evaluateAssertion(
      fewerMistakes,
      { value: 12, exposure: 10_000 },
      { value: 31, exposure: 9800, release: "v1" },
      OPTIONS,
    );
    expect(verdict.explanation).toBe(
      "Delivered: 12 silly mistakes in 10,000 (0.12%) against 31 in 9,800 (0.32%) for v1 — 62% fewer, " +
        "p = 0.0022 (exact Poisson rate test).",
    );
    expect(verdict.measured).toEqual({ value: 12, exposure: 10_000 });
    expect(verdict.baseline).toEqual({ value: 31, exposure: 9800, release: "v1" });
    expect(verdict.test).toBe("exact conditional binomial (Poisson rate ratio)");
  });

  it("carries sample counts, not samples", () => {
    const verdict = evaluateAssertion(fasterPages, samples(0.9), v1(samples(1)), OPTIONS);
    expect(verdict.measured).toEqual({ value: 0, samplesCount: 200 });
    expect(verdict.baseline).toEqual({ value: 0, release: "v1" });
  });
});

describe("never throws", () => {
  it("turns nonsense into an inconclusive verdict", () => {
    const nonsense: [Assertion, unknown, unknown][] = [
      [fewerMistakes, { value: -3 }, { value: 2 }],
      [fewerMistakes, { value: 3, exposure: -1 }, { value: 2, exposure: 1 }],
      [fewerMistakes, { value: 3 }, { value: "x" }],
      [fasterPages, { value: 0, samples: "not a list" }, { value: 0, samples: [] }],
      [
        { kind: "rate", metric: "errors", op: "lt", bound: Number.NaN },
        { value: 1, exposure: 10 },
        undefined,
      ],
      [{ kind: "latency", metric: "load", op: "lt", boundMs: 300 }, null, undefined],
      [
        { kind: "count", metric: "errors", op: "lt", bound: 3 },
        { value: Number.POSITIVE_INFINITY },
        undefined,
      ],
    ];
    for (const [assertion, current, baseline] of nonsense) {
      const verdict = evaluateAssertion(
        assertion,
        current as Measurement,
        baseline as Measurement | undefined,
        { alpha: Number.NaN } as unknown as EvaluationOptions,
      );
      expect(verdict.verdict).toBe("inconclusive");
      expect(verdict.explanation.length).toBeGreaterThan(0);
    }
  });

  it("drops non-finite samples", () => {
    const random = seededRandom(8);
    const draw = () => Array.from({ length: 50 }, () => normal(random, 1000, 100));
    const verdict = evaluateAssertion(
      fasterPages,
      { value: 0, samples: [...draw().map((x) => x * 0.7), Number.NaN] },
      { value: 0, samples: draw() },
      OPTIONS,
    );
    expect(verdict.verdict).toBe("delivered");
  });
});
