import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, eventually, runCli, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const dir = tmpDir("escalator-cli-");
afterAll(() => dir.remove());

function writeConfig(name: string, text: string): string {
  const file = join(dir.path, name);
  writeFileSync(file, text);
  return file;
}

const passing = writeConfig(
  "passing.yaml",
  `environment: cli
levels:
  - name: deploy
    run: [node, -e, "0"]
checks:
  - name: always-ok
    command: [node, -e, "console.log('OK - fine | t=1s;2;3')"]
    level: deploy
`,
);

describe("escalator CLI", () => {
  it("--help for every command shows examples and exits 0", async () => {
    for (const command of [
      "",
      "validate",
      "plan",
      "run",
      "status",
      "history",
      "ack",
      "pause",
      "resume",
      "silence",
      "approve",
      "reject",
      "test",
      "monitor",
    ]) {
      const result = await runCli(command ? [command, "--help"] : ["--help"]);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toMatch(/Examples:/);
    }
  });

  it("validate: 0 for a valid file, 2 with file:line:col problems for a bad one", async () => {
    const ok = await runCli(["-c", passing, "validate"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("is valid");
    const bad = writeConfig(
      "bad.yaml",
      "environment: cli\nquiesence: 30s\nlevels:\n  - name: a\n    run: [x]\n    timeout: soon\n",
    );
    const result = await runCli(["-c", bad, "validate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${bad}:2:1 quiesence: unknown key "quiesence" (did you mean "quiescence"?)`,
    );
    expect(result.stderr).toContain(`${bad}:6:14 levels[0].timeout:`);
    expect(result.stderr).toContain("2 problems; nothing was run.");
  });

  it("a missing config file and an unknown command are usage errors (exit 2)", async () => {
    const missing = await runCli(["-c", join(dir.path, "nope.yaml"), "validate"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: no such file; pass the config with -c\/--config/);
    expect((await runCli(["frobnicate"])).code).toBe(2);
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: escalator");
    expect((await runCli(["-c", passing, "history", "--limit", "zero"])).code).toBe(2);
  });

  it("plan: exit 0 and nothing to do when every check passes; JSON with --json", async () => {
    const result = await runCli(["-c", passing, "--json", "plan"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      plan: { levels: unknown[] };
      checks: { state: string; perfdata: { label: string }[] }[];
    };
    expect(parsed.plan.levels).toEqual([]);
    expect(parsed.checks[0]?.state).toBe("OK");
    expect(parsed.checks[0]?.perfdata[0]?.label).toBe("t");
  });

  it("a target named $(touch ...) never reaches a shell: plan and the daemon keep it one argv element", async () => {
    const marker = "/tmp/escalator-pwned";
    rmSync(marker, { force: true });
    const hostile = `$(touch ${marker})`;
    const config = writeConfig(
      "hostile.yaml",
      `environment: hostile
quiescence: 200ms
targets:
  web: [${JSON.stringify(hostile)}]
levels:
  - name: node
    for_each: web
    run: [node, -e, "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))", ${JSON.stringify(join(dir.path, "argv.json"))}, "{{target}}"]
checks:
  - name: port
    for_each: web
    command: [node, -e, "console.log('CRITICAL - ' + process.argv[1]); process.exit(2)", "{{target}}"]
    every: 200ms
    level: node
`,
    );
    const plan = await runCli(["-c", config, "plan"]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(`CRITICAL - ${hostile}`);
    const daemon = startProcess([process.execPath, BIN, "-c", config, "run", "--listen", "127.0.0.1:0"]);
    try {
      await eventually(() => existsSync(join(dir.path, "argv.json")), 15_000, "the node action to run");
    } finally {
      await daemon.stop();
    }
    expect(JSON.parse(readFileSync(join(dir.path, "argv.json"), "utf8"))).toEqual([hostile]);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses to serve the API on a non-loopback address without a token (exit 2)", async () => {
    const result = await runCli(["-c", passing, "run", "--listen", "0.0.0.0:0"], {
      env: { ESCALATOR_API_TOKEN: "" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/0\.0\.0\.0/);
    expect(result.stderr).toMatch(/token/i);
  });

  it("refuses a second daemon for the same environment (exit 1), and takes over a stale lock", async () => {
    const first = startProcess([process.execPath, BIN, "-c", passing, "run", "--listen", "127.0.0.1:0"]);
    try {
      await first.waitFor(/escalator running/);
      const second = await runCli(["-c", passing, "run", "--listen", "127.0.0.1:0"]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /another escalator daemon \(pid \d+\) is already running environment cli/,
      );
    } finally {
      await first.stop("SIGKILL");
    }
    // The killed daemon left its lock behind; a new daemon takes it over.
    const third = startProcess([process.execPath, BIN, "-c", passing, "run", "--listen", "127.0.0.1:0"]);
    try {
      await third.waitFor(/escalator running/);
    } finally {
      expect(await third.stop()).toBe(0);
    }
  });

  it("status, history and ack read and write the store", async () => {
    const config = writeConfig(
      "stuck.yaml",
      `environment: stuck
quiescence: 100ms
max_attempts: 1
levels:
  - name: deploy
    run: [node, -e, "console.log('deploying'); process.exit(3)"]
checks:
  - name: smoke
    command: [node, -e, "console.log('CRITICAL - broken'); process.exit(2)"]
    every: 200ms
    level: deploy
notify:
  - command: [node, -e, "require('fs').writeFileSync(process.argv[1], process.env.ESCALATOR_SUMMARY)", ${JSON.stringify(join(dir.path, "page.txt"))}]
`,
    );
    const daemon = startProcess([process.execPath, BIN, "-c", config, "run", "--listen", "127.0.0.1:0"]);
    try {
      await eventually(() => existsSync(join(dir.path, "page.txt")), 15_000, "a page");
      expect(readFileSync(join(dir.path, "page.txt"), "utf8")).toMatch(
        /stuck is stuck: level deploy failed: attempt 1: exit 3/,
      );
      const status = await runCli(["-c", config, "status"]);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/stuck: STUCK/);
      expect(status.stdout).toContain("escalator ack");
      const history = JSON.parse((await runCli(["-c", config, "--json", "history"])).stdout) as {
        id: string;
        status: string;
      }[];
      expect(history[0]?.status).toBe("failed");
      const detail = await runCli(["-c", config, "history", history[0]?.id as string]);
      expect(detail.stdout).toContain("| deploying");
      expect(detail.stdout).toMatch(/deploy\s+action attempt 1\s+failed\s+exit 3/);
      const ack = await runCli(["-c", config, "ack", "--by", "alice", "--note", "looked at it"]);
      expect(ack.code).toBe(0);
      await daemon.waitFor(/acknowledged; observing afresh/, 10_000);
    } finally {
      await daemon.stop();
    }
  });
});
