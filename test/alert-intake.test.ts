import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlertingDaemon } from "./helpers/alert-fixture.js";
import { eventually, runCli, type StartedProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const TOKEN = "test-token-7f3a";

function notification(status: "firing" | "resolved", instance: string) {
  return {
    version: "4",
    groupKey: '{}:{alertname="NodeDown"}',
    truncatedAlerts: 0,
    status,
    receiver: "escalator",
    groupLabels: { alertname: "NodeDown" },
    commonLabels: { alertname: "NodeDown", instance },
    commonAnnotations: { summary: `${instance} is down` },
    externalURL: "http://alertmanager.example",
    alerts: [
      {
        status,
        labels: { alertname: "NodeDown", instance },
        annotations: { summary: `${instance} is down` },
        startsAt: "2026-11-27T10:00:00Z",
        endsAt: status === "resolved" ? "2026-11-27T10:05:00Z" : "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus.example/graph",
        fingerprint: `fp-${instance}`,
      },
    ],
  };
}

/** The real daemon's Alertmanager intake over HTTP, with a bearer token. */
describe("Alertmanager intake on a running daemon", () => {
  const dir = tmpDir("escalator-intake-");
  const config = join(dir.path, "escalator.yaml");
  const ran = join(dir.path, "ran.log");
  let daemon: StartedProcess;
  let base = "";
  const post = (path: string, body: unknown, token = TOKEN) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const history = async () =>
    JSON.parse((await runCli(["-c", config, "--json", "history"])).stdout) as {
      id: string;
      status: string;
    }[];

  beforeAll(async () => {
    ({ daemon, base } = await startAlertingDaemon({
      config,
      environment: "intake",
      ranFile: ran,
      token: TOKEN,
      extra: "max_attempts: 10",
    }));
  });

  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it("refuses a wrong token, malformed JSON and a wrong shape, changing nothing", async () => {
    expect((await post("/api/v1/alertmanager", notification("firing", "node-b"), "wrong")).status).toBe(401);
    expect((await post("/api/v1/alertmanager", "{not json")).status).toBe(400);
    expect((await post("/api/v1/alertmanager", { version: "4", alerts: "nope" })).status).toBe(400);
    const status = (await (await fetch(`${base}/api/v1/status`)).json()) as { checks: { failing: number } };
    expect(status.checks.failing).toBe(0);
  });

  it("200 copies of the same notification plan the level once, for exactly the instance named", async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => post("/api/v1/alertmanager", notification("firing", "node-b"))),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ changed: number }>));
    expect(bodies.reduce((sum, b) => sum + b.changed, 0)).toBe(1);
    await eventually(() => existsSync(ran), 15_000, "the node level to run");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(readFileSync(ran, "utf8")).toBe("node-b\n");
    const escalations = await history();
    expect(escalations).toHaveLength(1);
  });

  it("a resolved notification clears the state", async () => {
    expect((await post("/api/v1/alertmanager", notification("resolved", "node-b"))).status).toBe(200);
    await eventually(
      async () => {
        const checks = (await (await fetch(`${base}/api/v1/checks`)).json()) as {
          check: string;
          target: string;
          failing: boolean;
        }[];
        const alert = checks.find((c) => c.check === "alert:NodeDown" && c.target === "node-b");
        return alert && !alert.failing;
      },
      10_000,
      "the alert state to clear",
    );
    // The engine was backing off after the alert outlived the repair; the resolution ends that at once.
    await eventually(
      async () => (await runCli(["-c", config, "status"])).stdout.includes("CONVERGED"),
      15_000,
      "converged",
    );
    expect(readFileSync(ran, "utf8")).toBe("node-b\n");
  });
});
