import * as hdr from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { HIGHEST_MICROS, IntervalRecorder, OVERFLOW_NAME, toMicros } from "./recorder.js";

const decode = (b64: string) => hdr.decodeFromCompressedBase64(b64);

describe("IntervalRecorder", () => {
  it("records a known distribution: 1..1000 ms uniformly gives p50≈500 and p99≈990", () => {
    const rec = new IntervalRecorder(0, 1000);
    for (let ms = 1; ms <= 1000; ms++) rec.request("GET /", ms, true);
    const report = rec.flush(2000);
    const enc = report.requests["GET /"];
    expect(enc?.count).toBe(1000);
    const h = decode(enc?.histogram ?? "");
    // 3 significant digits: within 0.1 %.
    expect(Math.abs(h.getValueAtPercentile(50) - 500_000)).toBeLessThanOrEqual(500);
    expect(Math.abs(h.getValueAtPercentile(99) - 990_000)).toBeLessThanOrEqual(990);
    expect(Math.abs(h.maxValue - 1_000_000)).toBeLessThanOrEqual(1000);
    expect(h.mean / 1000).toBeCloseTo(500.5, 0);
  });

  it("round-trips through encode/decode: counts, errors, min and max survive", () => {
    const rec = new IntervalRecorder(3, 0);
    rec.request("GET /a", 0.25, true);
    rec.request("GET /a", 12.5, false);
    rec.request("GET /a", 7000, true);
    const report = rec.flush(1000);
    expect(report.worker).toBe(3);
    const enc = report.requests["GET /a"];
    expect(enc).toMatchObject({ count: 3, errors: 1 });
    const h = decode(enc?.histogram ?? "");
    expect(h.totalCount).toBe(3);
    expect(h.minNonZeroValue).toBe(250);
    expect(Math.abs(h.maxValue - 7_000_000)).toBeLessThanOrEqual(7000);
    expect(Math.abs(h.getValueAtPercentile(50) - 12_500)).toBeLessThanOrEqual(13);
  });

  it("clamps values to [1 µs, 1 h] and treats NaN as 1 µs", () => {
    expect(toMicros(0)).toBe(1);
    expect(toMicros(-5)).toBe(1);
    expect(toMicros(Number.NaN)).toBe(1);
    expect(toMicros(1.2344)).toBe(1234);
    expect(toMicros(5 * 3_600_000)).toBe(HIGHEST_MICROS);
    const rec = new IntervalRecorder(0, 0);
    rec.step("slow", 10 * 3_600_000, true);
    rec.step("slow", 0, true);
    const h = decode(rec.flush(1).steps.slow?.histogram ?? "");
    expect(h.totalCount).toBe(2);
    expect(h.maxValue).toBeGreaterThanOrEqual(HIGHEST_MICROS * 0.999);
  });

  it("reports steps, journeys, errors by kind, dropped and active, then starts a new interval", () => {
    const rec = new IntervalRecorder(1, 5000);
    rec.step("I GET /cart", 3, true);
    rec.journey("Buy", 40, true);
    rec.journey("Buy", 50, false, "HTTP 500");
    rec.journey("Browse", 10, false);
    rec.dropped("Buy");
    rec.dropped("Buy");
    rec.setActive(7);
    const first = rec.flush(6000);
    expect(first).toMatchObject({
      worker: 1,
      start: 5000,
      end: 6000,
      errorsByKind: { "HTTP 500": 1, error: 1 },
      dropped: { Buy: 2 },
      active: 7,
    });
    expect(first.steps["I GET /cart"]).toMatchObject({ count: 1, errors: 0 });
    expect(first.journeys.Buy).toMatchObject({ count: 2, errors: 1 });
    expect(first.journeys.Browse).toMatchObject({ count: 1, errors: 1 });

    rec.journey("Buy", 30, true);
    const second = rec.flush(7000);
    expect(second.start).toBe(6000);
    expect(second.end).toBe(7000);
    expect(Object.keys(second.journeys)).toEqual(["Buy"]);
    expect(second.journeys.Buy).toMatchObject({ count: 1, errors: 0 });
    expect(second.steps).toEqual({});
    expect(second.errorsByKind).toEqual({});
    expect(second.dropped).toEqual({});
    expect(second.active).toBe(7);
  });

  it("records names past the cap under one overflow name", () => {
    const rec = new IntervalRecorder(0, 0, 4);
    for (let i = 0; i < 10; i++) rec.request(`GET /users/${i}`, 1, true);
    const report = rec.flush(1000);
    expect(Object.keys(report.requests)).toEqual([
      "GET /users/0",
      "GET /users/1",
      "GET /users/2",
      OVERFLOW_NAME,
    ]);
    expect(report.requests[OVERFLOW_NAME]?.count).toBe(7);
    expect(rec.histogramCount).toBe(4);
  });

  it("caps only request names: journeys and steps (known from the plan) are kept however many", () => {
    const rec = new IntervalRecorder(0, 0, 4);
    for (let i = 0; i < 300; i++) {
      rec.journey(`Row (features/a.feature:${i})`, 1, true);
      rec.step(`I GET "/items/${i}"`, 1, true);
    }
    const report = rec.flush(1000);
    expect(Object.keys(report.journeys)).toHaveLength(300);
    expect(Object.keys(report.steps)).toHaveLength(300);
    expect(report.journeys[OVERFLOW_NAME]).toBeUndefined();
    expect(report.steps[OVERFLOW_NAME]).toBeUndefined();
    // The default cap holds more than 200 plan names too.
    const big = new IntervalRecorder(0, 0);
    for (let i = 0; i < 300; i++) big.journey(`j${i}`, 1, true);
    expect(Object.keys(big.flush(1).journeys)).toHaveLength(300);
  });

  it("keeps no per-sample state: a million samples leave the histogram count and report size flat", () => {
    const rec = new IntervalRecorder(0, 0);
    rec.request("GET /", 1, true);
    rec.flush(1);
    const before = rec.histogramCount;
    for (let i = 0; i < 1_000_000; i++) rec.request("GET /", 1 + (i % 5000) / 10, true);
    expect(rec.histogramCount).toBe(before);
    const report = rec.flush(2);
    expect(report.requests["GET /"]?.count).toBe(1_000_000);
    // The encoding holds buckets, not samples: a few KB at most.
    expect(report.requests["GET /"]?.histogram.length).toBeLessThan(20_000);
  });
});
