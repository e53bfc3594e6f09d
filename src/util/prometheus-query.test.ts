import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryPrometheus } from "./prometheus-query.js";

// Answers Prometheus itself cannot be made to give: a proxy's HTML, a hang, warnings.
let server: Server;
let base: string;
const seen: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      seen.push({ url: req.url ?? "", headers: req.headers, body });
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (req.url?.startsWith("/html/")) {
        res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Grafana login</body></html>");
      } else if (req.url?.startsWith("/missing/")) {
        res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found\n");
      } else if (req.url?.startsWith("/broken/")) {
        json(500, { status: "error", errorType: "internal", error: "disk full" });
      } else if (req.url?.startsWith("/hang/")) {
        // never answers
      } else if (req.url?.startsWith("/wrong-shape/")) {
        json(200, { status: "success", data: { resultType: "vector", result: [{ value: "x" }] } });
      } else if (req.url?.startsWith("/histogram/")) {
        json(200, {
          status: "success",
          data: { resultType: "vector", result: [{ metric: {}, histogram: [1, { count: "3" }] }] },
        });
      } else {
        json(200, {
          status: "success",
          data: { resultType: "vector", result: [{ metric: { instance: "a" }, value: [1, "1"] }] },
          warnings: ["partial response: store B unreachable"],
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const query = (url: string, timeoutMs = 5000) =>
  queryPrometheus({ url, query: "up == 0", timeoutMs, signal: new AbortController().signal });

describe("queryPrometheus", () => {
  it("POSTs a form body with the query and a server timeout below its own", async () => {
    const answer = await query(`${base}/prom/`, 10_000);
    expect(answer).toEqual({
      ok: true,
      resultType: "vector",
      samples: [{ labels: { instance: "a" }, raw: "1", value: 1 }],
      warnings: ["partial response: store B unreachable"],
    });
    const request = seen.at(-1);
    expect(request?.url).toBe("/prom/api/v1/query");
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      query: "up == 0",
      timeout: "9000ms",
    });
  });

  it("sends credentials from the URL as basic auth and hides the password in messages", async () => {
    await query(`http://ops:s%3Acret@127.0.0.1:${new URL(base).port}/prom`);
    expect(seen.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from("ops:s:cret").toString("base64")}`);
    const answer = await query(`http://ops:secret@127.0.0.1:${new URL(base).port}/missing`);
    expect(answer.ok).toBe(false);
    if (!answer.ok) {
      expect(answer.message).not.toContain("secret");
      expect(answer.message).toContain("http://ops:***@127.0.0.1");
    }
  });

  it.each([
    [
      "an HTML page",
      "/html",
      (url: string) =>
        `the answer from ${url}/api/v1/query is not a Prometheus API response (HTTP 200, text/html): <html><body>Grafana login</body></html>`,
    ],
    ["a 404", "/missing", (url: string) => `HTTP 404 from ${url}/api/v1/query: 404 page not found`],
    ["a 500 envelope", "/broken", (url: string) => `HTTP 500 internal from ${url}/api/v1/query: disk full`],
    [
      "JSON of the wrong shape",
      "/wrong-shape",
      (url: string) =>
        `the answer from ${url}/api/v1/query is not a Prometheus API response (HTTP 200, application/json):`,
    ],
    [
      "native histograms",
      "/histogram",
      () => "the query returned native histogram samples; wrap it in a function that returns floats",
    ],
  ])("fails clearly on %s", async (_name, path, expected) => {
    const answer = await query(`${base}${path}`);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.message).toContain(expected(`${base}${path}`));
  });

  it("gives up after its timeout", async () => {
    const started = Date.now();
    const answer = await query(`${base}/hang`, 300);
    expect(answer).toEqual({
      ok: false,
      message: `no answer from Prometheus at ${base}/hang/api/v1/query within 300ms`,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const answer = await queryPrometheus({
      url: `${base}/hang`,
      query: "up",
      timeoutMs: 5000,
      signal: controller.signal,
    });
    expect(answer).toEqual({ ok: false, message: `aborted while querying ${base}/hang/api/v1/query` });
  });

  it("refuses a URL that is not http(s)", async () => {
    expect(await query("ftp://prometheus:9090")).toEqual({
      ok: false,
      message: "not an http(s) URL: ftp://prometheus:9090",
    });
  });
});
