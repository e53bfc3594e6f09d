import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers/free-port.js";
import { BIN, eventually, runCli, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const TOKEN = "cli-token-42";

/** pause, resume, silence and approve from the CLI, through a running daemon's API. */
describe("control commands against a running daemon", () => {
  const dir = tmpDir("escalator-control-");
  const config = join(dir.path, "escalator.yaml");
  const broken = join(dir.path, "broken");
  const ran = join(dir.path, "ran.log");
  const env = { ESCALATOR_API_TOKEN: TOKEN };
  let daemon: StartedProcess;
  const cli = (...args: string[]) => runCli(["-c", config, ...args], { env });

  beforeAll(async () => {
    const port = await freePort();
    writeFileSync(
      config,
      `environment: control
quiescence: 300ms
listen: 127.0.0.1:${port}
levels:
  - name: deploy
    approve: true
    run: [node, -e, "require('fs').appendFileSync(process.argv[1], 'deploy\\\\n'); require('fs').rmSync(process.argv[2], { force: true })", ${JSON.stringify(ran)}, ${JSON.stringify(broken)}]
checks:
  - name: smoke
    command: [node, -e, "if (require('fs').existsSync(process.argv[1])) { console.log('CRITICAL - broken'); process.exit(2) } console.log('OK')", ${JSON.stringify(broken)}]
    every: 200ms
    level: deploy
`,
    );
    daemon = startProcess([process.execPath, BIN, "-c", config, "run"], { env });
    await daemon.waitFor(/API listening/);
  });

  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it("pause holds escalation and shows who and why; resume lets it go, up to the approval gate", async () => {
    const paused = await cli("pause", "--for", "1h", "--reason", "database upgrade", "--by", "alice");
    expect(paused.code).toBe(0);
    expect(paused.stdout).toBe("paused for 1h\n");
    writeFileSync(broken, "");
    await eventually(
      async () => (await cli("status")).stdout.includes("PAUSED by alice"),
      10_000,
      "status to show the pause",
    );
    const status = (await cli("status")).stdout;
    expect(status).toMatch(
      /PAUSED by alice since .*, until .* \(\d+m\d*s? left\)|PAUSED by alice since .*: database upgrade/,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(existsSync(ran)).toBe(false);

    expect((await cli("resume", "--by", "alice")).stdout).toBe("resumed\n");
    const waiting = await eventually(
      async () => {
        const out = (await cli("status")).stdout;
        return /escalator approve (\S+)/.exec(out)?.[1];
      },
      10_000,
      "the level to wait for approval",
    );
    expect(existsSync(ran)).toBe(false);
    expect((await cli("approve", "nope-id")).code).toBe(1);
    const approved = await cli("approve", waiting, "--by", "bob");
    expect(approved.code).toBe(0);
    expect(approved.stdout).toBe(`approved level deploy of ${waiting}\n`);
    await eventually(() => existsSync(ran), 10_000, "deploy to run");
    expect(readFileSync(ran, "utf8")).toBe("deploy\n");
  });

  it("a silenced check still runs and is recorded but does not escalate", async () => {
    const silenced = await cli("silence", "smoke", "--for", "10m", "--reason", "known issue");
    expect(silenced.code).toBe(0);
    expect(silenced.stdout).toMatch(/^silence #\d+: smoke for 10m\n$/);
    rmSync(ran, { force: true });
    writeFileSync(broken, "");
    await eventually(
      async () => (await cli("status")).stdout.includes("silenced: smoke"),
      10_000,
      "status to show the silence",
    );
    await eventually(
      async () => {
        const checks = JSON.parse((await cli("--json", "status")).stdout) as {
          checks: { check: string; state: string }[];
        };
        return checks.checks.find((c) => c.check === "smoke")?.state === "CRITICAL";
      },
      10_000,
      "the failure to be recorded",
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(existsSync(ran)).toBe(false);
    expect((await cli("silence", "no-such-check", "--for", "1m")).code).toBe(1);
  });
});
