import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, eventually, runCli, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const QUIESCENCE_MS = 500;

interface Step {
  level: string;
  target: string;
  role: string;
  status: string;
  startedAt: number;
  endedAt: number | null;
}
interface Escalation {
  id: string;
  status: string;
  startedAt: number;
  endedAt: number | null;
  steps: Step[];
}

/**
 * kill -9 at 20 random points during escalations, restarting each time. Afterwards every
 * recorded step is intact and finished, and no escalation started without a fresh quiescence
 * window after the restart before it: nothing completed ran again without a new observation.
 */
describe("kill -9 at random points", () => {
  const dir = tmpDir("escalator-chaos-");
  const config = join(dir.path, "escalator.yaml");
  const healthy = join(dir.path, "healthy");
  const pids = join(dir.path, "pids");
  mkdirSync(pids);
  let daemon: StartedProcess | undefined;

  writeFileSync(
    join(dir.path, "step.mjs"),
    `import { rmSync, writeFileSync } from "node:fs";
const pidFile = ${JSON.stringify(pids)} + "/" + process.pid;
writeFileSync(pidFile, "");
await new Promise((r) => setTimeout(r, 250));
if (process.env.ESCALATOR_LEVEL === "deploy") writeFileSync(${JSON.stringify(healthy)}, "ok");
console.log("done", process.env.ESCALATOR_LEVEL, process.env.ESCALATOR_TARGET);
rmSync(pidFile, { force: true });
`,
  );
  writeFileSync(
    join(dir.path, "check.mjs"),
    `import { existsSync } from "node:fs";
if (existsSync(${JSON.stringify(healthy)})) { console.log("OK"); process.exit(0); }
console.log("CRITICAL - not deployed"); process.exit(2);
`,
  );
  writeFileSync(
    config,
    `environment: chaos
quiescence: ${QUIESCENCE_MS}ms
cycle_backoff: { initial: 200ms, max: 500ms }
max_attempts: 50
rate_limit: { max: 1000, per: 1h }
targets:
  web: [web-1, web-2]
levels:
  - name: tier
    run: [node, step.mjs]
  - name: node
    for_each: web
    run: [node, step.mjs]
  - name: deploy
    run: [node, step.mjs]
checks:
  - name: smoke
    command: [node, check.mjs]
    every: 200ms
    level: tier
`,
  );

  /** Kills step processes a killed daemon left behind, as a host restart would. */
  const killOrphans = () => {
    for (const pid of readdirSync(pids)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {}
      rmSync(join(pids, pid), { force: true });
    }
  };

  afterAll(async () => {
    await daemon?.stop("SIGKILL");
    killOrphans();
    dir.remove();
  });

  it("keeps every step intact and never acts without a fresh observation", { timeout: 150_000 }, async () => {
    const starts: number[] = [];
    for (let round = 0; round < 20; round++) {
      rmSync(healthy, { force: true });
      starts.push(Date.now());
      daemon = startProcess([process.execPath, BIN, "-c", config, "run", "--listen", "127.0.0.1:0"]);
      await daemon.waitFor(/escalator running/, 20_000);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1_700));
      await daemon.stop("SIGKILL");
      killOrphans();
    }
    // A last, undisturbed run converges.
    rmSync(healthy, { force: true });
    const finalStart = Date.now();
    starts.push(finalStart);
    daemon = startProcess([process.execPath, BIN, "-c", config, "run", "--listen", "127.0.0.1:0"]);
    await eventually(
      async () => {
        const list = JSON.parse(
          (await runCli(["-c", config, "--json", "history", "-n", "1000"])).stdout,
        ) as Escalation[];
        // An escalation of an earlier, killed round may have succeeded too: wait for this run's own.
        return list[0]?.status === "succeeded" && list[0].startedAt >= finalStart;
      },
      30_000,
      "a final successful escalation",
    );
    await daemon.stop();
    expect(readFileSync(healthy, "utf8")).toBe("ok");

    const list = JSON.parse(
      (await runCli(["-c", config, "--json", "history", "-n", "1000"])).stdout,
    ) as Escalation[];
    const escalations = await Promise.all(
      list.map(
        async (e) =>
          JSON.parse((await runCli(["-c", config, "--json", "history", e.id])).stdout) as Escalation,
      ),
    );
    expect(escalations.length).toBeGreaterThan(5);
    // Every escalation and step is finished: succeeded, failed, or marked interrupted on restart.
    for (const e of escalations) {
      expect(["succeeded", "failed", "interrupted"], `${e.id} ${e.status}`).toContain(e.status);
      expect(e.endedAt).not.toBeNull();
      for (const step of e.steps) {
        expect(step.endedAt, `${e.id} ${step.level} ${step.target}`).not.toBeNull();
        expect(["succeeded", "failed", "interrupted", "timed-out"]).toContain(step.status);
      }
      // Within one escalation no (level, target) succeeded twice.
      const done = e.steps.filter((s) => s.status === "succeeded").map((s) => `${s.level}@${s.target}`);
      expect(new Set(done).size, e.id).toBe(done.length);
    }
    // Each escalation began only after a full quiescence window since the daemon run that made it.
    for (const e of escalations) {
      const started = Math.max(...starts.filter((s) => s <= e.startedAt));
      expect(e.startedAt - started, e.id).toBeGreaterThanOrEqual(QUIESCENCE_MS);
    }
    expect(escalations.filter((e) => e.status === "interrupted").length).toBeGreaterThan(0);
  });
});
