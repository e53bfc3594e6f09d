import { describe, expect, it } from "vitest";
import { alertmanagerNotification } from "./alertmanager-sample.js";
import { createApp } from "./create-app.js";
import { FakeEngineControl } from "./fake-engine-control.js";

const TOKEN = "t0ken";

function setup(maxBodyBytes?: number) {
  const control = new FakeEngineControl();
  const app = createApp({
    control,
    tokens: [TOKEN],
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${TOKEN}`, ...headers },
      body,
    });
  return { control, post };
}

function withAlert(change: Record<string, unknown>) {
  const payload = alertmanagerNotification();
  return { ...payload, alerts: [{ ...payload.alerts[0], ...change }] };
}

/** Every case: refused, and the engine was not told anything. */
async function expectRefused(res: Response, control: FakeEngineControl, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: unknown };
  expect(typeof body.error).toBe("string");
  expect(control.calls).toEqual([]);
  return body;
}

describe("bad input changes nothing", () => {
  it.each([
    ["truncated", '{"version":"4","alerts":['],
    ["trailing comma", '{"version":"4",}'],
    ["not JSON at all", "version=4"],
  ])("malformed JSON (%s) → 400", async (_name, text) => {
    const { control, post } = setup();
    const body = await expectRefused(await post("/api/v1/alertmanager", text), control, 400);
    expect(body).toMatchObject({ code: "MALFORMED_JSON", error: expect.stringMatching(/^malformed JSON: /) });
  });

  it.each([
    ["alerts not an array", { ...alertmanagerNotification(), alerts: { a: 1 } }, "alerts: "],
    ["version 3", { ...alertmanagerNotification(), version: "3" }, "version: "],
    ["fingerprint missing", withAlert({ fingerprint: undefined }), "alerts[0].fingerprint: "],
    [
      "fingerprint empty",
      withAlert({ fingerprint: "" }),
      "alerts[0].fingerprint: fingerprint must not be empty",
    ],
    ["status unknown", withAlert({ status: "pending" }), "alerts[0].status: "],
    ["labels not strings", withAlert({ labels: { instance: 1 } }), "alerts[0].labels.instance: "],
    ["startsAt missing", withAlert({ startsAt: undefined }), "alerts[0].startsAt: "],
    ["a JSON array", [alertmanagerNotification()], "body: "],
    ["JSON null", null, "body: "],
  ])("valid JSON with the wrong shape (%s) → 400 naming the path", async (_name, payload, problem) => {
    const { control, post } = setup();
    const body = await expectRefused(
      await post("/api/v1/alertmanager", JSON.stringify(payload)),
      control,
      400,
    );
    expect(body).toMatchObject({
      code: "INVALID_BODY",
      problems: expect.arrayContaining([expect.stringContaining(problem)]),
    });
  });

  it.each([
    ["/api/v1/pause", { for: "soon" }, "for: "],
    ["/api/v1/pause", { for: "0s" }, "for: "],
    ["/api/v1/pause", { reasn: "typo" }, "reasn"],
    ["/api/v1/silences", { check: "web" }, "for: "],
    ["/api/v1/silences", { for: "1h" }, "check: "],
    ["/api/v1/resume", { by: 7 }, "by: "],
    ["/api/v1/escalations/esc-1/reject", { reason: ["x"] }, "reason: "],
    ["/api/v1/ack", "just a string", "body: "],
  ])("control body with the wrong shape (%s %j) → 400", async (path, payload, problem) => {
    const { control, post } = setup();
    const body = await expectRefused(await post(path, JSON.stringify(payload)), control, 400);
    expect(body.error).toContain(problem);
  });

  it("a body over the size limit → 413 naming the limit", async () => {
    const { control, post } = setup(2048);
    const payload = withAlert({ annotations: { description: "x".repeat(4096) } });
    const body = await expectRefused(
      await post("/api/v1/alertmanager", JSON.stringify(payload)),
      control,
      413,
    );
    expect(body).toEqual({ code: "BODY_TOO_LARGE", error: "request body is larger than the limit of 2 KiB" });
  });

  it("a body over the default 1 MiB limit → 413, also when Content-Length announces it", async () => {
    const { control, post } = setup();
    const text = JSON.stringify(withAlert({ annotations: { description: "x".repeat(1_048_577) } }));
    await expectRefused(await post("/api/v1/alertmanager", text), control, 413);
    const announced = await post("/api/v1/ack", "{}", { "Content-Length": String(2_000_000) });
    await expectRefused(announced, control, 413);
  });

  it("a wrong token → 401 before the body is looked at", async () => {
    const { control, post } = setup();
    const res = await post("/api/v1/alertmanager", "{not json", { Authorization: "Bearer nope" });
    await expectRefused(res, control, 401);
  });

  it("a body that is not JSON by its Content-Type → 415", async () => {
    const { control, post } = setup();
    const res = await post("/api/v1/pause", "for=1h", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    const body = await expectRefused(res, control, 415);
    expect(body).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
  });

  it("an empty JSON body counts as {}; any other Content-Type is refused (a form cannot drive the API)", async () => {
    const { control, post } = setup();
    await expectRefused(await post("/api/v1/resume", "", { "Content-Type": "text/plain" }), control, 415);
    await expectRefused(
      await post("/api/v1/pause", "", { "Content-Type": "application/x-www-form-urlencoded" }),
      control,
      415,
    );
    expect((await post("/api/v1/resume", "", { "Content-Type": "application/json" })).status).toBe(200);
    expect(control.changes).toEqual([{ method: "resume", args: [{ by: "api" }] }]);
  });

  it("refuses requests a web page on another site makes, and foreign Host names when told which to answer", async () => {
    const control = new FakeEngineControl();
    const app = createApp({ control, tokens: [], allowedHosts: ["127.0.0.1", "localhost"] });
    const json = { "Content-Type": "application/json" };
    const crossSite = await app.request("http://127.0.0.1:8470/api/v1/pause", {
      method: "POST",
      headers: { ...json, "Sec-Fetch-Site": "cross-site" },
      body: "{}",
    });
    expect(crossSite.status).toBe(403);
    const foreignOrigin = await app.request("http://127.0.0.1:8470/api/v1/pause", {
      method: "POST",
      headers: { ...json, Origin: "https://evil.example" },
      body: "{}",
    });
    expect(foreignOrigin.status).toBe(403);
    const rebound = await app.request("http://evil.example:8470/api/v1/status", {
      headers: { Host: "evil.example:8470" },
    });
    expect(rebound.status).toBe(403);
    expect(control.changes).toEqual([]);
    const local = await app.request("http://127.0.0.1:8470/api/v1/pause", {
      method: "POST",
      headers: { ...json, Host: "127.0.0.1:8470" },
      body: "{}",
    });
    expect(local.status).toBe(200);
  });

  it("lists at most 20 problems in the message", async () => {
    const { control, post } = setup();
    const payload = { version: "4", alerts: Array.from({ length: 30 }, () => ({})) };
    const body = (await expectRefused(
      await post("/api/v1/alertmanager", JSON.stringify(payload)),
      control,
      400,
    )) as { error: string; problems: string[] };
    expect(body.problems).toHaveLength(20);
    expect(body.error).toMatch(/; and \d+ more$/);
  });
});
