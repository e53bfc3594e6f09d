import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlertingDaemon } from "./helpers/alert-fixture.js";
import { requireTool } from "./helpers/require-tool.js";
import { type StartedAlertmanager, startAlertmanager } from "./helpers/start-alertmanager.js";
import { eventually, runCli, type StartedProcess } from "./helpers/start-process.js";
import { type StartedPrometheus, startPrometheus } from "./helpers/start-prometheus.js";
import { startTestExporter, type TestExporter } from "./helpers/test-exporter.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const hasTools =
  requireTool("prometheus") !== undefined && requireTool("prometheus-alertmanager") !== undefined;
const TOKEN = "e2e-token-91c2";

/**
 * The whole chain with real components: Prometheus scrapes an exporter, an alert rule fires
 * when a target goes down, Alertmanager delivers it to Escalator's intake with a bearer token,
 * and the mapped level runs for exactly the instance named in the alert. When the target
 * recovers the alert resolves and the state clears.
 */
describe.skipIf(!hasTools)("Prometheus → Alertmanager → Escalator", () => {
  const dir = tmpDir("escalator-e2e-");
  const config = join(dir.path, "escalator.yaml");
  const ran = join(dir.path, "ran.log");
  let exporter: TestExporter;
  let daemon: StartedProcess;
  let alertmanager: StartedAlertmanager;
  let prometheus: StartedPrometheus;

  beforeAll(async () => {
    let base: string;
    ({ daemon, base } = await startAlertingDaemon({
      config,
      environment: "e2e",
      ranFile: ran,
      token: TOKEN,
    }));
    alertmanager = await startAlertmanager({
      webhookUrl: `${base}/api/v1/alertmanager`,
      bearerToken: TOKEN,
      groupBy: ["..."],
    });
    exporter = await startTestExporter();
    for (const instance of ["node-a", "node-b", "node-c"]) exporter.set("node_healthy", { instance }, 1);
    prometheus = await startPrometheus({
      scrapeTargets: [exporter.address],
      alertmanagerUrl: alertmanager.url,
      rules: [
        "groups:",
        "  - name: e2e",
        "    rules:",
        "      - alert: NodeDown",
        "        expr: node_healthy == 0",
        "        annotations: { summary: '{{ $labels.instance }} is down' }",
      ].join("\n"),
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await exporter?.stop();
    await daemon?.stop();
    dir.remove();
  });

  it("runs the mapped level for exactly the instance in the alert, and clears when it resolves", {
    timeout: 90_000,
  }, async () => {
    exporter.set("node_healthy", { instance: "node-b" }, 0);
    await eventually(() => existsSync(ran), 45_000, "the node level to run");
    expect(readFileSync(ran, "utf8")).toBe("node-b\n");

    // The repair worked: the target is healthy again, the rule stops firing, Alertmanager resolves.
    exporter.set("node_healthy", { instance: "node-b" }, 1);
    await eventually(
      async () => {
        const status = await runCli(["-c", config, "--json", "status"]);
        const parsed = JSON.parse(status.stdout) as {
          engine: { state: string };
          checks: { check: string; target: string; failing: boolean }[];
        };
        const alert = parsed.checks.find((c) => c.check === "alert:NodeDown" && c.target === "node-b");
        return alert && !alert.failing && parsed.engine.state === "converged";
      },
      45_000,
      "the alert to resolve and the environment to converge",
    );
    expect(readFileSync(ran, "utf8")).toBe("node-b\n");
    const transitions = JSON.parse(
      (await runCli(["-c", config, "--json", "history", "--transitions"])).stdout,
    ) as {
      check: string;
      target: string;
      toState: string;
    }[];
    expect(
      transitions.filter((t) => t.check === "alert:NodeDown").map((t) => `${t.target}:${t.toState}`),
    ).toEqual(["node-b:OK", "node-b:CRITICAL"]);
  });
});
