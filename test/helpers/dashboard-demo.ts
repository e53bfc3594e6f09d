import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";
import { BIN, type StartedProcess, startProcess } from "./start-process.js";
import { tmpDir } from "./tmp-dir.js";

const DEMO = fileURLToPath(new URL("../../examples/local", import.meta.url));

export interface DashboardDemo {
  /** http://127.0.0.1:<port> of the daemon's API and dashboard. */
  url: string;
  token: string;
  targets: string[];
  daemon: StartedProcess;
  /** Kills one demo node with the demo's own script, as a crash would. */
  breakNode(target: string): string;
  /** Stops the daemon (the demo nodes keep running); `startDaemon` brings it back on the same port. */
  stopDaemon(): Promise<void>;
  startDaemon(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local demo (examples/local) copied to a temp folder with free node ports, an API token
 * file, and the daemon listening on a free loopback port.
 */
export async function startDashboardDemo(): Promise<DashboardDemo> {
  const dir = tmpDir("escalator-dashboard-");
  const config = join(dir.path, "escalator.yaml");
  cpSync(DEMO, dir.path, { recursive: true, filter: (src) => !/\.run|\.escalator/.test(src) });
  const targets = [
    `127.0.0.1:${await freePort()}`,
    `127.0.0.1:${await freePort()}`,
    `127.0.0.1:${await freePort()}`,
  ];
  const token = `dashboard-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir.path, "api-token"), `${token}\n`, { mode: 0o600 });
  const yaml = readFileSync(config, "utf8").replace(/list: \[.*\]/, `list: ${JSON.stringify(targets)}`);
  writeFileSync(config, `${yaml}\napi:\n  token_file: api-token\n`);
  const port = await freePort();
  const launch = () =>
    startProcess([process.execPath, BIN, "-c", config, "run", "--listen", `127.0.0.1:${port}`], {
      env: { ESCALATOR_API_TOKEN: "" },
    });
  let daemon = launch();
  const stop = async () => {
    await daemon.stop();
    for (const target of targets) {
      try {
        const pid = Number(readFileSync(join(dir.path, ".run", `node-${target.split(":")[1]}.pid`), "utf8"));
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    dir.remove();
  };
  try {
    await daemon.waitFor(/"msg":"API listening"/, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    targets,
    get daemon() {
      return daemon;
    },
    async stopDaemon() {
      await daemon.stop();
    },
    async startDaemon() {
      daemon = launch();
      await daemon.waitFor(/"msg":"API listening"/, 30_000);
    },
    breakNode: (target) =>
      execFileSync(process.execPath, [join(dir.path, "ops", "break-node.mjs"), target], { encoding: "utf8" }),
    stop,
  };
}
