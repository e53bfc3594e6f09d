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

let receiver: Server;
const deliveries: Delivery[] = [];
let alertmanager: StartedAlertmanager;
let prometheus: StartedPrometheus | undefined;
let exporter: TestExporter | undefined;

beforeAll(async () => {
  if (!hasTools) return;
  receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;
  alertmanager = await startAlertmanager({
    webhookUrl: `http://127.0.0.1:${port}/api/v1/alertmanager`,
    bearerToken: TOKEN,
    groupBy: ["..."],
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
  await alertmanager?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

const deliveriesFor = (alertname: string, status: string) =>
  deliveries.filter(
    (d) => d.body.status === status && d.body.alerts.some((a) => a.labels.alertname === alertname),
  );

describe.skipIf(!hasTools)("Alertmanager harness", () => {
  it("delivers an injected alert to the webhook with the bearer token, then its resolution", async () => {
    const labels = { alertname: "Injected", instance: "node-a" };
    await alertmanager.injectAlert(labels, { summary: "node-a is down" });
    const [firing] = await eventually(
      () => {
        const found = deliveriesFor("Injected", "firing");
        return found.length > 0 ? found : undefined;
      },
      10_000,
      "a firing notification",
    );
    expect(firing?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(firing?.body).toMatchObject({
      version: "4",
      status: "firing",
      receiver: "escalator",
      alerts: [{ status: "firing", labels, fingerprint: expect.any(String) }],
    });

    await alertmanager.injectAlert(labels, {}, new Date());
    const [resolved] = await eventually(
      () => {
        const found = deliveriesFor("Injected", "resolved");
        return found.length > 0 ? found : undefined;
      },
      10_000,
      "a resolved notification",
    );
    expect(resolved?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(resolved?.body.alerts[0]?.fingerprint).toBe(firing?.body.alerts[0]?.fingerprint);
  });

  it("receives an alert rule's alert from a real Prometheus scraping the test exporter", async () => {
    exporter = await startTestExporter();
    exporter.set("node_up_test", { instance: "node-a" }, 1);
    exporter.set("node_up_test", { instance: "node-b" }, 0);
    prometheus = await startPrometheus({
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
    const [firing] = await eventually(
      () => {
        const found = deliveriesFor("TestTargetDown", "firing");
        return found.length > 0 ? found : undefined;
      },
      15_000,
      "the rule's alert",
    );
    expect(firing?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(firing?.body.alerts.map((a) => a.labels.instance)).toEqual(["node-b"]);
    expect(firing?.body.alerts[0]?.labels).toMatchObject({
      alertname: "TestTargetDown",
      severity: "page",
      job: "test",
    });
  });
});
