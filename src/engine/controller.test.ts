import pino from "pino";
import { describe, expect, it } from "vitest";
import { controllerHarness, failure, level } from "../../test/helpers/controller-harness.js";
import type { ActionContext, ActionResult } from "../actions/types.js";
import type { StepRecord } from "../store/types.js";
import { createStepRunner } from "./step-runner.js";

const ladder = [
  level("account"),
  level("node", { for_each: "web" }),
  level("converge", { for_each: "web" }),
  level("deploy"),
];
const targets = { web: ["web-1", "web-2", "web-3"] };

describe("controller on a fake clock", () => {
  it("a blip that recovers inside the quiescence window does nothing", async () => {
    const h = controllerHarness({ levels: ladder, targets });
    h.setFailing([failure("node-port", "node", "web-2")]);
    await h.clock.advance(10_000);
    expect(h.controller.state).toBe("quiescing");
    h.setFailing([]);
    await h.clock.advance(25_000);
    expect(h.steps).toHaveLength(0);
    expect(h.journal).toHaveLength(0);
    expect(h.controller.state).toBe("converged");
    await h.stop();
  });

  it("acts only when the window closes, not before", async () => {
    const h = controllerHarness({ levels: ladder, targets });
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(29_999);
    expect(h.steps).toHaveLength(0);
    h.onVerify(() => []);
    await h.clock.advance(1);
    expect(h.stepNames()).toEqual(["deploy"]);
    expect(h.journal[0]).toMatchObject({ status: "succeeded" });
    expect(h.controller.state).toBe("converged");
    await h.stop();
  });

  it("two failures at different levels inside the window lead to the most drastic level", async () => {
    const h = controllerHarness({ levels: ladder, targets });
    h.onVerify(() => []);
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(10_000);
    h.setFailing([failure("smoke", "deploy"), failure("node-port", "node", "web-3")]);
    await h.clock.advance(20_000);
    expect(h.stepNames()).toEqual(["node:web-3", "converge:web-3", "deploy"]);
    // ESCALATOR_REASON: the step's own target first, then the rest.
    expect(JSON.parse(h.steps[0]?.reason ?? "")).toEqual({
      level: "node",
      target: "web-3",
      total: 2,
      failing: [failure("node-port", "node", "web-3"), failure("smoke", "deploy")],
      truncated: false,
    });
    expect(h.states).toEqual(["converged", "quiescing", "escalating", "verifying", "converged"]);
    await h.stop();
  });

  it("each level's quiescence holds the next level back", async () => {
    const h = controllerHarness({
      levels: [level("node", { for_each: "web", quiescence: 60_000 }), level("deploy")],
      targets,
    });
    h.onVerify(() => []);
    h.setFailing([failure("node-port", "node", "web-1")]);
    await h.clock.advance(30_000);
    expect(h.stepNames()).toEqual(["node:web-1"]);
    await h.clock.advance(59_000);
    expect(h.stepNames()).toEqual(["node:web-1"]);
    await h.clock.advance(1_000);
    expect(h.stepNames()).toEqual(["node:web-1", "deploy"]);
    await h.stop();
  });

  it("re-plans from a more drastic failure that appears mid-escalation, after the current step", async () => {
    let h: ReturnType<typeof controllerHarness> | undefined;
    h = controllerHarness({
      levels: ladder,
      targets,
      runStep: (request) => {
        if (request.level.name === "converge") h?.setFailing([failure("provider", "account")]);
        return { ok: true, summary: "exit 0" };
      },
    });
    h.onVerify(() => []);
    h.setFailing([failure("node-port", "node", "web-1")]);
    await h.clock.advance(30_000);
    expect(h.stepNames()).toEqual([
      "node:web-1",
      "converge:web-1",
      "account",
      "node:web-1",
      "node:web-2",
      "node:web-3",
      "converge:web-1",
      "converge:web-2",
      "converge:web-3",
      "deploy",
    ]);
    expect(h.journal[0]?.outcome).toContain("re-planned from level account");
    await h.stop();
  });

  it("when checks still fail, backs off, re-converges with the fallback, then is stuck after max_attempts", async () => {
    const h = controllerHarness({ levels: [level("deploy", { fallback: { run: ["./prev.sh"] } as never })] });
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000);
    expect(h.steps.map((s) => s.useFallback)).toEqual([false]);
    expect(h.controller.state).toBe("backoff");
    await h.clock.advance(30_000);
    expect(h.steps.map((s) => s.useFallback)).toEqual([false, true]);
    await h.clock.advance(60_000);
    expect(h.steps).toHaveLength(3);
    expect(h.journal.map((j) => [j.attempt, j.status])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "failed"],
    ]);
    expect(h.controller.state).toBe("stuck");
    expect(h.pages).toHaveLength(1);
    expect(h.pages[0]?.summary).toContain("max_attempts");
    await h.stop();
  });

  it("a failing step goes through retries, then the fallback, then pages a human, then holds stuck", async () => {
    const recorded: Partial<StepRecord>[] = [];
    const actions: string[] = [];
    const h = controllerHarness({
      levels: [level("deploy", { retries: 2, fallback: { run: ["./prev.sh"] } as never })],
    });
    const runner = createStepRunner({
      environment: "shop",
      clock: h.clock,
      logger: pino({ level: "silent" }),
      configDir: "/srv",
      store: {
        startStep: async (s) => recorded.push({ ...s }),
        finishStep: async (id, s) => {
          Object.assign(recorded[id - 1] as object, s);
        },
      },
      runAction: async (ctx: ActionContext): Promise<ActionResult> => {
        actions.push(`${ctx.spec.run?.[0]}#${ctx.attempt}@${h.clock.now()}`);
        return { ok: false, exitCode: 1, output: "boom", timedOut: false, startedAt: 0, endedAt: 0 };
      },
    });
    const t0 = h.clock.now();
    // Swap the harness's fake step for the real runner.
    h.setRunStep(runner);
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000 + 1_000 + 2_000);
    expect(actions).toEqual([
      `./deploy.sh#1@${t0 + 30_000}`,
      `./deploy.sh#2@${t0 + 31_000}`,
      `./deploy.sh#3@${t0 + 33_000}`,
      `./prev.sh#1@${t0 + 33_000}`,
    ]);
    expect(recorded.map((r) => [r.role, r.attempt, r.status])).toEqual([
      ["action", 1, "failed"],
      ["action", 2, "failed"],
      ["action", 3, "failed"],
      ["fallback", 1, "failed"],
    ]);
    expect(h.controller.state).toBe("stuck");
    expect(h.pages).toHaveLength(1);
    expect(h.pages[0]?.summary).toMatch(/stuck: level deploy failed: attempt 1: exit 1; .*fallback: exit 1/);
    // Held: nothing more runs however long we wait while the check keeps failing.
    await h.clock.advance(3_600_000);
    expect(actions).toHaveLength(4);
    expect(h.pages).toHaveLength(1);
    await h.stop();
  });

  it("ack leaves stuck and observes afresh with a new quiescence window", async () => {
    const h = controllerHarness({
      levels: [level("deploy")],
      runStep: () => ({ ok: false, summary: "exit 1" }),
    });
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000);
    expect(h.controller.state).toBe("stuck");
    h.controller.ack("alice", "fixed the disk");
    await h.clock.advance(0);
    expect(h.controller.state).toBe("quiescing");
    await h.clock.advance(30_000);
    expect(h.steps).toHaveLength(2);
    await h.stop();
  });

  it("leaves stuck by itself when the checks recover", async () => {
    const h = controllerHarness({
      levels: [level("deploy")],
      runStep: () => ({ ok: false, summary: "exit 1" }),
    });
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000);
    expect(h.controller.state).toBe("stuck");
    h.setFailing([]);
    await h.clock.advance(0);
    expect(h.controller.state).toBe("converged");
    await h.stop();
  });

  it("dry run records the plan but runs no step", async () => {
    const h = controllerHarness({ levels: ladder, targets, dryRun: true });
    h.setFailing([failure("node-port", "node", "web-1")]);
    await h.clock.advance(30_000);
    expect(h.steps).toHaveLength(0);
    expect(h.journal[0]).toMatchObject({ status: "dry-run", dryRun: true });
    expect(h.journal[0]?.outcome).toBe("dry run: would run node(web-1) → converge(web-1) → deploy");
    await h.stop();
  });
});
