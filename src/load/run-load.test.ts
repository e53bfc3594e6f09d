import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { runLoad } from "./run-load.js";
import { resolveLoad } from "./settings.js";

describe("runLoad", () => {
  const dir = tmpDir("escalator-run-load-");
  let server: Server;
  let target = "";
  let served = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      served++;
      response.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(join(dir.path, "a.feature"), 'Feature: A\n  Scenario: a\n    When I GET "/a"\n');
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  });

  const load = (flags: Parameters<typeof resolveLoad>[1]) => {
    const resolved = resolveLoad(
      [join(dir.path, "a.feature")],
      { target, duration: "1s", ...flags },
      undefined,
    );
    const progress: number[] = [];
    return runLoad({
      paths: resolved.paths,
      cwd: dir.path,
      target,
      settings: resolved.settings,
      thresholds: resolved.thresholds,
      onProgress: (snapshot) => progress.push(snapshot.requests),
    }).then((result) => ({ ...result, progress }));
  };

  it("runs in this thread with one worker, and in worker threads (loaded from the .ts sources) with more", async () => {
    const before = served;
    const one = await load({ rate: "100/s" });
    expect(one.summary?.requests).toBe(100);
    expect(one.progress.length).toBeGreaterThanOrEqual(1);
    const two = await load({ rate: "100/s", workers: "2" });
    expect(two.errors).toEqual([]);
    expect(two.summary?.requests).toBe(100);
    expect(two.summary?.perWorker?.map((w) => w.requests)).toEqual([50, 50]);
    expect(served - before).toBe(200);
  }, 30_000);

  it("returns load errors from the workers without running anything", async () => {
    writeFileSync(join(dir.path, "bad.feature"), "Feature: B\n  Scenario: b\n    When nothing matches\n");
    const resolved = resolveLoad(
      [join(dir.path, "bad.feature")],
      { users: "1", duration: "1s", workers: "2" },
      undefined,
    );
    const result = await runLoad({
      paths: resolved.paths,
      cwd: dir.path,
      settings: resolved.settings,
      thresholds: [],
    });
    expect(result.summary).toBeUndefined();
    expect(result.errors.map((e) => `${e.uri}:${e.line} ${e.message}`)).toEqual([
      'bad.feature:3 Undefined step "nothing matches" in "b"',
    ]);
  }, 30_000);
  it("stops early when its signal aborts, in this thread and in workers, marking the summary interrupted", async () => {
    for (const workers of ["1", "2"]) {
      const resolved = resolveLoad(
        [join(dir.path, "a.feature")],
        { target, rate: "100/s", duration: "10s", workers },
        undefined,
      );
      const interrupt = new AbortController();
      const before = served;
      const started = Date.now();
      const result = await runLoad({
        paths: resolved.paths,
        cwd: dir.path,
        target,
        settings: resolved.settings,
        thresholds: resolved.thresholds,
        signal: interrupt.signal,
        // About 1 s into the run.
        onProgress: () => interrupt.abort(),
      });
      expect(Date.now() - started, workers).toBeLessThan(6000);
      const summary = result.summary;
      expect(summary?.interrupted).toBe(true);
      expect(summary?.durationMs).toBe(10_000);
      expect(summary?.interruptedAfterMs).toBeGreaterThanOrEqual(800);
      expect(summary?.interruptedAfterMs).toBeLessThan(2000);
      expect(summary?.requests).toBeGreaterThan(0);
      expect(summary?.requests).toBe(served - before);
      expect(summary?.incomplete).toBeUndefined();
    }
  }, 60_000);

  it("runs nothing when the signal aborted before the start", async () => {
    const resolved = resolveLoad(
      [join(dir.path, "a.feature")],
      { target, rate: "100/s", duration: "10s" },
      undefined,
    );
    const before = served;
    const result = await runLoad({
      paths: resolved.paths,
      cwd: dir.path,
      target,
      settings: resolved.settings,
      thresholds: [],
      signal: AbortSignal.abort(),
    });
    expect(result.summary?.interrupted).toBe(true);
    expect(result.summary?.requests).toBe(0);
    expect(served).toBe(before);
  }, 30_000);
});
