import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { resolveRequestUrl, resolveStepTimeoutMs, sendStepRequest } from "./http-request.js";
import { createHttpWorld, type HttpRequestReport } from "./http-world.js";

describe("resolveStepTimeoutMs", () => {
  it("takes the world parameter, then ESCALATOR_STEP_TIMEOUT_MS, then 10 s", () => {
    expect(resolveStepTimeoutMs({ stepTimeoutMs: 50 }, { ESCALATOR_STEP_TIMEOUT_MS: "700" })).toBe(50);
    expect(resolveStepTimeoutMs({}, { ESCALATOR_STEP_TIMEOUT_MS: "700" })).toBe(700);
    expect(resolveStepTimeoutMs({}, {})).toBe(10_000);
    expect(resolveStepTimeoutMs(undefined, { ESCALATOR_STEP_TIMEOUT_MS: " " })).toBe(10_000);
  });

  it("rejects a timeout that is not a positive number", () => {
    expect(() => resolveStepTimeoutMs({}, { ESCALATOR_STEP_TIMEOUT_MS: "10s" })).toThrow(
      "ESCALATOR_STEP_TIMEOUT_MS must be a positive number of milliseconds, got null",
    );
    expect(() => resolveStepTimeoutMs({ stepTimeoutMs: 0 }, {})).toThrow(/stepTimeoutMs must be a positive/);
  });
});

describe("resolveRequestUrl", () => {
  it("appends relative paths to the base, keeping its path, and uses absolute URLs as they are", () => {
    const world = createHttpWorld({ target: "https://shop.example/store/" });
    expect(resolveRequestUrl("/cart?x=1", world).href).toBe("https://shop.example/store/cart?x=1");
    expect(resolveRequestUrl("cart", world).href).toBe("https://shop.example/store/cart");
    expect(resolveRequestUrl("?q=a", world).href).toBe("https://shop.example/store?q=a");
    expect(resolveRequestUrl("http://other.example/a", world).href).toBe("http://other.example/a");
    world.http.baseUrl = "http://override.example";
    expect(resolveRequestUrl("/a", world).href).toBe("http://override.example/a");
  });

  it("names --target when the target parameter is not a URL", () => {
    expect(() => resolveRequestUrl("/a", createHttpWorld({ target: "shop" }))).toThrow(
      '--target "shop" is not an absolute URL; write it like "https://shop.example"',
    );
  });
});

describe("sendStepRequest's reports", () => {
  it("charges the journey's start delay to its first request only (load tests' open model)", async () => {
    const server = createServer((request, response) => {
      response.statusCode = request.url === "/fail" ? 500 : 200;
      response.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const reports: HttpRequestReport[] = [];
      const onRequest = (r: HttpRequestReport) => reports.push(r);
      const late = createHttpWorld({ target, onRequest, startDelayMs: 400 });
      const first = await sendStepRequest(late, "GET", "/a?x=1");
      await sendStepRequest(late, "GET", "/fail");
      // Without a delay (the closed model, `escalator test`): timed from sending.
      await sendStepRequest(createHttpWorld({ target, onRequest }), "GET", "/b");
      expect(reports.map((r) => [r.name, r.ok, r.status])).toEqual([
        ["GET /a", true, 200],
        ["GET /fail", false, 500],
        ["GET /b", true, 200],
      ]);
      expect(reports[0]?.ms).toBeGreaterThanOrEqual(400);
      expect(reports[0]?.ms).toBeLessThan(400 + 300);
      expect(reports[1]?.ms).toBeLessThan(300);
      expect(reports[2]?.ms).toBeLessThan(300);
      // The response's own elapsed time (for "faster than" assertions) stays send to last byte.
      expect(first.elapsedMs).toBeLessThan(300);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
