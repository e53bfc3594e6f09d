import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadSummary } from "../src/load/types.js";
import { runCli } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const CYCLE_MS = 5000;
const STALL_MS = 1000;

/**
 * Coordinated omission, against known truth. The server stalls for the first second of every
 * five: a request arriving then is held until that second ends, any other is answered at once.
 * With arrivals at a constant rate, 20% of requests wait uniformly 0–1 s and the rest ~0, so the
 * true p90 is 0.5 s (half-way into the stalled 20%) and the true p99 0.95 s. The open model must
 * report that; the closed model, whose users stop sending while they wait, reports far less.
 */
describe("coordinated omission", () => {
  const dir = tmpDir("escalator-co-");
  let server: Server;
  let target = "";
  let held = 0;
  let answered = 0;

  beforeAll(async () => {
    server = createServer((_request, response: ServerResponse) => {
      const now = Date.now();
      const intoCycle = now % CYCLE_MS;
      const answer = () => {
        answered++;
        response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      };
      if (intoCycle >= STALL_MS) return answer();
      held++;
      setTimeout(answer, STALL_MS - intoCycle);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(
      join(dir.path, "get.feature"),
      'Feature: One GET\n  Scenario: get\n    When I GET "/"\n    Then the response status should be 200\n',
    );
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  });

  const run = async (name: string, ...model: string[]) => {
    held = 0;
    answered = 0;
    const result = await runCli(
      ["load", "get.feature", "--target", target, ...model, "--duration", "20s", "--json", `${name}.json`],
      { cwd: dir.path },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir.path, `${name}.json`), "utf8")) as LoadSummary;
    const journey = summary.journeys.get;
    console.log(
      `${name}: ${summary.requests} requests, ${answered} answered (${held} held by the stall, ${summary.dropped} dropped); ` +
        `requests p50 ${summary.latency.p50} ms, p90 ${summary.latency.p90} ms, p99 ${summary.latency.p99} ms; ` +
        `journeys p90 ${journey?.latency.p90} ms, p99 ${journey?.latency.p99} ms`,
    );
    return summary;
  };

  it("the open model reports the true p90 and p99; the closed model under-reports them", async () => {
    const open = await run("open", "--rate", "200/s", "--connections", "400");
    expect(open.requests).toBe(4000);
    expect(answered).toBe(4000);
    expect(open.dropped).toBe(0);
    expect(open.errors).toBe(0);
    for (const latency of [open.latency, open.journeys.get?.latency]) {
      expect(latency?.p90).toBeGreaterThanOrEqual(500 * 0.85);
      expect(latency?.p90).toBeLessThanOrEqual(500 * 1.15);
      expect(latency?.p99).toBeGreaterThanOrEqual(950 * 0.85);
      expect(latency?.p99).toBeLessThanOrEqual(950 * 1.15);
    }

    const closed = await run("closed", "--users", "10");
    expect(closed.errors).toBe(0);
    // Ten users stuck in each stall: a handful of slow samples among tens of thousands of fast ones.
    expect(closed.latency.p90).toBeLessThan(50);
    expect(closed.latency.p99).toBeLessThan(500);
    console.log(
      `coordinated omission: open p90 ${open.latency.p90} ms / p99 ${open.latency.p99} ms (truth 500 / 950); ` +
        `closed p90 ${closed.latency.p90} ms / p99 ${closed.latency.p99} ms`,
    );
  }, 120_000);
});
