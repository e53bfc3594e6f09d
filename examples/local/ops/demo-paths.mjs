// Where the demo keeps its runtime state: pid files, the deployed release, pages.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const demoDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const runDir = process.env.ESCALATOR_DEMO_RUN_DIR ?? join(demoDir, ".run");
mkdirSync(runDir, { recursive: true });

export const releaseFile = join(runDir, "release");
export const pidFile = (port) => join(runDir, `node-${port}.pid`);

/** "127.0.0.1:18082" → { host, port }; anything else is refused. */
export function parseTarget(target) {
  const match = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(target ?? "");
  if (!match) {
    console.error(`not a demo target: ${JSON.stringify(target)} (expected 127.0.0.1:PORT)`);
    process.exit(2);
  }
  return { host: match[1], port: Number(match[2]) };
}
