import { describe, expect, it } from "vitest";
import { LoadAggregator } from "./aggregate.js";
import { IntervalRecorder, MAX_NAMES, OVERFLOW_NAME } from "./recorder.js";
import { parseThreshold } from "./thresholds.js";
import type { IntervalReport } from "./types.js";

const T0 = 1_700_000_000_000;

/** One worker's report of `n` requests spread over [from, to] ms, for the interval [start, end]. */
function report(
  worker: number,
  start: number,
  end: number,
  fill: (r: IntervalRecorder) => void,
): IntervalReport {
  const rec = new IntervalRecorder(worker, T0 + start);
  fill(rec);
  return rec.flush(T0 + end);
}

const options = {
  durationMs: 10_000,
  model: { kind: "closed", users: 4 } as const,
  workers: 2,
  connections: 8,
  weights: { Buy: 3, Browse: 1 },
  thresholds: [],
};

describe("LoadAggregator", () => {
  it("merges two workers' reports: totals equal the sum of the reports' counts exactly", () => {
    const reports = [
      report(0, 0, 1000, (r) => {
        for (let ms = 1; ms <= 500; ms++) r.request("GET /a", ms, ms % 100 !== 0);
        for (let i = 0; i < 30; i++) r.step("I GET /a", 5, true);
        for (let i = 0; i < 20; i++) r.journey("Buy", 50, i % 10 !== 0, "HTTP 500");
        r.dropped("Buy");
      }),
      report(1, 0, 1000, (r) => {
        for (let ms = 501; ms <= 1000; ms++) r.request(ms % 2 ? "GET /a" : "POST /b", ms, true);
        for (let i = 0; i < 7; i++) r.journey("Browse", 20, i !== 0, "timeout");
        r.dropped("Browse");
        r.dropped("Buy");
      }),
    ];
    const agg = new LoadAggregator(T0);
    for (const r of reports) agg.add(r);
    const s = agg.summary(options);

    const sumOf = (pick: (r: IntervalReport) => Record<string, { count: number }>) =>
      reports.reduce((n, r) => n + Object.values(pick(r)).reduce((m, e) => m + e.count, 0), 0);
    expect(s.requests).toBe(sumOf((r) => r.requests));
    expect(s.requests).toBe(1000);
    expect(s.requestsByName["GET /a"]?.count).toBe(750);
    expect(s.requestsByName["GET /a"]?.errors).toBe(5);
    expect(s.requestsByName["POST /b"]?.count).toBe(250);
    expect(s.steps["I GET /a"]?.count).toBe(30);
    expect(s.journeys.Buy).toMatchObject({ count: 20, errors: 2 });
    expect(s.journeys.Browse).toMatchObject({ count: 7, errors: 1 });
    expect(s.errors).toBe(3);
    expect(s.errorRate).toBeCloseTo(3 / 27);
    expect(s.errorsByKind).toEqual({ "HTTP 500": 2, timeout: 1 });
    expect(s.dropped).toBe(3);
    // Per second of the measured span: the reports cover 1 s (not the configured 10 s).
    expect(s.rps).toBe(1000);
    expect(s.requestsByName["POST /b"]?.rps).toBe(250);
    // Percentiles come from the merged histogram: 1..1000 ms across both workers.
    expect(Math.abs(s.latency.p50 - 500)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(s.latency.p99 - 990)).toBeLessThanOrEqual(1);
    expect(Math.abs(s.latency.max - 1000)).toBeLessThanOrEqual(1);
    expect(s.latency.mean).toBeCloseTo(500.5, 0);
    expect(agg.percentileOf(undefined, 90)).toBeCloseTo(900, -0.5);
    expect(agg.percentileOf({ kind: "request", name: "nope" }, 90)).toBeNaN();
  });

  it("reports requested and achieved journey shares; a weighted journey that never ran shows count 0", () => {
    const agg = new LoadAggregator(T0);
    agg.add(
      report(0, 0, 1000, (r) => {
        for (let i = 0; i < 70; i++) r.journey("Buy", 10, true);
        for (let i = 0; i < 30; i++) r.journey("Browse", 10, true);
      }),
    );
    const s = agg.summary({ ...options, weights: { Buy: 3, Browse: 1, Idle: 1 } });
    expect(s.journeys.Buy).toMatchObject({ weight: 3, requestedShare: 0.6, achievedShare: 0.7 });
    expect(s.journeys.Browse).toMatchObject({ weight: 1, requestedShare: 0.2, achievedShare: 0.3 });
    expect(s.journeys.Idle).toMatchObject({ weight: 1, requestedShare: 0.2, achievedShare: 0, count: 0 });
    expect(s.journeys.Idle?.latency.p99).toBe(0);
  });

  it("builds one time point per second, merging workers' reports for the same second", () => {
    const agg = new LoadAggregator(T0);
    for (let sec = 0; sec < 3; sec++) {
      for (const worker of [0, 1]) {
        // Worker 1 runs 300 ms behind worker 0; both intervals' midpoints fall in second `sec`.
        const offset = worker * 300;
        agg.add(
          report(worker, sec * 1000 + offset - (sec === 0 ? offset : 0), (sec + 1) * 1000 + offset, (r) => {
            const base = worker === 0 ? 10 : 100 * (sec + 1);
            for (let i = 0; i < 100; i++) r.request("GET /", base, i !== 0);
            r.journey("Buy", 5, worker === 0);
            r.setActive(worker + 2);
          }),
        );
      }
    }
    const series = agg.summary(options).timeSeries;
    expect(series.map((p) => p.t)).toEqual([0, 1, 2]);
    for (const [sec, p] of series.entries()) {
      expect(p).toMatchObject({ requests: 200, journeys: 2, errors: 1, dropped: 0, active: 5 });
      expect(p.p50).toBeCloseTo(10, 1);
      expect(Math.abs(p.p90 - 100 * (sec + 1))).toBeLessThanOrEqual(0.1 * (sec + 1));
      expect(p.max).toBeCloseTo(100 * (sec + 1), -0.5);
    }
    // Worker 1's first interval is 1.3 s long: 100 requests at 76.9/s, plus worker 0's 100/s.
    expect(series[0]?.rps).toBeCloseTo(100 + 100 / 1.3, 5);
    expect(series[1]?.rps).toBeCloseTo(200, 5);
  });

  it("keeps counting reports that arrive after their second closed", () => {
    const agg = new LoadAggregator(T0);
    for (let sec = 0; sec < 10; sec++)
      agg.add(report(0, sec * 1000, sec * 1000 + 1000, (r) => r.request("GET /", 1, true)));
    agg.add(report(1, 0, 1000, (r) => r.request("GET /", 1, true)));
    const s = agg.summary(options);
    expect(s.requests).toBe(11);
    expect(s.timeSeries[0]?.requests).toBe(2);
    expect(s.timeSeries.reduce((n, p) => n + p.requests, 0)).toBe(11);
    expect(s.timeSeries[0]?.rps).toBeCloseTo(2, 5);
  });

  it("snapshots the latest second every worker has reported, with cumulative errors", () => {
    const agg = new LoadAggregator(T0);
    const fill = (ms: number, active: number) => (r: IntervalRecorder) => {
      for (let i = 0; i < 50; i++) r.request("GET /", ms, true);
      r.journey("Buy", ms, false, "timeout");
      r.journey("Buy", ms, true);
      r.setActive(active);
    };
    expect(agg.snapshot(T0)).toMatchObject({ elapsedMs: 0, requests: 0, rps: 0, errors: 0, active: 0 });
    expect(agg.snapshot(T0).p95Ms).toBeNaN();
    agg.add(report(0, 0, 1000, fill(10, 3)));
    agg.add(report(1, 0, 1000, fill(20, 4)));
    agg.add(report(0, 1000, 2000, fill(500, 5))); // worker 1 hasn't reported second 1 yet
    const snap = agg.snapshot(T0 + 2100);
    expect(snap).toMatchObject({
      elapsedMs: 2100,
      requests: 150,
      rps: 100,
      errors: 3,
      journeys: 6,
      active: 9,
    });
    expect(snap.errorRate).toBe(0.5);
    expect(snap.p95Ms).toBeCloseTo(20, 1);
    agg.add(report(1, 1000, 2000, fill(500, 1)));
    expect(agg.snapshot(T0 + 2200)).toMatchObject({ rps: 100, active: 6 });
    expect(agg.snapshot(T0 + 2200).p95Ms).toBeCloseTo(500, 0);
  });

  it("divides rps by the measured span, from the start to the last report's end (the end grace included)", () => {
    const agg = new LoadAggregator(T0);
    for (let sec = 0; sec < 10; sec++)
      agg.add(
        report(0, sec * 1000, sec * 1000 + 1000, (r) => {
          for (let i = 0; i < 100; i++) r.request("GET /", 5, true);
        }),
      );
    // Journeys in flight at the end finish during the 2 s grace: 100 more requests.
    agg.add(
      report(0, 10_000, 12_000, (r) => {
        for (let i = 0; i < 100; i++) r.request("GET /", 5, true);
      }),
    );
    const s = agg.summary({
      ...options,
      thresholds: ["rps>=100", "rps{request:GET /}>=100"].map(parseThreshold),
    });
    expect(s.requests).toBe(1100);
    expect(s.measuredMs).toBe(12_000);
    expect(s.rps).toBeCloseTo(1100 / 12, 6);
    expect(s.requestsByName["GET /"]?.rps).toBeCloseTo(1100 / 12, 6);
    expect(s.thresholds.map((t) => [t.actual, t.passed])).toEqual([
      [1100 / 12, false],
      [1100 / 12, false],
    ]);
  });

  it("does not extrapolate a short last interval into a spike in the per-second series", () => {
    const agg = new LoadAggregator(T0);
    for (let sec = 0; sec < 3; sec++)
      agg.add(
        report(0, sec * 1000, sec * 1000 + 1000, (r) => {
          for (let i = 0; i < 100; i++) r.request("GET /", 5, true);
        }),
      );
    // The final flush, 4 ms after the last regular one, with the stragglers that finished then.
    agg.add(
      report(0, 3000, 3004, (r) => {
        for (let i = 0; i < 30; i++) r.request("GET /", 5, true);
      }),
    );
    const series = agg.summary(options).timeSeries;
    expect(series.map((p) => [p.t, p.requests])).toEqual([
      [0, 100],
      [1, 100],
      [2, 100],
      [3, 30],
    ]);
    expect(series.slice(0, 3).map((p) => p.rps)).toEqual([100, 100, 100]);
    // 30 requests in the last second, not 30 in 4 ms extrapolated to 7500/s (or 300/s at a 100 ms floor).
    expect(series[3]?.rps).toBe(30);
  });

  it("judges a journey that never finished as having no data, not as a misspelt name", () => {
    const agg = new LoadAggregator(T0);
    agg.add(report(0, 0, 1000, (r) => r.journey("Buy", 10, true)));
    const thresholds = ["p95{journey:Idle}<1s", "errors{journey:Idle}<1", "p95{journey:Nope}<1s"];
    const results = agg.summary({
      ...options,
      weights: { Buy: 1, Idle: 1 },
      thresholds: thresholds.map(parseThreshold),
    }).thresholds;
    expect(results.map((r) => [r.expression, r.passed])).toEqual([
      ["p95{journey:Idle}<1s (no data)", false],
      ["errors{journey:Idle}<1", true],
      ["p95{journey:Nope}<1s (no such journey)", false],
    ]);
  });

  it("keeps at most MAX_NAMES request names across workers, folding the rest into one", () => {
    const agg = new LoadAggregator(T0);
    for (const worker of [0, 1, 2])
      agg.add(
        report(worker, 0, 1000, (r) => {
          for (let i = 0; i < 150; i++) r.request(`GET /w${worker}/${i}`, 1, true);
          for (let i = 0; i < 150; i++) r.step(`step ${worker} ${i}`, 1, true);
        }),
      );
    const s = agg.summary(options);
    expect(Object.keys(s.requestsByName)).toHaveLength(MAX_NAMES);
    expect(s.requestsByName[OVERFLOW_NAME]?.count).toBe(450 - (MAX_NAMES - 1));
    expect(Object.values(s.requestsByName).reduce((n, r) => n + r.count, 0)).toBe(450);
    expect(Object.keys(s.steps)).toHaveLength(450);
  });

  it("draws the distribution in 40 log-spaced buckets whose counts add up to all requests", () => {
    const agg = new LoadAggregator(T0);
    agg.add(
      report(0, 0, 1000, (r) => {
        for (let ms = 1; ms <= 1000; ms++) r.request("GET /", ms, true);
      }),
    );
    const { distribution, requests } = agg.summary(options);
    expect(distribution).toHaveLength(40);
    expect(distribution.reduce((n, [, c]) => n + c, 0)).toBe(requests);
    const bounds = distribution.map(([b]) => b);
    expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
    expect(bounds[0]).toBeGreaterThan(1);
    expect(Math.abs((bounds[39] ?? 0) - 1000)).toBeLessThanOrEqual(1);
    expect(new LoadAggregator(T0).summary(options).distribution).toEqual([]);
  });

  it("evaluates thresholds against the cumulative figures, including any percentile and scopes", () => {
    const agg = new LoadAggregator(T0);
    agg.add(
      report(0, 0, 1000, (r) => {
        for (let ms = 1; ms <= 1000; ms++) r.request("GET /", ms, true);
        for (let i = 0; i < 100; i++) r.journey("Buy", 300, i >= 2);
      }),
    );
    const thresholds = [
      "p75<800ms",
      "p99.9<900ms",
      "errors<1%",
      "errors{journey:Buy}<=2",
      "rps>=100",
      "p95{journey:Nope}<1s",
    ];
    const results = agg.summary({ ...options, thresholds: thresholds.map(parseThreshold) }).thresholds;
    expect(results.map((r) => [r.expression, r.passed])).toEqual([
      ["p75<800ms", true],
      ["p99.9<900ms", false],
      ["errors<1%", false],
      ["errors{journey:Buy}<=2", true],
      ["rps>=100", true],
      ["p95{journey:Nope}<1s (no such journey)", false],
    ]);
    expect(Math.abs((results[0]?.actual ?? 0) - 750)).toBeLessThanOrEqual(1);
    expect(results[2]?.actual).toBe(2);
  });
});
