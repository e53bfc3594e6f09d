import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkSchema } from "../config/schema.js";
import { type CheckInstance, CheckScheduler } from "./scheduler.js";
import type { CheckResult } from "./types.js";

function instance(name: string, every = "100ms"): CheckInstance {
  return { key: name, check: checkSchema.parse({ name, level: "fix", tcp: "h:1", every }) };
}

const result = (message: string): CheckResult => ({ state: "OK", message, perfdata: [], durationMs: 1 });

/** A `run` whose probes stay in flight until the test finishes them by hand. */
class ManualProbes {
  readonly started: { key: string; instance: CheckInstance; at: number }[] = [];
  readonly signals: AbortSignal[] = [];
  private readonly pending: { key: string; resolve: (r: CheckResult) => void }[] = [];
  private readonly activeByKey = new Map<string, number>();
  maxPerKey = 0;
  maxTotal = 0;

  readonly run = (instance: CheckInstance, signal: AbortSignal): Promise<CheckResult> => {
    this.started.push({ key: instance.key, instance, at: Date.now() });
    this.signals.push(signal);
    const active = (this.activeByKey.get(instance.key) ?? 0) + 1;
    this.activeByKey.set(instance.key, active);
    this.maxPerKey = Math.max(this.maxPerKey, active);
    this.maxTotal = Math.max(this.maxTotal, this.pending.length + 1);
    return new Promise((resolve) => this.pending.push({ key: instance.key, resolve }));
  };

  get inFlight(): number {
    return this.pending.length;
  }

  finish(key: string, message = "done"): void {
    const index = this.pending.findIndex((p) => p.key === key);
    const [probe] = this.pending.splice(index, 1);
    if (index < 0 || !probe) throw new Error(`no probe of ${key} in flight`);
    this.activeByKey.set(key, (this.activeByKey.get(key) ?? 1) - 1);
    probe.resolve(result(message));
  }
}

const flush = () => vi.advanceTimersByTimeAsync(0);

let scheduler: CheckScheduler | undefined;
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  scheduler?.stop();
  scheduler = undefined;
  vi.useRealTimers();
});

describe("CheckScheduler", () => {
  it("never probes one instance twice at once: a timer run skips it and keeps the rhythm", async () => {
    const probes = new ManualProbes();
    const seen: string[] = [];
    scheduler = new CheckScheduler({ run: probes.run, onResult: (_i, r) => seen.push(r.message) });
    scheduler.setInstances([instance("web")]);
    const verification = scheduler.runAllOnce();
    await vi.advanceTimersByTimeAsync(350); // the first timer run and three more are due meanwhile
    expect(probes.started).toHaveLength(1);
    probes.finish("web", "verified");
    expect(await verification).toEqual(new Map([["web", result("verified")]]));
    await vi.advanceTimersByTimeAsync(49);
    expect(probes.started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // the next timer run, one interval after the last skipped one
    expect(probes.started).toHaveLength(2);
    expect(probes.maxPerKey).toBe(1);
    expect(seen).toEqual(["verified"]);
  });

  it("runAllOnce waits for a probe in flight, then starts a fresh one and returns its result", async () => {
    const probes = new ManualProbes();
    const seen: string[] = [];
    scheduler = new CheckScheduler({ run: probes.run, onResult: (_i, r) => seen.push(r.message) });
    scheduler.setInstances([instance("web")]);
    await flush();
    expect(probes.started).toHaveLength(1);
    let settled = false;
    const verification = scheduler.runAllOnce().then((results) => {
      settled = true;
      return results;
    });
    await flush();
    expect(probes.started).toHaveLength(1);
    probes.finish("web", "old");
    await flush();
    expect(probes.started).toHaveLength(2);
    expect(settled).toBe(false);
    probes.finish("web", "fresh");
    expect(await verification).toEqual(new Map([["web", result("fresh")]]));
    expect(seen).toEqual(["old", "fresh"]);
    expect(probes.maxPerKey).toBe(1);
  });

  it("two verifications asked during one old probe share the one fresh probe", async () => {
    const probes = new ManualProbes();
    scheduler = new CheckScheduler({ run: probes.run, onResult: () => {} });
    scheduler.setInstances([instance("web")]);
    await flush();
    const first = scheduler.runAllOnce();
    const second = scheduler.runAllOnce();
    probes.finish("web", "old");
    await flush();
    probes.finish("web", "fresh");
    expect(await first).toEqual(new Map([["web", result("fresh")]]));
    expect(await second).toEqual(new Map([["web", result("fresh")]]));
    expect(probes.started).toHaveLength(2);
  });

  it("reports a throwing run or onResult through onError and keeps rescheduling", async () => {
    const errors: [string, string][] = [];
    let calls = 0;
    scheduler = new CheckScheduler({
      run: async () => {
        calls++;
        if (calls === 1) throw new Error("run broke");
        return result(`run ${calls}`);
      },
      onResult: (_i, r) => {
        throw new Error(`onResult broke on ${r.message}`);
      },
      onError: (i, error) => errors.push([i.key, (error as Error).message]),
    });
    scheduler.setInstances([instance("web")]);
    await vi.advanceTimersByTimeAsync(350);
    expect(calls).toBe(4);
    expect(errors).toEqual([
      ["web", "run broke"],
      ["web", "onResult broke on run 2"],
      ["web", "onResult broke on run 3"],
      ["web", "onResult broke on run 4"],
    ]);
    // runAllOnce still resolves with the result whose onResult threw.
    const results = scheduler.runAllOnce();
    await flush();
    expect(await results).toEqual(new Map([["web", result("run 5")]]));
  });

  it("setInstances adds new instances, stops removed ones and keeps the rhythm of kept ones", async () => {
    const t0 = Date.now();
    const runs: [string, number, CheckInstance][] = [];
    scheduler = new CheckScheduler({
      run: async (i) => {
        runs.push([i.key, Date.now() - t0, i]);
        return result("ok");
      },
      onResult: () => {},
    });
    scheduler.setInstances([instance("a"), instance("b")]);
    await vi.advanceTimersByTimeAsync(120);
    expect(runs.map(([key, at]) => [key, at])).toEqual([
      ["a", 0],
      ["b", 50],
      ["a", 100],
    ]);
    const b2 = instance("b");
    scheduler.setInstances([b2, instance("c")]);
    expect(scheduler.size).toBe(2);
    runs.length = 0;
    await vi.advanceTimersByTimeAsync(280);
    expect(runs.map(([key, at]) => [key, at])).toEqual([
      ["c", 120],
      ["b", 150],
      ["c", 220],
      ["b", 250],
      ["c", 320],
      ["b", 350],
    ]);
    expect(runs.filter(([key]) => key === "b").every(([, , i]) => i === b2)).toBe(true);
  });

  it("drops the result of a probe whose instance was removed while it ran", async () => {
    const probes = new ManualProbes();
    const seen: string[] = [];
    scheduler = new CheckScheduler({ run: probes.run, onResult: (i) => seen.push(i.key) });
    scheduler.setInstances([instance("a")]);
    await flush();
    scheduler.setInstances([]);
    probes.finish("a");
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).toEqual([]);
    expect(probes.started).toHaveLength(1);
  });

  it("keeps at most `concurrency` probes in flight", async () => {
    const probes = new ManualProbes();
    scheduler = new CheckScheduler({ run: probes.run, onResult: () => {}, concurrency: 2 });
    scheduler.setInstances(["a", "b", "c", "d", "e"].map((n) => instance(n)));
    await vi.advanceTimersByTimeAsync(100);
    expect(probes.started.map((s) => s.key)).toEqual(["a", "b"]);
    probes.finish("a");
    await flush();
    expect(probes.started.map((s) => s.key)).toEqual(["a", "b", "c"]);
    for (const key of ["b", "c", "d"]) {
      probes.finish(key);
      await flush();
    }
    expect(probes.started.map((s) => s.key).slice(0, 5)).toEqual(["a", "b", "c", "d", "e"]);
    expect(probes.maxTotal).toBe(2);
  });

  it("runAllOnce with an aborted signal resolves at once with the results that arrived", async () => {
    const probes = new ManualProbes();
    const seen: string[] = [];
    scheduler = new CheckScheduler({ run: probes.run, onResult: (i) => seen.push(i.key) });
    scheduler.setInstances([instance("a", "1m"), instance("b", "1m")]);
    const abort = new AbortController();
    const verification = scheduler.runAllOnce(undefined, abort.signal);
    await flush();
    probes.finish("a", "a done");
    await flush();
    abort.abort();
    expect(await verification).toEqual(new Map([["a", result("a done")]]));
    // The abandoned probe still finishes and is still observed.
    probes.finish("b");
    await flush();
    expect(seen).toEqual(["a", "b"]);
  });

  it("stop() aborts probes, frees a waiting verification and schedules nothing more", async () => {
    const probes = new ManualProbes();
    const seen: string[] = [];
    scheduler = new CheckScheduler({
      run: probes.run,
      onResult: (i) => seen.push(i.key),
      concurrency: 1,
    });
    scheduler.setInstances([instance("a"), instance("b")]);
    await vi.advanceTimersByTimeAsync(100);
    expect(probes.started.map((s) => s.key)).toEqual(["a"]);
    const verification = scheduler.runAllOnce();
    scheduler.stop();
    expect(probes.signals[0]?.aborted).toBe(true);
    expect(await verification).toEqual(new Map());
    probes.finish("a");
    await vi.advanceTimersByTimeAsync(1000);
    expect(probes.started.map((s) => s.key)).toEqual(["a"]);
    expect(seen).toEqual([]);
    expect(scheduler.size).toBe(0);
    expect(await scheduler.runAllOnce()).toEqual(new Map());
  });
});
