import pino from "pino";
import { describe, expect, it } from "vitest";
import type { ActionContext, ActionResult } from "../actions/types.js";
import type { LevelConfig } from "../config/schema.js";
import { FakeClock } from "../util/fake-clock.js";
import { createStepRunner } from "./step-runner.js";

const never = new AbortController().signal;

function runner(results: boolean[], options: { storeFails?: boolean } = {}) {
  const seen: ActionContext[] = [];
  const run = createStepRunner({
    environment: "shop",
    clock: new FakeClock(),
    logger: pino({ level: "silent" }),
    configDir: "/srv/shop",
    store: {
      startStep: async () => {
        if (options.storeFails) throw new Error("SQLITE_FULL");
        return 1;
      },
      finishStep: async () => {},
    },
    runAction: async (ctx): Promise<ActionResult> => {
      seen.push(ctx);
      const ok = results.shift() ?? false;
      return { ok, exitCode: ok ? 0 : 1, output: "", timedOut: false, startedAt: 0, endedAt: 0 };
    },
  });
  return { run, seen };
}

const deploy = {
  name: "deploy",
  run: ["./deploy.sh"],
  env: { TOKEN: "t", REGION: "eu" },
  cwd: "ops",
  timeout: 60_000,
  retries: 0,
  fallback: { run: ["./deploy.sh", "--previous"], env: { REGION: "us" } },
} as unknown as LevelConfig;
const request = { escalationId: "e1", level: deploy, cycle: 1, useFallback: false, reason: "{}" };

describe("step runner", () => {
  it("the fallback keeps the level's environment, cwd and timeout, and may override", async () => {
    const { run, seen } = runner([false, true]);
    const outcome = await run(request, { stop: never, kill: never });
    expect(outcome).toEqual({ ok: true, summary: "attempt 1: exit 1; fallback: succeeded" });
    expect(seen[1]?.spec).toMatchObject({
      run: ["./deploy.sh", "--previous"],
      env: { TOKEN: "t", REGION: "us" },
      cwd: "/srv/shop/ops",
      timeoutMs: 60_000,
    });
  });

  it("a re-convergence cycle runs the fallback straight away", async () => {
    const { run, seen } = runner([true]);
    const outcome = await run({ ...request, cycle: 2, useFallback: true }, { stop: never, kill: never });
    expect(outcome.ok).toBe(true);
    expect(seen.map((c) => c.spec.run?.join(" "))).toEqual(["./deploy.sh --previous"]);
  });

  it("a history write failure does not stop the repair", async () => {
    const { run, seen } = runner([true], { storeFails: true });
    expect((await run(request, { stop: never, kill: never })).ok).toBe(true);
    expect(seen).toHaveLength(1);
  });
});
