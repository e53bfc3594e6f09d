import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import type { TargetGroupConfig } from "../config/schema.js";
import { isProcessAlive } from "../util/run-process.js";
import { parseTargetList, TargetGroups } from "./target-groups.js";

/** The target command: does what behaviour.json says, logging each read's start and end. */
const SCRIPT = `
import { appendFileSync, readFileSync } from "node:fs";
const dir = process.argv[2];
const log = (what) => appendFileSync(dir + "/reads.log", what + " " + process.pid + " " + Date.now() + "\\n");
log("start");
const b = JSON.parse(readFileSync(dir + "/behaviour.json", "utf8"));
if (b.sleepMs) await new Promise((resolve) => setTimeout(resolve, b.sleepMs));
if (b.bytes) process.stdout.write("host-0000000001\\n".repeat(Math.ceil(b.bytes / 16)));
process.stdout.write(b.stdout ?? "");
if (b.stderr) process.stderr.write(b.stderr);
process.exitCode = b.exit ?? 0;
log("end");
`;

interface Behaviour {
  stdout?: string;
  stderr?: string;
  exit?: number;
  sleepMs?: number;
  bytes?: number;
}

let dir: ReturnType<typeof tmpDir>;
let groups: TargetGroups | undefined;
let changes = 0;

beforeEach(() => {
  dir = tmpDir();
  writeFileSync(join(dir.path, "list.mjs"), SCRIPT);
  behave({ stdout: "web-1\nweb-2\n" });
  changes = 0;
});
afterEach(() => {
  groups?.stop();
  groups = undefined;
  dir.remove();
});

function behave(behaviour: Behaviour): void {
  writeFileSync(join(dir.path, "behaviour.json"), JSON.stringify(behaviour));
}

function reads(): { event: string; pid: number; at: number }[] {
  let text = "";
  try {
    text = readFileSync(join(dir.path, "reads.log"), "utf8");
  } catch {}
  return text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [event = "", pid, at] = line.split(" ");
      return { event, pid: Number(pid), at: Number(at) };
    });
}

function makeGroups(every = 60_000, timeout = 10_000): TargetGroups {
  const spec: TargetGroupConfig = { command: [process.execPath, "list.mjs", dir.path], every, timeout };
  groups = new TargetGroups(
    { web: spec, db: ["db-1"] },
    {
      cwd: dir.path,
      environment: "staging",
      logger: pino({ level: "silent" }),
      now: () => 1234,
      onChange: () => changes++,
    },
  );
  return groups;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("parseTargetList", () => {
  it("keeps one name per line, skipping blanks, comments, duplicates and unusable names", () => {
    expect(parseTargetList("a\n\n# comment\n  b  \na\n-rf\nbad host\nx\u0007y\nc\r\n")).toEqual({
      targets: ["a", "b", "c"],
      skipped: ["-rf", "bad host", "x\u0007y"],
    });
  });
});

describe("TargetGroups", () => {
  it("reads a command group and reports the names it skipped, with one example", async () => {
    behave({ stdout: "web-1\n# spare\n\nweb-2\nweb-1\n-rf\nbad host\nx\u0007y\n" });
    const g = makeGroups();
    await g.refreshAll();
    expect(g.current()).toEqual({ web: ["web-1", "web-2"], db: ["db-1"] });
    expect(g.states().web).toEqual({
      targets: ["web-1", "web-2"],
      readAt: 1234,
      error:
        'skipped 3 unusable target names printed by the target command for group web (e.g. "-rf"): a name must not contain whitespace or control characters, nor start with "-"',
    });
    expect(changes).toBe(1);
  });

  it("keeps the last good list when the command fails", async () => {
    const g = makeGroups();
    await g.refreshAll();
    behave({ stderr: "inventory down\n", exit: 3 });
    await g.refreshAll();
    expect(g.states().web).toEqual({
      targets: ["web-1", "web-2"],
      readAt: 1234,
      error: "target command for group web failed (exit 3: inventory down); keeping the last 2 targets",
    });
    expect(changes).toBe(1);
  });

  it("treats output of 16 MiB or more as a failed read, not as a truncated list", async () => {
    const g = makeGroups();
    await g.refreshAll();
    behave({ bytes: 17 * 1024 * 1024 });
    await g.refreshAll();
    expect(g.current().web).toEqual(["web-1", "web-2"]);
    expect(g.states().web?.error).toBe(
      "target command for group web failed (its output was too large: 16 MiB or more); keeping the last 2 targets",
    );
    // Just under the limit is read in full, head included.
    behave({ bytes: 16 * 1024 * 1024 - 32, stdout: "last-host\n" });
    await g.refreshAll();
    expect(g.current().web).toEqual(["host-0000000001", "last-host"]);
    expect(g.states().web?.error).toBeUndefined();
  });

  it("empties a non-empty group only after three empty reads in a row", async () => {
    const g = makeGroups();
    await g.refreshAll();
    behave({ stdout: "# nothing today\n" });
    for (const n of [1, 2]) {
      await g.refreshAll();
      expect(g.current().web).toEqual(["web-1", "web-2"]);
      expect(g.states().web?.error).toBe(
        `target command for group web printed no targets (${n} of 3 empty reads in a row before the group is emptied); keeping the last 2 targets`,
      );
    }
    expect(changes).toBe(1);
    await g.refreshAll();
    expect(g.states().web).toEqual({ targets: [], readAt: 1234 });
    expect(changes).toBe(2);
    // An empty group stays empty at once; a non-empty read starts the count afresh.
    await g.refreshAll();
    expect(g.states().web?.error).toBeUndefined();
    behave({ stdout: "web-3\n" });
    await g.refreshAll();
    behave({ stdout: "" });
    await g.refreshAll();
    expect(g.current().web).toEqual(["web-3"]);
    expect(g.states().web?.error).toContain("(1 of 3 empty reads in a row");
  });

  it("starts the next read only after the previous one ended", async () => {
    behave({ stdout: "web-1\n", sleepMs: 150 });
    const g = makeGroups(30);
    await g.start();
    await sleep(1000);
    g.stop();
    await sleep(400);
    const log = reads();
    expect(log.filter((r) => r.event === "start").length).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < log.length; i++) {
      expect(log[i]?.event).toBe(i % 2 === 0 ? "start" : "end");
      if (i % 2 === 1) expect(log[i]?.pid).toBe(log[i - 1]?.pid);
    }
  });

  it("stop() kills a read in flight and ignores its outcome", async () => {
    const g = makeGroups();
    await g.refreshAll();
    behave({ stdout: "other\n", sleepMs: 30_000 });
    const reading = g.refreshAll();
    while (reads().length < 3) await sleep(20);
    const pid = reads()[2]?.pid ?? 0;
    const stoppedAt = Date.now();
    g.stop();
    await reading;
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(isProcessAlive(pid)).toBe(false);
    expect(g.states().web).toEqual({ targets: ["web-1", "web-2"], readAt: 1234 });
    await g.refreshAll();
    expect(reads()).toHaveLength(3);
  });
});
