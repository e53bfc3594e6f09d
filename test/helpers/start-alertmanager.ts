import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findTool } from "./require-tool.js";
import { startReadyServer } from "./start-ready-server.js";
import { tmpDir } from "./tmp-dir.js";

export interface AlertmanagerOptions {
  /** Where the one receiver's webhook posts, e.g. Escalator's /api/v1/alertmanager. */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer TOKEN` through http_config.authorization. */
  bearerToken?: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  /** Route grouping; default ["alertname"]. ["..."] sends one notification per alert. */
  groupBy?: string[];
}

export interface StartedAlertmanager {
  url: string;
  port: number;
  /**
   * Posts one alert to /api/v2/alerts, as Prometheus would. Without endsAt Alertmanager keeps
   * it firing for resolve_timeout; an endsAt in the past resolves it.
   */
  injectAlert(
    labels: Record<string, string>,
    annotations?: Record<string, string>,
    endsAt?: Date,
  ): Promise<void>;
  /** Stops Alertmanager and removes its config and storage. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's /usr/bin/prometheus-alertmanager on a free loopback port, without clustering,
 * with one webhook receiver (send_resolved) and its config and storage in a temporary folder.
 */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<StartedAlertmanager> {
  const binary = findTool("prometheus-alertmanager");
  if (binary === undefined) {
    throw new Error("prometheus-alertmanager not found: apt-get install prometheus-alertmanager");
  }
  const dir = tmpDir("escalator-alertmanager-");
  const webhook: Record<string, unknown> = { url: options.webhookUrl, send_resolved: true };
  if (options.bearerToken !== undefined) {
    webhook.http_config = { authorization: { type: "Bearer", credentials: options.bearerToken } };
  }
  const config = {
    route: {
      receiver: "escalator",
      group_by: options.groupBy ?? ["alertname"],
      group_wait: options.groupWait ?? "1s",
      group_interval: options.groupInterval ?? "1s",
      repeat_interval: options.repeatInterval ?? "1h",
    },
    receivers: [{ name: "escalator", webhook_configs: [webhook] }],
  };
  // JSON is YAML.
  writeFileSync(join(dir.path, "alertmanager.yml"), JSON.stringify(config, null, 2));
  mkdirSync(join(dir.path, "data"));

  let server: Awaited<ReturnType<typeof startReadyServer>>;
  try {
    server = await startReadyServer("prometheus-alertmanager", (listen) => [
      binary,
      `--config.file=${join(dir.path, "alertmanager.yml")}`,
      `--storage.path=${join(dir.path, "data")}`,
      `--web.listen-address=${listen}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ]);
  } catch (error) {
    dir.remove();
    throw error;
  }

  return {
    url: server.url,
    port: server.port,
    async injectAlert(labels, annotations = {}, endsAt) {
      const alert: Record<string, unknown> = { labels, annotations };
      if (endsAt !== undefined) alert.endsAt = endsAt.toISOString();
      const response = await fetch(`${server.url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([alert]),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`alertmanager refused the alert: HTTP ${response.status} ${text}`);
    },
    async stop() {
      await server.stop();
      dir.remove();
    },
  };
}
