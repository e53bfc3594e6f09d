import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers/free-port.js";
import { BIN, eventually, runCli, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const DEMO = fileURLToPath(new URL("../examples/local", import.meta.url));

interface StatusJson {
  daemon: { running: boolean };
  engine: { state: string } | null;
  checks: { check: string; target: string; failing: boolean }[];
}
interface EscalationJson {
  id: string;
  status: string;
  plan: string;
  startedAt: number;
  endedAt: number | null;
}

/** The local demo, copied to a temp folder with free ports, run by the real daemon. */
describe("the local demo", () => {
  const dir = tmpDir("escalator-demo-");
  const config = join(dir.path, "escalator.yaml");
  let targets: string[] = [];
  let daemon: StartedProcess;
  const status = async () =>
    JSON.parse((await runCli(["-c", config, "--json", "status"])).stdout) as StatusJson;

  beforeAll(async () => {
    cpSync(DEMO, dir.path, { recursive: true, filter: (src) => !/\.run|\.escalator/.test(src) });
    targets = [
      `127.0.0.1:${await freePort()}`,
      `127.0.0.1:${await freePort()}`,
      `127.0.0.1:${await freePort()}`,
    ];
    const yaml = readFileSync(config, "utf8").replace(/list: \[.*\]/, `list: ${JSON.stringify(targets)}`);
    writeFileSync(config, yaml);
    daemon = startProcess([process.execPath, BIN, "-c", config, "run", "--listen", "127.0.0.1:0"]);
  });

  afterAll(async () => {
    await daemon?.stop();
    for (const target of targets) {
      try {
        const pid = Number(readFileSync(join(dir.path, ".run", `node-${target.split(":")[1]}.pid`), "utf8"));
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    dir.remove();
  });

  it("builds the environment from nothing: every node, then deploy", { timeout: 60_000 }, async () => {
    await eventually(
      async () => (await status()).engine?.state === "converged" && (await status()).checks.length === 6,
      30_000,
      "converged",
    );
    const history = JSON.parse(
      (await runCli(["-c", config, "--json", "history"])).stdout,
    ) as EscalationJson[];
    expect(history).toHaveLength(1);
    expect(history[0]?.status).toBe("succeeded");
    const plan = JSON.parse(history[0]?.plan ?? "{}") as { levels: { level: string; targets: string[] }[] };
    expect(plan.levels.map((l) => l.level)).toEqual(["node", "deploy"]);
    expect(plan.levels[0]?.targets).toEqual(targets);
    // Logs are JSON lines; pino's numeric `level` is never overwritten by a ladder level's name.
    const logs = daemon
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map(
        (line) => JSON.parse(line) as { level: unknown; msg: string; ladderLevel?: string; target?: string },
      );
    expect(logs.every((entry) => typeof entry.level === "number")).toBe(true);
    const started = logs.filter((entry) => entry.msg === "step started");
    expect(started.map((entry) => [entry.ladderLevel, entry.target ?? null])).toEqual([
      ...targets.map((target) => ["node", target]),
      ["deploy", null],
    ]);
  });

  it("heals a killed node within quiescence plus the action's time, replacing only that node", async () => {
    const victim = targets[1] as string;
    const killedAt = Date.now();
    const said = execFileSync(process.execPath, [join(dir.path, "ops", "break-node.mjs"), victim], {
      encoding: "utf8",
    });
    expect(said).toContain(`killed ${victim}`);

    // Quiescence 5 s + check every 2 s + a node start (< 5 s) + verification: well inside 25 s.
    const healed = await eventually(
      async () => {
        const history = JSON.parse(
          (await runCli(["-c", config, "--json", "history"])).stdout,
        ) as EscalationJson[];
        return history.length === 2 && history[0]?.status === "succeeded" ? history[0] : undefined;
      },
      25_000,
      "a second, successful escalation",
    );
    const plan = JSON.parse(healed.plan) as { levels: { level: string; targets: string[] }[] };
    expect(plan.levels.map((l) => [l.level, l.targets])).toEqual([
      ["node", [victim]],
      ["deploy", []],
    ]);
    // It waited out the quiescence window before acting.
    expect(healed.startedAt - killedAt).toBeGreaterThanOrEqual(5_000);
    const after = await status();
    expect(after.engine?.state).toBe("converged");
    expect(after.checks.every((c) => !c.failing)).toBe(true);
    const served = await fetch(`http://${victim}/`);
    expect(await served.text()).toContain("release 1.0.0");
  });
});
