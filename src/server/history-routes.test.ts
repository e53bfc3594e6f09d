import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "./create-app.js";
import { FakeEngineControl, sampleLevel } from "./fake-engine-control.js";

function setup(options: { dashboardClientDir?: string } = {}) {
  const control = new FakeEngineControl();
  const app = createApp({ control, tokens: ["t0ken"], ...options });
  return { control, app };
}

describe("GET /api/v1/status", () => {
  it("adds the daemon's clock as now, for the page's ages and countdowns", async () => {
    const { app } = setup();
    const before = Date.now();
    const body = (await (await app.request("/api/v1/status")).json()) as { now: number; state: string };
    expect(body.state).toBe("converged");
    expect(body.now).toBeGreaterThanOrEqual(before);
    expect(body.now).toBeLessThanOrEqual(Date.now());
  });
});

describe("GET /api/v1/ladder", () => {
  it("lists the levels, most drastic first", async () => {
    const { app } = setup();
    const res = await app.request("/api/v1/ladder");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([sampleLevel]);
  });
});

describe("GET /api/v1/escalations with filters", () => {
  it("passes outcome, level and before to the engine", async () => {
    const { app, control } = setup();
    const res = await app.request(
      "/api/v1/escalations?outcome=failed&level=service&before=1700000000000&limit=5",
    );
    expect(res.status).toBe(200);
    expect(control.calls.filter((c) => c.method === "escalations").map((c) => c.args)).toEqual([
      [5, { outcome: "failed", level: "service", before: 1_700_000_000_000 }],
    ]);
  });

  it("passes a <startedAt>:<id> cursor on as before and beforeId (the store pages ties by id)", async () => {
    const { app, control } = setup();
    const res = await app.request("/api/v1/escalations?limit=1&outcome=failed&before=2000:c");
    expect(res.status).toBe(200);
    expect(control.calls.filter((c) => c.method === "escalations").map((c) => c.args)).toEqual([
      [1, { outcome: "failed", before: 2_000, beforeId: "c" }],
    ]);
  });

  it("answers newest first with ids, filtered by check and target (empty target: environment-wide)", async () => {
    const { app, control } = setup();
    const res = await app.request("/api/v1/transitions?check=web&target=&before=99");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject([{ id: 7, check: "web", toState: "CRITICAL" }]);
    expect(control.calls.filter((c) => c.method === "transitions").map((c) => c.args)).toEqual([
      [{ limit: 50, check: "web", target: "", before: 99 }],
    ]);
  });

  it.each([
    ["limit=5000", "limit: limit must be at most 1000"],
    ["before=-3", "before: before must be a positive whole number (the id of the last transition shown)"],
    ["check=", "check: check must not be empty"],
    ["outcome=failed", "outcome: unknown query parameter (known: limit, check, target, before)"],
  ])("refuses %s with 400 naming the parameter", async (query, message) => {
    const { app } = setup();
    const res = await app.request(`/api/v1/transitions?${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: "INVALID_QUERY",
      error: expect.stringContaining(message),
    });
  });
});

describe("GET /api/v1/verdicts", () => {
  it("lists verdicts of one release, and says in /api/v1 whether the feature is configured", async () => {
    const { app, control } = setup();
    expect(await (await app.request("/api/v1")).json()).toMatchObject({
      tokenRequired: true,
      features: { verdicts: false },
    });
    const res = await app.request("/api/v1/verdicts?release=1.2.0&limit=10");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    expect(control.calls.filter((c) => c.method === "verdicts").map((c) => c.args)).toEqual([
      [{ release: "1.2.0", limit: 10 }],
    ]);
    const bad = await app.request("/api/v1/verdicts?feature=x");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: "feature: unknown query parameter (known: limit, release)",
    });
  });
});

describe("the dashboard's files", () => {
  it("serves the page and the stylesheet with their types, a CSP and revalidation", async () => {
    const { app } = setup();
    const page = await app.request("/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/assets/app.mjs"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    const again = await app.request("/", { headers: { "If-None-Match": page.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);
    const css = await app.request("/assets/style.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await css.text()).not.toMatch(/url\(|@import|https?:/);
  });

  it("serves client modules from the build folder, and nothing outside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "escalator-web-"));
    try {
      writeFileSync(join(dir, "app.mjs"), "export {};\n");
      writeFileSync(join(dir, "grid.mjs"), "export {};\n");
      writeFileSync(join(dir, "api-types.mjs"), "export {};\n");
      const { app } = setup({ dashboardClientDir: dir });
      const page = await (await app.request("/")).text();
      // Every module but the entry point and type-only ones is preloaded, so none waits for another.
      expect(page.match(/<link rel="modulepreload"[^>]*>/g)).toEqual([
        '<link rel="modulepreload" href="/assets/grid.mjs">',
      ]);
      const module = await app.request("/assets/app.mjs");
      expect(module.status).toBe(200);
      expect(module.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect(await module.text()).toBe("export {};\n");
      expect((await app.request("/assets/missing.mjs")).status).toBe(404);
      expect((await app.request("/assets/..%2Fsecret.mjs")).status).toBe(404);
      expect((await app.request("/assets/app.js")).status).toBe(404);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
