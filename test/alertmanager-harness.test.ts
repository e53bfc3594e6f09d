import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "./helpers/require-tool.js";
import { type StartedAlertmanager, startAlertmanager } from "./helpers/start-alertmanager.js";
import { eventually } from "./helpers/start-process.js";
import { type StartedPrometheus, startPrometheus } from "./helpers/start-prometheus.js";
import { startTestExporter, type TestExporter } from "./helpers/test-exporter.js";

interface Delivery {
  headers: IncomingHttpHeaders;
  body: {
    version: string;
    status: string;
    receiver: string;
    alerts: { status: string; labels: Record<string, string>; fingerprint: string }[];
  };
}

const hasTools =
  requireTool("prometheus-alertmanager") !== undefined && requireTool("prometheus") !== undefined;
const TOKEN = "s3cret-token";

let receiver: Server | undefined;
const deliveries: Delivery[] = [];
let alertmanager: StartedAlertmanager;
let exporter: TestExporter | undefined;
/** Started in beforeAll, awaited by the test that needs it: Prometheus 2.42 scrapes only after ~5 s. */
let prometheusStarting: Promise<StartedPrometheus> | undefined;

beforeAll(async () => {
  if (!hasTools) return;
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(200).end();
    });
  });
  receiver = server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  alertmanager = await startAlertmanager({
    webhookUrl: `http://127.0.0.1:${port}/api/v1/alertmanager`,
    bearerToken: TOKEN,
    groupBy: ["..."],
  });

  exporter = await startTestExporter();
  exporter.set("node_up_test", { instance: "node-a" }, 1);
  exporter.set("node_up_test", { instance: "node-b" }, 0);
  prometheusStarting = startPrometheus({
    scrapeTargets: [exporter.address],
    alertmanagerUrl: alertmanager.url,
    rules: [
      "groups:",
      "  - name: test",
      "    rules:",
      "      - alert: TestTargetDown",
      "        expr: node_up_test == 0",
      "        labels: { severity: page }",
    ].join("\n"),
  });
  // The test that awaits it reports a failure; this keeps it from being unhandled meanwhile.
  prometheusStarting.catch(() => {});
});

afterAll(async () => {
  await (await prometheusStarting?.catch(() => undefined))?.stop();
  await exporter?.stop();
  await alertmanager?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
});

/** Resolves with the first notification of that status naming the alert. */
const delivered = (alertname: string, status: string) =>
  eventually(
    () =>
      deliveries.find(
        (d) => d.body.status === status && d.body.alerts.some((a) => a.labels.alertname === alertname),
      ),
    15_000,
    `a ${status} notification for ${alertname}`,
  );

describe.skipIf(!hasTools)("Alertmanager harness", () => {
  it("delivers an injected alert to the webhook with the bearer token, then its resolution", async () => {
    const labels = { alertname: "Injected", instance: "node-a" };
    await alertmanager.injectAlert(labels, { summary: "node-a is down" });
    const firing = await delivered("Injected", "firing");
    expect(firing.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(firing.body).toMatchObject({
      version: "4",
      status: "firing",
      receiver: "escalator",
      alerts: [{ status: "firing", labels, fingerprint: expect.any(String) }],
    });

    await alertmanager.injectAlert(labels, {}, new Date());
    const resolved = await delivered("Injected", "resolved");
    expect(resolved.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(resolved.body.alerts[0]?.fingerprint).toBe(firing.body.alerts[0]?.fingerprint);
  });

  it("receives an alert rule's alert from a real Prometheus scraping the test exporter", async () => {
    await prometheusStarting;
    const firing = await delivered("TestTargetDown", "firing");
    expect(firing.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(firing.body.alerts.map((a) => a.labels.instance)).toEqual(["node-b"]);
    expect(firing.body.alerts[0]?.labels).toMatchObject({
      alertname: "TestTargetDown",
      severity: "page",
      job: "test",
    });
  });
});
