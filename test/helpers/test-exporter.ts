import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type Labels = Record<string, string>;

export interface TestExporter {
  port: number;
  /** "127.0.0.1:PORT", ready to be a Prometheus scrape target. */
  address: string;
  /** Sets a gauge sample; NaN and ±Infinity are written as NaN, +Inf and -Inf. */
  set(name: string, labels: Labels, value: number): void;
  /** Removes one sample (labels given) or every sample of a metric, as a target that stops exporting it. */
  remove(name: string, labels?: Labels): void;
  /** How many times /metrics was served: lets a test wait for a scrape after a change. */
  scrapes(): number;
  stop(): Promise<void>;
}

/** A node:http server exposing gauges in the Prometheus text format at /metrics, settable at run time. */
export async function startTestExporter(): Promise<TestExporter> {
  const metrics = new Map<string, Map<string, { labels: Labels; value: number }>>();
  let scrapes = 0;

  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end("only /metrics here\n");
      return;
    }
    scrapes++;
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(render(metrics));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    address: `127.0.0.1:${port}`,
    set(name, labels, value) {
      let samples = metrics.get(name);
      if (!samples) {
        samples = new Map();
        metrics.set(name, samples);
      }
      samples.set(labelKey(labels), { labels: { ...labels }, value });
    },
    remove(name, labels) {
      if (labels === undefined) metrics.delete(name);
      else metrics.get(name)?.delete(labelKey(labels));
    },
    scrapes: () => scrapes,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function render(metrics: Map<string, Map<string, { labels: Labels; value: number }>>): string {
  const lines: string[] = [];
  for (const [name, samples] of metrics) {
    if (samples.size === 0) continue;
    lines.push(`# TYPE ${name} gauge`);
    for (const { labels, value } of samples.values()) {
      lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`,
  );
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
