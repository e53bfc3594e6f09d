import { describe, expect, it } from "vitest";
import { createApp } from "./create-app.js";
import { FakeEngineControl, sampleEscalation, sampleStatus } from "./fake-engine-control.js";

const TOKEN = "s3cret-token";

function setup(tokens: readonly string[] = [TOKEN]) {
  const control = new FakeEngineControl();
  const app = createApp({ control, tokens });
  const post = (path: string, body?: unknown, token: string | null = TOKEN) =>
    app.request(path, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { control, app, post };
}

describe("createApp: reading", () => {
  it("serves the status view", async () => {
    const { app } = setup();
    const res = await app.request("/api/v1/status");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...sampleStatus, now: expect.any(Number) });
  });

  it("serves the checks", async () => {
    const { app } = setup();
    const res = await app.request("/api/v1/checks");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject([{ check: "web", state: "OK" }]);
  });

  it("lists escalations with limit 50 by default, or the given limit", async () => {
    const { app, control } = setup();
    expect((await app.request("/api/v1/escalations")).status).toBe(200);
    const res = await app.request("/api/v1/escalations?limit=1000");
    expect(await res.json()).toEqual([sampleEscalation]);
    expect(control.calls.filter((c) => c.method === "escalations").map((c) => c.args)).toEqual([
      [50],
      [1000],
    ]);
  });

  it.each(["0", "1001", "abc", "-1", "1.5", ""])("refuses limit=%s with 400", async (limit) => {
    const { app, control } = setup();
    const res = await app.request(`/api/v1/escalations?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: "INVALID_QUERY",
      error: expect.stringContaining("limit"),
    });
    expect(control.calls).toEqual([]);
  });

  it("shows one escalation with its steps, 404 when unknown", async () => {
    const { app } = setup();
    const found = await app.request("/api/v1/escalations/esc-1");
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ escalation: { id: "esc-1" }, steps: [{ level: "service" }] });
    const missing = await app.request("/api/v1/escalations/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no escalation with id "nope"', code: "NOT_FOUND" });
  });

  it("serves /metrics with the engine's content type, /healthz and an index", async () => {
    const { app } = setup();
    const metrics = await app.request("/metrics");
    expect(metrics.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await metrics.text()).toBe("escalator_up 1\n");
    const health = await app.request("/healthz");
    expect([health.status, await health.text()]).toEqual([200, "ok"]);
    const index = await app.request("/api/v1");
    expect(await index.json()).toMatchObject({ environment: "test", status: "/api/v1/status" });
  });

  it("puts the public URL in the index links", async () => {
    const app = createApp({
      control: new FakeEngineControl(),
      tokens: [],
      publicUrl: "https://ops.example/",
    });
    const index = await app.request("/api/v1");
    expect(await index.json()).toMatchObject({ events: "https://ops.example/api/v1/events" });
  });

  it("answers unknown routes with 404 JSON", async () => {
    const { app } = setup();
    const res = await app.request("/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "no route for GET /api/v1/nothing-here", code: "NOT_FOUND" });
  });

  it("turns an engine failure into 500 JSON", async () => {
    const { app, control } = setup();
    control.status = async () => {
      throw new Error("database is locked");
    };
    const res = await app.request("/api/v1/status");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "internal error: database is locked", code: "INTERNAL" });
  });
});

describe("createApp: control", () => {
  it("pauses for a duration, with reason and who", async () => {
    const { post, control } = setup();
    const res = await post("/api/v1/pause", { for: "1h", reason: "upgrade", by: "alice" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, message: "done" });
    expect(control.changes).toEqual([
      { method: "pause", args: [{ by: "alice", reason: "upgrade", forMs: 3_600_000 }] },
    ]);
  });

  it("pauses until resumed when no duration is given, by api when nobody is named", async () => {
    const { post, control } = setup();
    expect((await post("/api/v1/pause")).status).toBe(200);
    expect(control.changes).toEqual([{ method: "pause", args: [{ by: "api", reason: "" }] }]);
  });

  it("resumes", async () => {
    const { post, control } = setup();
    expect((await post("/api/v1/resume", { by: "bob" })).status).toBe(200);
    expect(control.changes).toEqual([{ method: "resume", args: [{ by: "bob" }] }]);
  });

  it("silences a check on a target", async () => {
    const { post, control } = setup();
    const res = await post("/api/v1/silences", {
      check: "web",
      target: "node-1",
      for: "30m",
      reason: "known",
    });
    expect(res.status).toBe(200);
    expect(control.changes).toEqual([
      {
        method: "silence",
        args: [{ check: "web", target: "node-1", forMs: 1_800_000, reason: "known", by: "api" }],
      },
    ]);
  });

  it("approves and rejects an escalation", async () => {
    const { post, control } = setup();
    expect((await post("/api/v1/escalations/esc-1/approve", { by: "carol" })).status).toBe(200);
    expect((await post("/api/v1/escalations/esc-1/reject", { reason: "not now" })).status).toBe(200);
    expect(control.changes).toEqual([
      { method: "approve", args: ["esc-1", "carol"] },
      { method: "reject", args: ["esc-1", "api", "not now"] },
    ]);
  });

  it("acks", async () => {
    const { post, control } = setup();
    expect((await post("/api/v1/ack", { by: "dave", note: "on it" })).status).toBe(200);
    expect(control.changes).toEqual([{ method: "ack", args: ["dave", "on it"] }]);
  });

  it.each([400, 404, 409] as const)("maps a refused control outcome to HTTP %i", async (status) => {
    const { post, control } = setup();
    control.outcome = { ok: false, status, error: "nothing awaits approval" };
    const res = await post("/api/v1/escalations/esc-9/approve", {});
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: "nothing awaits approval" });
  });
});

describe("createApp: auth", () => {
  it("refuses a change without a token: 401 with WWW-Authenticate", async () => {
    const { post, control } = setup();
    const res = await post("/api/v1/pause", {}, null);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await res.json()).toMatchObject({
      code: "UNAUTHORIZED",
      error: expect.stringContaining("Bearer"),
    });
    expect(control.calls).toEqual([]);
  });

  it.each(["wrong", `${TOKEN}x`, TOKEN.slice(0, -1), ""])("refuses the wrong token %j", async (token) => {
    const { post, control } = setup();
    const res = await post("/api/v1/resume", {}, token);
    expect(res.status).toBe(401);
    expect(control.calls).toEqual([]);
  });

  it("refuses other schemes", async () => {
    const { app, control } = setup();
    const res = await app.request("/api/v1/resume", {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}` },
    });
    expect(res.status).toBe(401);
    expect(control.calls).toEqual([]);
  });

  it("accepts any configured token, whatever the scheme's case", async () => {
    const { app, control } = setup(["first", "second"]);
    const res = await app.request("/api/v1/resume", {
      method: "POST",
      headers: { Authorization: "bearer second", "Content-Type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(control.changes.map((c) => c.method)).toEqual(["resume"]);
  });

  it("leaves GET open", async () => {
    const { app } = setup();
    expect((await app.request("/api/v1/status")).status).toBe(200);
  });

  it("refuses unknown non-GET routes without a token before saying they do not exist", async () => {
    const { post } = setup();
    expect((await post("/api/v1/nothing", {}, null)).status).toBe(401);
    expect((await post("/api/v1/nothing", {})).status).toBe(404);
  });

  it("allows changes without a token when none is configured (loopback only, see assertSafeListen)", async () => {
    const { post, control } = setup([]);
    expect((await post("/api/v1/resume", {}, null)).status).toBe(200);
    expect(control.changes.map((c) => c.method)).toEqual(["resume"]);
  });
});
