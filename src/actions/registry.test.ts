import { describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { EscalatorError } from "../util/errors.js";
import { actionFor, actionKinds, runAction } from "./registry.js";
import type { ActionContext, ActionSpec } from "./types.js";

const base = { cwd: "/", timeoutMs: 5000 };

describe("actionFor", () => {
  it.each([
    [{ run: ["true"] }, "command"],
    [{ shell: "true" }, "shell"],
    [{ webhook: { url: "http://127.0.0.1/" } }, "webhook"],
  ] as const)("%j is a %s action", (spec, kind) => {
    expect(actionFor({ ...base, ...spec }).kind).toBe(kind);
    expect(actionKinds.get(kind)).toBe(actionFor({ ...base, ...spec }));
  });

  it.each([
    [{}, "found none"],
    [{ run: ["true"], shell: "true" }, "found command and shell"],
  ] as const)("%j is refused", (spec, message) => {
    expect(() => actionFor({ ...base, ...spec })).toThrowError(EscalatorError);
    expect(() => actionFor({ ...base, ...spec })).toThrow(message);
  });
});

describe("runAction", () => {
  const ctx = (spec: Partial<ActionSpec>, cwd = "/"): ActionContext => ({
    spec: { cwd, timeoutMs: 5000, ...spec },
    environment: "staging",
    level: "restart",
    attempt: 1,
    escalationId: "esc-1",
    reason: "[]",
  });

  it("runs the action the spec names", async () => {
    const dir = tmpDir();
    try {
      const result = await runAction(
        ctx({ shell: "echo ran in $(pwd)" }, dir.path),
        new AbortController().signal,
      );
      expect(result).toMatchObject({ ok: true, exitCode: 0, output: `ran in ${dir.path}\n` });
    } finally {
      dir.remove();
    }
  });

  it("turns an invalid spec into ok:false naming the plugin, without throwing", async () => {
    const result = await runAction(ctx({}), new AbortController().signal);
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.error).toMatch(/^action: an action needs exactly one of run, shell or webhook/);
  });

  it("turns an error thrown inside a plugin into ok:false naming it", async () => {
    // A spec that slipped past validation: argv elements that are not strings.
    const broken = ctx({ run: [42] as unknown as string[] });
    const result = await runAction(broken, new AbortController().signal);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^command action: /);
  });
});
