import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpSourceConfig } from "../../config/values-schema.js";
import type { MeasureContext } from "../types.js";
import { httpSource } from "./http-source.js";

const until = new Date("2025-03-01T11:00:00.000Z");
const ctx = (release: string, signal = new AbortController().signal): MeasureContext => ({
  release,
  since: new Date(until.getTime() - 600_000),
  until,
  windowMs: 600_000,
  signal,
});

describe("httpSource", () => {
  let server: Server;
  let base = "";
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers });
      const url = new URL(req.url ?? "/", "http://x");
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (url.pathname === "/stats") {
        const release = url.searchParams.get("release");
        return json(200, {
          release,
          window: url.searchParams.get("window"),
          errors: release === "v2" ? 4 : 9,
          checkouts: "1000",
          latencies: [120, 80, 95],
          requests: [{ ms: 10 }, { ms: 20 }],
        });
      }
      if (url.pathname === "/broken") return json(503, { error: "database down" });
      if (url.pathname === "/html") return res.writeHead(200).end("<html>hello</html>");
      if (url.pathname === "/slow") return void setTimeout(() => json(200, { errors: 1 }), 2000);
      res.writeHead(404).end("not here");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const source = (config: Partial<HttpSourceConfig> & { url: string }, timeoutMs = 5000) =>
    httpSource({ json_path: "$.errors", ...config }, timeoutMs);

  it("substitutes $release and $window, URL-encoded, and reads value, exposure and samples", async () => {
    const stats = source({
      url: `${base}/stats?release=$release&window=$window`,
      exposure_path: "$.checkouts",
      samples_path: "$.latencies",
      headers: { authorization: "Bearer t0ken" },
    });
    expect(await stats.measure(ctx("v2"))).toEqual({ value: 4, exposure: 1000, samples: [120, 80, 95] });
    const hostile = await stats.measure(ctx("a&b=c#d e/../"));
    expect(hostile.value).toBe(9);
    const last = seen[seen.length - 1];
    expect(last?.url).toBe("/stats?release=a%26b%3Dc%23d%20e%2F..%2F&window=600s");
    expect(last?.headers.authorization).toBe("Bearer t0ken");
  });

  it("takes every number a samples_path matches; without json_path the value is their count", async () => {
    const stats = httpSource({ url: `${base}/stats`, samples_path: "$.requests[*].ms" }, 5000);
    expect(await stats.measure(ctx("v2"))).toEqual({ value: 2, samples: [10, 20] });
  });

  it("reports a non-2xx status, a non-JSON body, a path that matches nothing or no number", async () => {
    await expect(source({ url: `${base}/broken` }).measure(ctx("v2"))).rejects.toThrow(
      `GET ${base}/broken answered HTTP 503: {"error":"database down"}`,
    );
    await expect(source({ url: `${base}/html` }).measure(ctx("v2"))).rejects.toThrow(
      "with a body that is not JSON: <html>hello</html>",
    );
    await expect(source({ url: `${base}/stats`, json_path: "$.nope" }).measure(ctx("v2"))).rejects.toThrow(
      "json_path $.nope matches nothing in",
    );
    await expect(
      source({ url: `${base}/stats?release=v2`, json_path: "$.release" }).measure(ctx("v2")),
    ).rejects.toThrow('the value at json_path $.release is "v2", not a number');
    await expect(source({ url: `${base}/stats`, json_path: "errors" }).measure(ctx("v2"))).rejects.toThrow(
      'json_path "errors" is not a JSONPath',
    );
  });

  it("gives up after the timeout, and on abort", async () => {
    await expect(source({ url: `${base}/slow` }, 200).measure(ctx("v2"))).rejects.toThrow(
      `no answer from ${base}/slow within 200ms`,
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(source({ url: `${base}/slow` }).measure(ctx("v2", controller.signal))).rejects.toThrow(
      "aborted while requesting",
    );
  });

  it("names a server that is not there", async () => {
    await expect(source({ url: "http://127.0.0.1:1/stats" }).measure(ctx("v2"))).rejects.toThrow(
      "cannot GET http://127.0.0.1:1/stats: connect ECONNREFUSED 127.0.0.1:1",
    );
  });
});
