import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { checkSchema } from "../config/schema.js";
import { isProcessAlive } from "../util/run-process.js";
import { commandCheck } from "./command-check.js";
import type { CheckContext } from "./types.js";

const dir = tmpDir();
const node = process.execPath;

beforeAll(() => {
  writeFileSync(
    join(dir.path, "plugin.mjs"),
    [
      "const code = Number(process.argv[2]);",
      'const state = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][code];',
      "console.log(state + ' - load is ' + code + '|load=' + code + \";1;2;0; 'free space'=42%\");",
      'console.log("detail line");',
      "process.exit(code);",
    ].join("\n"),
  );
  writeFileSync(
    join(dir.path, "argv.mjs"),
    "const args = process.argv.slice(2);\nconsole.log('OK - ' + JSON.stringify({ argc: args.length, argv: args }));\n",
  );
  writeFileSync(
    join(dir.path, "env.mjs"),
    [
      "const pick = (k) => process.env[k];",
      "const env = Object.fromEntries(['ESCALATOR_ENVIRONMENT', 'ESCALATOR_TARGET', 'ESCALATOR_CHECK', 'EXTRA'].map((k) => [k, pick(k)]));",
      "console.log('OK - ' + JSON.stringify(env));",
    ].join("\n"),
  );
  mkdirSync(join(dir.path, "ops"));
  const hang = join(dir.path, "ops", "hang.sh");
  writeFileSync(hang, `#!/bin/sh\nsleep 30 &\necho $! > "${join(dir.path, "grandchild.pid")}"\nwait\n`);
  chmodSync(hang, 0o755);
});

afterAll(() => dir.remove());

function ctx(
  command: string[],
  extra: Partial<CheckContext> = {},
  env?: Record<string, string>,
): CheckContext {
  const check = checkSchema.parse({ name: "disk", level: "restart", command, ...(env ? { env } : {}) });
  return { check, environment: "staging", cwd: dir.path, timeoutMs: 10_000, ...extra };
}

const run = (context: CheckContext) => commandCheck.run(context, new AbortController().signal);

describe("commandCheck", () => {
  it.each([
    [0, "OK"],
    [1, "WARNING"],
    [2, "CRITICAL"],
    [3, "UNKNOWN"],
  ] as const)("exit %i is %s, with message, perfdata and long output", async (code, state) => {
    const result = await run(ctx([node, "plugin.mjs", String(code)]));
    expect(result.state).toBe(state);
    expect(result.message).toBe(`${state} - load is ${code}`);
    expect(result.perfdata).toEqual([
      { label: "load", value: code, uom: "", warn: "1", crit: "2", min: 0 },
      { label: "free space", value: 42, uom: "%" },
    ]);
    expect(result.longOutput).toBe("detail line");
  });

  it("keeps a hostile target as one argv element and never runs it", async () => {
    const marker = `/tmp/escalator-pwned-${randomUUID()}`;
    const target = `$(touch ${marker})`;
    const result = await run(ctx([node, "argv.mjs", "{{target}}", "env={{environment}}"], { target }));
    expect(result.state).toBe("OK");
    const reported = JSON.parse(result.message.slice("OK - ".length));
    expect(reported).toEqual({ argc: 2, argv: [target, "env=staging"] });
    expect(existsSync(marker)).toBe(false);
  });

  it("passes ESCALATOR_* variables and the check's env", async () => {
    const result = await run(ctx([node, "env.mjs"], { target: "node-1" }, { EXTRA: "yes" }));
    expect(JSON.parse(result.message.slice("OK - ".length))).toEqual({
      ESCALATOR_ENVIRONMENT: "staging",
      ESCALATOR_TARGET: "node-1",
      ESCALATOR_CHECK: "disk",
      EXTRA: "yes",
    });
  });

  it("times out as UNKNOWN and kills the plugin's process group", async () => {
    const result = await run(ctx(["./ops/hang.sh"], { timeoutMs: 500 }));
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toBe("timed out after 500ms");
    const grandchild = Number(readFileSync(join(dir.path, "grandchild.pid"), "utf8"));
    expect(grandchild).toBeGreaterThan(0);
    await vi.waitFor(() => expect(isProcessAlive(grandchild)).toBe(false), { timeout: 2000 });
  });

  it("is UNKNOWN when the program does not exist", async () => {
    const result = await run(ctx(["./ops/missing-plugin", "-w", "1"]));
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toBe("program not found: ./ops/missing-plugin");
  });

  it("says so when the plugin prints nothing", async () => {
    const result = await run(ctx([node, "-e", "process.exit(2)"]));
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toBe("(no output, exit 2)");
  });
});
