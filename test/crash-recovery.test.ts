import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, eventually, runCli, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

interface EscalationJson {
  id: string;
  status: string;
  outcome: string | null;
  steps?: { status: string; attempt: number }[];
}

/**
 * kill -9 of the daemon in the middle of a step, then a restart: the running escalation is
 * marked interrupted, nothing recorded is lost, and the engine observes a fresh quiescence
 * window before it acts again.
 */
describe("daemon killed with kill -9 mid-step", () => {
  const dir = tmpDir("escalator-crash-");
  const config = join(dir.path, "escalator.yaml");
  const healthy = join(dir.path, "healthy");
  const started = join(dir.path, "step-started");
  const processes: StartedProcess[] = [];

  // The check passes once the file "healthy" exists. The repair action records that it
  // started, then (first run only) hangs long enough to be killed mid-step.
  writeFileSync(
    join(dir.path, "repair.mjs"),
    `import { appendFileSync, existsSync, writeFileSync } from "node:fs";
const first = !existsSync(${JSON.stringify(started)});
if (first) writeFileSync(${JSON.stringify(join(dir.path, "orphan.pid"))}, String(process.pid));
appendFileSync(${JSON.stringify(started)}, process.env.ESCALATOR_ESCALATION_ID + "\\n");
if (first) await new Promise((r) => setTimeout(r, 60_000));
writeFileSync(${JSON.stringify(healthy)}, "ok");
`,
  );
  writeFileSync(
    join(dir.path, "check.mjs"),
    `import { existsSync } from "node:fs";
if (existsSync(${JSON.stringify(healthy)})) { console.log("OK - healthy"); process.exit(0); }
console.log("CRITICAL - not healthy"); process.exit(2);
`,
  );
  writeFileSync(
    config,
    `environment: crash
quiescence: 1500ms
levels:
  - name: repair
    run: [node, repair.mjs]
    timeout: 2m
checks:
  - name: health
    command: [node, check.mjs]
    every: 300ms
    level: repair
`,
  );

  afterAll(async () => {
    for (const p of processes) await p.stop("SIGKILL");
    // The first repair step outlived the killed daemon (its own process group); end it.
    try {
      process.kill(Number(readFileSync(join(dir.path, "orphan.pid"), "utf8")), "SIGKILL");
    } catch {}
    dir.remove();
  });

  it("marks the escalation interrupted, keeps its step, and observes afresh before acting", async () => {
    const first = startProcess([process.execPath, BIN, "-c", config, "run", "--listen", "127.0.0.1:0"]);
    processes.push(first);
    await eventually(() => existsSync(started), 20_000, "the repair step to start");
    first.child.kill("SIGKILL");
    await first.stop("SIGKILL");

    const before = JSON.parse((await runCli(["-c", config, "--json", "history"])).stdout) as EscalationJson[];
    expect(before).toHaveLength(1);
    expect(before[0]?.status).toBe("running");
    const crashedId = before[0]?.id as string;

    const restartedAt = Date.now();
    const second = startProcess([process.execPath, BIN, "-c", config, "run", "--listen", "127.0.0.1:0"]);
    processes.push(second);
    await second.waitFor(/marked interrupted/);

    const crashed = JSON.parse(
      (await runCli(["-c", config, "--json", "history", crashedId])).stdout,
    ) as EscalationJson;
    expect(crashed.status).toBe("interrupted");
    expect(crashed.outcome).toMatch(/interrupted/);
    expect(crashed.steps?.map((s) => s.status)).toEqual(["interrupted"]);

    // A new escalation runs only after a fresh quiescence window, and succeeds.
    const history = await eventually(
      async () => {
        const list = JSON.parse(
          (await runCli(["-c", config, "--json", "history"])).stdout,
        ) as (EscalationJson & { startedAt: number })[];
        return list.length === 2 && list[0]?.status === "succeeded" ? list : undefined;
      },
      20_000,
      "a new successful escalation",
    );
    expect((history[0]?.startedAt ?? 0) - restartedAt).toBeGreaterThanOrEqual(1_500);
    expect(history[1]).toMatchObject({ id: crashedId, status: "interrupted" });
    expect(second.output()).toMatch(/failure observed; quiescing/);
  });
});
