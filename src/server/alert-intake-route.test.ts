import { describe, expect, it } from "vitest";
import type { IncomingAlert } from "../engine/alerts.js";
import { alertmanagerNotification } from "./alertmanager-sample.js";
import { createApp } from "./create-app.js";
import { FakeEngineControl } from "./fake-engine-control.js";

const TOKEN = "am-token";

function setup() {
  const control = new FakeEngineControl();
  const app = createApp({ control, tokens: [TOKEN] });
  const send = (body: unknown) =>
    app.request("/api/v1/alertmanager", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${TOKEN}` },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { control, send };
}

describe("POST /api/v1/alertmanager", () => {
  it("passes the alerts to the engine and answers with its intake result", async () => {
    const { control, send } = setup();
    const res = await send(alertmanagerNotification());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, routed: 1, changed: 0, ignored: [] });
    const expected: IncomingAlert = {
      fingerprint: "b1c2d3e4f5a60718",
      status: "firing",
      labels: { alertname: "NodeDown", instance: "node-1:9100", job: "node", severity: "critical" },
      annotations: { summary: "node-1 is down" },
      startsAt: "2024-05-01T10:00:00.000Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0",
    };
    expect(control.changes).toEqual([{ method: "ingestAlerts", args: [[expected]] }]);
  });

  it("passes resolved alerts on", async () => {
    const { control, send } = setup();
    expect((await send(alertmanagerNotification("resolved"))).status).toBe(200);
    expect(control.changes[0]?.args[0]).toMatchObject([{ status: "resolved" }]);
  });

  it("accepts fields Alertmanager may add, and defaults annotations and endsAt", async () => {
    const { control, send } = setup();
    const payload = alertmanagerNotification();
    const [alert] = payload.alerts;
    const { annotations: _a, endsAt: _e, ...minimal } = alert ?? {};
    const res = await send({ ...payload, newTopField: { x: 1 }, alerts: [{ ...minimal, silencedBy: [] }] });
    expect(res.status).toBe(200);
    expect(control.changes[0]?.args[0]).toMatchObject([{ annotations: {}, endsAt: "" }]);
  });

  it("lets 200 copies of the same notification all reach the engine, which dedupes them", async () => {
    const { control, send } = setup();
    const body = JSON.stringify(alertmanagerNotification());
    const responses = await Promise.all(Array.from({ length: 200 }, () => send(body)));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    const fingerprints = control.changes.map((c) => (c.args[0] as IncomingAlert[])[0]?.fingerprint);
    expect(fingerprints).toEqual(Array(200).fill("b1c2d3e4f5a60718"));
  });
});
