import { randomUUID } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { commandAction, shellAction } from "./command-action.js";
import type { ActionContext, ActionSpec } from "./types.js";

const dir = tmpDir();
const node = process.execPath;
const never = new AbortController().signal;

beforeAll(() => {
  writeFileSync(join(dir.path, "argv.mjs"), "console.log(JSON.stringify(process.argv.slice(2)));\n");
  writeFileSync(
    join(dir.path, "env.mjs"),
    "console.log(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ESCALATOR_') || k === 'EXTRA'))));\n",
  );
});

afterAll(() => dir.remove());

function ctx(spec: Partial<ActionSpec>, extra: Partial<ActionContext> = {}): ActionContext {
  return {
    spec: { cwd: dir.path, timeoutMs: 10_000, ...spec },
    environment: "staging",
    level: "restart",
    target: "node-1",
    attempt: 2,
    escalationId: "esc-42",
    reason: JSON.stringify([{ check: "web", state: "CRITICAL" }]),
    ...extra,
  };
}

describe("commandAction", () => {
  it("substitutes placeholders per argv element and succeeds on exit 0", async () => {
    const result = await commandAction.run(
      ctx({ run: [node, "argv.mjs", "{{target}}", "{{environment}}/{{level}}"] }),
      never,
    );
    expect(result.ok).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.output)).toEqual(["node-1", "staging/restart"]);
    expect(result.error).toBeUndefined();
  });

  it("keeps a hostile target as exactly one argument and never runs it", async () => {
    const marker = `/tmp/escalator-pwned-${randomUUID()}`;
    const target = `$(touch ${marker})`;
    const result = await commandAction.run(ctx({ run: [node, "argv.mjs", "{{target}}"] }, { target }), never);
    expect(result.ok).toBe(true);
    expect(JSON.parse(result.output)).toEqual([target]);
    expect(existsSync(marker)).toBe(false);
  });

  it("gives the process ESCALATOR_* variables over spec.env", async () => {
    const result = await commandAction.run(
      ctx({ run: [node, "env.mjs"], env: { EXTRA: "1", ESCALATOR_LEVEL: "spoofed" } }),
      never,
    );
    expect(JSON.parse(result.output)).toEqual({
      EXTRA: "1",
      ESCALATOR_ENVIRONMENT: "staging",
      ESCALATOR_LEVEL: "restart",
      ESCALATOR_TARGET: "node-1",
      ESCALATOR_ATTEMPT: "2",
      ESCALATOR_ESCALATION_ID: "esc-42",
      ESCALATOR_REASON: '[{"check":"web","state":"CRITICAL"}]',
    });
  });

  it("sets ESCALATOR_TARGET to an empty string when there is no target", async () => {
    const { target: _none, ...noTarget } = ctx({ run: [node, "env.mjs"] });
    const result = await commandAction.run(noTarget, never);
    expect(JSON.parse(result.output).ESCALATOR_TARGET).toBe("");
  });

  it("fails on a non-zero exit, keeping the output", async () => {
    const result = await commandAction.run(
      ctx({ run: [node, "-e", "console.error('disk full'); process.exit(4)"] }),
      never,
    );
    expect(result).toMatchObject({ ok: false, exitCode: 4, timedOut: false, error: "exit 4" });
    expect(result.output).toContain("disk full");
  });

  it("fails clearly when the program is missing", async () => {
    const result = await commandAction.run(ctx({ run: ["./ops/not-there.sh"] }), never);
    expect(result).toMatchObject({
      ok: false,
      exitCode: null,
      error: "program not found: ./ops/not-there.sh",
    });
  });

  it("stops at its timeout", async () => {
    const result = await commandAction.run(ctx({ run: ["sleep", "30"], timeoutMs: 200 }), never);
    expect(result).toMatchObject({
      ok: false,
      exitCode: null,
      timedOut: true,
      error: "timed out after 200ms",
    });
  });

  it("streams output to onOutput", async () => {
    const chunks: string[] = [];
    await commandAction.run(
      ctx({ run: [node, "-e", "console.log('progress 50%')"] }, { onOutput: (c) => chunks.push(c) }),
      never,
    );
    expect(chunks.join("")).toBe("progress 50%\n");
  });
});

describe("shellAction", () => {
  it("runs the script with /bin/sh and leaves placeholders alone; values come from env", async () => {
    const marker = `/tmp/escalator-pwned-${randomUUID()}`;
    const result = await shellAction.run(
      ctx(
        { shell: 'printf "%s|%s|%s" "$ESCALATOR_TARGET" "$ESCALATOR_LEVEL" "{{target}}"' },
        { target: `$(touch ${marker})` },
      ),
      never,
    );
    expect(result.ok).toBe(true);
    expect(result.output).toBe(`$(touch ${marker})|restart|{{target}}`);
    expect(existsSync(marker)).toBe(false);
  });

  it("fails on a non-zero exit", async () => {
    const result = await shellAction.run(ctx({ shell: "exit 7" }), never);
    expect(result).toMatchObject({ ok: false, exitCode: 7, error: "exit 7" });
  });
});
