import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findTool } from "./require-tool.js";
import { startReadyServer } from "./start-ready-server.js";
import { tmpDir } from "./tmp-dir.js";

export interface PrometheusOptions {
  /** host:port of each target, scraped at /metrics as job "test" with honor_labels (exported `instance` wins). */
  scrapeTargets: string[];
  /** Text of one rule file (YAML), e.g. an alerting rule. */
  rules?: string;
  /** Where to send alerts, e.g. http://127.0.0.1:9093. Firing alerts are re-sent every second. */
  alertmanagerUrl?: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** More command-line flags, e.g. --query.max-concurrency=1. */
  extraArgs?: string[];
}

export interface StartedPrometheus {
  url: string;
  port: number;
  /** The TSDB folder; queries.active in it lists the queries running now. */
  dataDir: string;
  /** Runs an instant query (GET) and returns data.result; throws unless the status is success. */
  query(promql: string): Promise<unknown>;
  /** Stops Prometheus and removes its config and TSDB. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's /usr/bin/prometheus on a free loopback port with its config and TSDB in a
 * temporary folder. Resolves once /-/ready answers and every scrape target was scraped once,
 * so the first query already sees their series. Prometheus 2.42 applies scrape targets ~5 s
 * after start (its discovery and scrape managers update on a 5 s tick), so that is the floor.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<StartedPrometheus> {
  const binary = findTool("prometheus");
  if (binary === undefined) throw new Error("prometheus not found: apt-get install prometheus");
  const dir = tmpDir("escalator-prometheus-");
  const scrapeInterval = options.scrapeInterval ?? "1s";
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: scrapeInterval,
      scrape_timeout: scrapeInterval,
      evaluation_interval: options.evaluationInterval ?? "1s",
    },
    scrape_configs: [
      { job_name: "test", honor_labels: true, static_configs: [{ targets: options.scrapeTargets }] },
    ],
  };
  if (options.rules !== undefined) {
    writeFileSync(join(dir.path, "rules.yml"), options.rules);
    config.rule_files = [join(dir.path, "rules.yml")];
  }
  if (options.alertmanagerUrl !== undefined) {
    const am = new URL(options.alertmanagerUrl);
    config.alerting = {
      alertmanagers: [
        {
          scheme: am.protocol.replace(":", ""),
          path_prefix: am.pathname,
          api_version: "v2",
          static_configs: [{ targets: [am.host] }],
        },
      ],
    };
  }
  // JSON is YAML.
  writeFileSync(join(dir.path, "prometheus.yml"), JSON.stringify(config, null, 2));
  mkdirSync(join(dir.path, "data"));

  let server: Awaited<ReturnType<typeof startReadyServer>>;
  try {
    server = await startReadyServer("prometheus", (listen) => [
      binary,
      `--config.file=${join(dir.path, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir.path, "data")}`,
      `--web.listen-address=${listen}`,
      "--log.level=warn",
      // The default 1m would delay a firing alert by a minute when it fired before Prometheus
      // had discovered the Alertmanager (its discovery publishes after ~5 s).
      ...(options.alertmanagerUrl !== undefined ? ["--rules.alert.resend-delay=1s"] : []),
      ...(options.extraArgs ?? []),
    ]);
  } catch (error) {
    dir.remove();
    throw error;
  }

  const query = async (promql: string): Promise<unknown> => {
    const response = await fetch(`${server.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data?: { result: unknown }; error?: string };
    if (body.status !== "success") throw new Error(`query ${promql} failed: ${body.error}`);
    return body.data?.result;
  };
  const stop = async () => {
    await server.stop();
    dir.remove();
  };

  if (options.scrapeTargets.length > 0) {
    try {
      await waitForFirstScrapes(query, options.scrapeTargets.length);
    } catch (error) {
      await stop();
      throw new Error(`prometheus did not scrape its targets: ${String(error)}\n${server.process.output()}`);
    }
  }
  return { url: server.url, port: server.port, dataDir: join(dir.path, "data"), query, stop };
}

async function waitForFirstScrapes(query: (promql: string) => Promise<unknown>, count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const result = await query('up{job="test"}');
    if (Array.isArray(result) && result.length >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${JSON.stringify(result)} after 15s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
