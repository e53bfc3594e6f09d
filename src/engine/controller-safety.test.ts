import { describe, expect, it } from "vitest";
import { controllerHarness, failure, level } from "../../test/helpers/controller-harness.js";

const ladder = [level("node", { for_each: "web" }), level("deploy")];
const targets = { web: ["web-1", "web-2", "web-3"] };
const DEFAULT_GUARD = { max_failing: "30%", min: 1 };

describe("controller safety", () => {
  it("guard on a 3-target group: one failing target is repaired", async () => {
    const h = controllerHarness({ levels: ladder, targets, guard: DEFAULT_GUARD });
    h.onVerify(() => []);
    h.setFailing([failure("port", "node", "web-2")]);
    await h.clock.advance(30_000);
    expect(h.stepNames()).toEqual(["node:web-2", "deploy"]);
    expect(h.pages).toHaveLength(0);
    await h.stop();
  });

  it("guard on a 3-target group: three failing targets are not touched, and a human is paged with the numbers", async () => {
    const h = controllerHarness({ levels: ladder, targets, guard: DEFAULT_GUARD });
    h.setFailing(targets.web.map((t) => failure("port", "node", t)));
    await h.clock.advance(30_000);
    expect(h.steps).toHaveLength(0);
    expect(h.controller.state).toBe("stuck");
    expect(h.journal[0]).toMatchObject({ status: "blocked" });
    expect(h.pages).toHaveLength(1);
    expect(h.pages[0]?.summary).toContain("blast-radius guard: 3 of 3 targets of web failing, limit 1");
    await h.stop();
  });

  it("while paused nothing runs; after resume the failure escalates", async () => {
    const h = controllerHarness({ levels: ladder, targets });
    h.onVerify(() => []);
    h.setGate({ reason: "pause by alice: upgrading the database", until: null });
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(120_000);
    expect(h.controller.state).toBe("paused");
    expect(h.steps).toHaveLength(0);
    h.setGate(undefined);
    await h.clock.advance(0);
    expect(h.controller.state).toBe("quiescing");
    await h.clock.advance(30_000);
    expect(h.stepNames()).toEqual(["deploy"]);
    await h.stop();
  });

  it("a pause mid-plan holds the next step until resumed", async () => {
    let h: ReturnType<typeof controllerHarness> | undefined;
    h = controllerHarness({
      levels: ladder,
      targets,
      runStep: (request) => {
        if (request.level.name === "node") h?.setGate({ reason: "maintenance", until: null });
        return { ok: true, summary: "exit 0" };
      },
    });
    h.onVerify(() => []);
    h.setFailing([failure("port", "node", "web-1")]);
    await h.clock.advance(40_000);
    expect(h.stepNames()).toEqual(["node:web-1"]);
    expect(h.controller.state).toBe("paused");
    h.setGate(undefined);
    await h.clock.advance(1_000);
    expect(h.stepNames()).toEqual(["node:web-1", "deploy"]);
    await h.stop();
  });

  it("holds when the rate limit is used up, and pages once", async () => {
    const h = controllerHarness({
      levels: [level("deploy")],
      rateLimit: { max: 1, perMs: 3_600_000 },
      maxAttempts: 5,
    });
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000);
    expect(h.steps).toHaveLength(1);
    await h.clock.advance(600_000);
    expect(h.controller.state).toBe("rate-limited");
    expect(h.steps).toHaveLength(1);
    expect(h.pages.map((p) => p.summary)).toEqual([
      expect.stringContaining("reached its rate limit (1 escalations per 60m)"),
    ]);
    await h.clock.advance(3_600_000);
    expect(h.steps.length).toBeGreaterThan(1);
    await h.stop();
  });

  it("an approval gate holds the level until approved", async () => {
    const h = controllerHarness({
      levels: [level("node", { for_each: "web", approve: true }), level("deploy")],
      targets,
    });
    h.onVerify(() => []);
    h.setFailing([failure("port", "node", "web-1")]);
    await h.clock.advance(30_000);
    expect(h.controller.state).toBe("awaiting-approval");
    await h.clock.advance(3_600_000);
    expect(h.steps).toHaveLength(0);
    h.decide("esc-1", "approved");
    await h.clock.advance(0);
    expect(h.stepNames()).toEqual(["node:web-1", "deploy"]);
    await h.stop();
  });

  it("a rejected level runs nothing and leaves the environment held", async () => {
    const h = controllerHarness({ levels: [level("deploy", { approve: true })] });
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000);
    h.decide("esc-1", "rejected");
    await h.clock.advance(0);
    expect(h.steps).toHaveLength(0);
    expect(h.journal[0]).toMatchObject({
      status: "rejected",
      outcome: "level deploy rejected by carol: not now",
    });
    expect(h.controller.state).toBe("stuck");
    await h.stop();
  });
});

describe("controller safety: guard holds", () => {
  it("a guard hold ends once enough targets recover, and the rest is repaired", async () => {
    const h = controllerHarness({ levels: ladder, targets, guard: DEFAULT_GUARD });
    h.onVerify(() => []);
    h.setFailing(targets.web.map((t) => failure("port", "node", t)));
    await h.clock.advance(30_000);
    expect(h.controller.state).toBe("stuck");
    h.setFailing([failure("port", "node", "web-3")]);
    await h.clock.advance(0);
    expect(h.controller.state).toBe("quiescing");
    await h.clock.advance(30_000);
    expect(h.stepNames()).toEqual(["node:web-3", "deploy"]);
    await h.stop();
  });
});
