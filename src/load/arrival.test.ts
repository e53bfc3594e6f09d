import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { arrivalOffsetMs, arrivalsBefore, driveOpen, OpenSchedule, userStartMs } from "./arrival.js";

const drain = (schedule: OpenSchedule) => {
  const times: number[] = [];
  while (schedule.peek() !== Number.POSITIVE_INFINITY) {
    times.push(schedule.peek());
    schedule.advance();
  }
  return times;
};

describe("the open model's schedule", () => {
  it("without a ramp spaces arrivals 1/rate apart, rate × duration of them", () => {
    expect([0, 1, 2, 199].map((k) => arrivalOffsetMs(k, 200, 0))).toEqual([0, 5, 10, 995]);
    const times = drain(new OpenSchedule(200, 0, 10_000));
    expect(times).toHaveLength(2000);
    expect(times.at(-1)).toBeCloseTo(9995, 6);
  });

  it("with a linear ramp integrates the rate: N(t) = R·t²/(2·ramp), then R per second", () => {
    const rate = 100;
    const ramp = 10_000;
    // Half the full rate's arrivals during the ramp: 100/s × 10 s / 2 = 500.
    expect(arrivalsBefore(ramp, rate, ramp)).toBe(500);
    expect(arrivalOffsetMs(500, rate, ramp)).toBeCloseTo(ramp, 6);
    // N(5 s) = 100 × 25 / 20 = 125 arrivals, at a quarter of the ramp's arrivals.
    expect(arrivalsBefore(5000, rate, ramp)).toBe(125);
    expect(arrivalOffsetMs(125, rate, ramp)).toBeCloseTo(5000, 6);
    // The k-th arrival is due at N⁻¹(k): the inverse of arrivalsBefore.
    for (const k of [1, 7, 250, 499, 500, 501, 1234]) {
      const at = arrivalOffsetMs(k, rate, ramp);
      expect(arrivalsBefore(at, rate, ramp)).toBe(k);
      expect(arrivalsBefore(at + 1e-6, rate, ramp)).toBe(k + 1);
    }
    // After the ramp, arrivals are 10 ms apart.
    expect(arrivalOffsetMs(601, rate, ramp) - arrivalOffsetMs(600, rate, ramp)).toBeCloseTo(10, 6);
    // 20 s with a 10 s ramp: 500 + 1000 arrivals.
    expect(drain(new OpenSchedule(rate, ramp, 20_000))).toHaveLength(1500);
  });

  it("splits arrivals between workers, interleaved, so together they follow the schedule exactly", () => {
    const all = drain(new OpenSchedule(300, 2000, 5000));
    const shares = [0, 1, 2].map((w) => drain(new OpenSchedule(300, 2000, 5000, w, 3)));
    expect(shares.map((s) => s.length).reduce((a, b) => a + b)).toBe(all.length);
    expect(shares.flat().sort((a, b) => a - b)).toEqual(all);
    expect(shares[1]?.[0]).toBe(all[1]);
  });

  it("starts closed-model users spread evenly over the ramp", () => {
    expect([0, 1, 5, 9].map((i) => userStartMs(i, 10, 1000))).toEqual([0, 100, 500, 900]);
    expect(userStartMs(3, 10, 0)).toBe(0);
  });
});

describe("driveOpen", () => {
  it("starts arrivals on time, holds them at the in-flight cap, and drops those more than dropAfterMs late", async () => {
    const started: number[] = [];
    let dropped = 0;
    const t0 = performance.now();
    await driveOpen(
      new OpenSchedule(1000, 0, 200),
      {
        inFlight: () => started.length,
        start: (at) => started.push(at - t0),
        drop: () => dropped++,
        stopped: () => false,
      },
      { t0, dropAfterMs: 50, maxInFlight: 5 },
    );
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(dropped).toBe(195);
  });

  it("starts late arrivals with their intended time after the event loop was blocked, dropping the stalest", async () => {
    const late: number[] = [];
    let dropped = 0;
    const t0 = performance.now();
    setTimeout(() => {
      const until = performance.now() + 120;
      while (performance.now() < until) {}
    }, 20);
    await driveOpen(
      new OpenSchedule(500, 0, 400),
      {
        inFlight: () => 0,
        start: (at) => late.push(performance.now() - at),
        drop: () => dropped++,
        stopped: () => false,
      },
      { t0, dropAfterMs: 50, maxInFlight: 100 },
    );
    expect(late.length + dropped).toBe(200);
    // Arrivals due in the first ~70 ms of the 120 ms block (about 35) are dropped; the rest start
    // late. A busy machine can stall the loop further, so only the lower bound is tight.
    expect(dropped).toBeGreaterThanOrEqual(25);
    expect(dropped).toBeLessThan(150);
    expect(Math.max(...late)).toBeGreaterThan(20);
    expect(Math.max(...late)).toBeLessThanOrEqual(55);
  });

  it("counts arrivals still waiting on the in-flight cap when the test stops as dropped", async () => {
    const started: number[] = [];
    let dropped = 0;
    let stop = false;
    const t0 = performance.now();
    setTimeout(() => {
      stop = true;
    }, 100);
    await driveOpen(
      new OpenSchedule(1000, 0, 50),
      {
        inFlight: () => started.length,
        start: (at) => started.push(at),
        drop: () => dropped++,
        stopped: () => stop,
      },
      { t0, dropAfterMs: 10_000, maxInFlight: 1 },
    );
    expect(started).toHaveLength(1);
    expect(dropped).toBe(49);
  });

  it("waits on a short timer rather than spinning, and still starts arrivals within a millisecond or two", async () => {
    const offsets: number[] = [];
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    await driveOpen(
      new OpenSchedule(2000, 0, 1000),
      {
        inFlight: () => 0,
        start: (at) => offsets.push(performance.now() - at),
        drop: () => undefined,
        stopped: () => false,
      },
      { t0, dropAfterMs: 1000, maxInFlight: 100_000 },
    );
    const wallMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    expect(offsets).toHaveLength(2000);
    // Spinning on setImmediate keeps a core busy for the whole second; timers leave it mostly idle.
    expect(cpuMs / wallMs).toBeLessThan(0.5);
    const sorted = [...offsets].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1] as number;
    // Arrivals start up to a millisecond early (measured from their actual start then) or a little
    // late. (Typically p99 < 1 ms; the bounds leave room for a machine busy with other tests.)
    expect(sorted[0]).toBeGreaterThanOrEqual(-1.001);
    expect(at(50)).toBeLessThan(1);
    expect(at(75)).toBeLessThan(2);
  });
});
