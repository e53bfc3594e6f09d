import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { isProcessAlive, runProcess } from "./run-process.js";

const dir = tmpDir();
afterAll(() => dir.remove());

function script(name: string, body: string): string {
  const path = join(dir.path, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function pidIn(output: string, label: string): number {
  const match = new RegExp(`${label} (\\d+)`).exec(output);
  if (!match) throw new Error(`no "${label} PID" in output: ${output}`);
  return Number(match[1]);
}

describe("runProcess", () => {
  it("passes argv as-is, without a shell", async () => {
    const weird = "$(echo pwned) ; rm -rf / `id` 'quoted' \"double\"";
    const outcome = await runProcess(
      {
        argv: [
          process.execPath,
          "-e",
          "console.log(JSON.stringify(process.argv.slice(1)))",
          weird,
          "two words",
        ],
      },
      { cwd: dir.path, timeoutMs: 10_000 },
    );
    expect(outcome.exitCode).toBe(0);
    expect(JSON.parse(outcome.stdout)).toEqual([weird, "two words"]);
  });

  it("resolves a relative argv[0] against cwd", async () => {
    script("ops/where.sh", 'echo "ran in $(pwd)"');
    const outcome = await runProcess({ argv: ["./ops/where.sh"] }, { cwd: dir.path, timeoutMs: 10_000 });
    expect(outcome.spawnError).toBeUndefined();
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout.trim()).toBe(`ran in ${dir.path}`);
  });

  it("runs shell scripts with /bin/sh -c and merges env over process.env", async () => {
    const outcome = await runProcess(
      { shell: 'echo "$GREETING $HOME"; echo oops >&2; exit 3' },
      { cwd: dir.path, env: { GREETING: "hello" }, timeoutMs: 10_000 },
    );
    expect(outcome.exitCode).toBe(3);
    expect(outcome.stdout).toBe(`hello ${process.env.HOME}\n`);
    expect(outcome.output).toContain("oops");
    expect(outcome.stdout).not.toContain("oops");
    expect(outcome.timedOut).toBe(false);
  });

  it("streams output chunks to onOutput", async () => {
    const chunks: string[] = [];
    const outcome = await runProcess(
      { shell: "echo one; echo two >&2" },
      { cwd: dir.path, timeoutMs: 10_000, onOutput: (chunk) => chunks.push(chunk) },
    );
    expect(outcome.exitCode).toBe(0);
    expect(chunks.join("")).toContain("one\n");
    expect(chunks.join("")).toContain("two\n");
  });

  it("keeps only the tail of the output", async () => {
    const outcome = await runProcess(
      { argv: [process.execPath, "-e", "process.stdout.write('a'.repeat(5000) + 'END')"] },
      { cwd: dir.path, timeoutMs: 10_000, outputLimit: 100 },
    );
    expect(outcome.output).toHaveLength(100);
    expect(outcome.output.endsWith("END")).toBe(true);
    expect(outcome.stdout).toHaveLength(100);
  });

  it("reports a missing program instead of throwing", async () => {
    const outcome = await runProcess({ argv: ["./no-such-program"] }, { cwd: dir.path, timeoutMs: 10_000 });
    expect(outcome.exitCode).toBeNull();
    expect(outcome.spawnError).toBe("program not found: ./no-such-program");
  });

  it("reports a missing working directory", async () => {
    const missing = join(dir.path, "nope");
    const outcome = await runProcess({ argv: ["true"] }, { cwd: missing, timeoutMs: 10_000 });
    expect(outcome.spawnError).toBe(`working directory not found: ${missing}`);
  });

  it("on timeout kills the whole process group", async () => {
    const path = script("spawns.sh", 'sleep 30 &\necho "grandchild $!"\nwait');
    const outcome = await runProcess({ argv: [path] }, { cwd: dir.path, timeoutMs: 500 });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.exitCode).toBeNull();
    const grandchild = pidIn(outcome.output, "grandchild");
    await vi.waitFor(() => expect(isProcessAlive(grandchild)).toBe(false), { timeout: 2000 });
  });

  it("sends SIGKILL after the grace period when SIGTERM is ignored", async () => {
    const path = script("stubborn.sh", "trap '' TERM\nsleep 30 &\necho \"grandchild $!\"\nwait");
    const outcome = await runProcess({ argv: [path] }, { cwd: dir.path, timeoutMs: 300, killGraceMs: 300 });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.signal).toBe("SIGKILL");
    expect(outcome.endedAt - outcome.startedAt).toBeGreaterThanOrEqual(550);
    const grandchild = pidIn(outcome.output, "grandchild");
    await vi.waitFor(() => expect(isProcessAlive(grandchild)).toBe(false), { timeout: 2000 });
  });

  it("on abort kills the group and reports aborted", async () => {
    const controller = new AbortController();
    const running = runProcess(
      { shell: "echo started; sleep 30" },
      {
        cwd: dir.path,
        timeoutMs: 10_000,
        signal: controller.signal,
        onOutput: () => controller.abort(),
      },
    );
    const outcome = await running;
    expect(outcome.aborted).toBe(true);
    expect(outcome.timedOut).toBe(false);
    expect(outcome.signal).toBe("SIGTERM");
  });

  it("does not start when the signal is already aborted", async () => {
    const outcome = await runProcess(
      { argv: ["touch", join(dir.path, "should-not-exist")] },
      { cwd: dir.path, timeoutMs: 10_000, signal: AbortSignal.abort() },
    );
    expect(outcome.aborted).toBe(true);
    expect(outcome.exitCode).toBeNull();
  });

  it("returns soon after exit even when a background child keeps the output pipe open", async () => {
    const outcome = await runProcess(
      { shell: 'sleep 30 &\necho "background $!"' },
      { cwd: dir.path, timeoutMs: 20_000 },
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.endedAt - outcome.startedAt).toBeLessThan(5000);
    const background = pidIn(outcome.output, "background");
    expect(isProcessAlive(background)).toBe(true);
    process.kill(background, "SIGKILL");
    await vi.waitFor(() => expect(isProcessAlive(background)).toBe(false), { timeout: 2000 });
  });
});

describe("isProcessAlive", () => {
  it("is true for this process and false for a pid that exited", async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const outcome = await runProcess({ shell: 'echo "pid $$"' }, { cwd: dir.path, timeoutMs: 10_000 });
    const pid = pidIn(outcome.output, "pid");
    await vi.waitFor(() => expect(isProcessAlive(pid)).toBe(false), { timeout: 2000 });
  });
});
