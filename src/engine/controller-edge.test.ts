import { describe, expect, it } from "vitest";
import { controllerHarness, failure, level } from "../../test/helpers/controller-harness.js";
import type { FailingCheck } from "./types.js";

const ladder = [
  level("account"),
  level("tier"),
  level("node", { for_each: "web" }),
  level("converge", { for_each: "web" }),
  level("deploy"),
];
const targets = { web: ["web-1", "web-2", "web-3"] };

describe("controller edge cases", () => {
  it("re-plans from the new failure's level, not from the original trigger that is still failing", async () => {
    let h: ReturnType<typeof controllerHarness> | undefined;
    const tier = failure("tier-services", "tier");
    h = controllerHarness({
      levels: ladder,
      targets,
      runStep: (request) => {
        if (request.level.name === "converge" && request.target === "web-1") {
          // web-2 stops answering while the plan runs; the tier check has not been re-probed yet.
          const now = h?.clock.now() ?? 0;
          h?.setFailing([tier, { ...failure("node-port", "node", "web-2"), since: now, firstSeenAt: 0 }]);
        }
        return { ok: true, summary: "exit 0" };
      },
    });
    h.onVerify(() => []);
    h.setFailing([tier]);
    await h.clock.advance(30_000);
    expect(h.stepNames()).toEqual([
      "tier",
      "node:web-1",
      "node:web-2",
      "node:web-3",
      "converge:web-1",
      "node:web-2",
      "converge:web-2",
      "deploy",
    ]);
    await h.stop();
  });

  it("a target that appeared mid-plan (say a VM being created) is not a new failure", async () => {
    let h: ReturnType<typeof controllerHarness> | undefined;
    h = controllerHarness({
      levels: ladder,
      targets,
      runStep: (request) => {
        if (request.level.name === "converge") {
          const now = h?.clock.now() ?? 0;
          const booting: FailingCheck = {
            ...failure("node-port", "node", "web-4"),
            since: now,
            firstSeenAt: now,
          };
          h?.setFailing([failure("smoke", "converge", "web-1"), booting]);
        }
        return { ok: true, summary: "exit 0" };
      },
    });
    h.onVerify(() => []);
    h.setFailing([failure("smoke", "converge", "web-1")]);
    await h.clock.advance(30_000);
    expect(h.stepNames()).toEqual(["converge:web-1", "deploy"]);
    await h.stop();
  });

  it("survives a step that throws: logs, waits, and observes afresh", async () => {
    let calls = 0;
    const h = controllerHarness({
      levels: [level("deploy")],
      runStep: () => {
        calls++;
        if (calls === 1) throw new Error("disk full");
        return { ok: true, summary: "exit 0" };
      },
    });
    h.onVerify(() => []);
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000);
    expect(calls).toBe(1);
    await h.clock.advance(5_000 + 30_000);
    expect(calls).toBe(2);
    expect(h.controller.state).toBe("converged");
    await h.stop();
  });

  it("an ack that arrives while the page is being sent is not lost", async () => {
    let releasePage: () => void = () => {};
    const h = controllerHarness({
      levels: [level("deploy")],
      runStep: () => ({ ok: false, summary: "exit 1" }),
    });
    h.setPage(() => new Promise<void>((resolve) => (releasePage = resolve)));
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000);
    expect(h.controller.state).toBe("stuck");
    h.controller.ack("bob");
    releasePage();
    await h.clock.advance(0);
    expect(h.controller.state).toBe("quiescing");
    await h.stop();
  });

  it("dry run never pages a human, and stops calling it stuck once checks recover", async () => {
    const h = controllerHarness({ levels: [level("deploy")], dryRun: true, maxAttempts: 1 });
    h.setFailing([failure("smoke", "deploy")]);
    await h.clock.advance(30_000);
    expect(h.controller.state).toBe("stuck");
    expect(h.pages).toHaveLength(0);
    expect(h.steps).toHaveLength(0);
    h.setFailing([]);
    await h.clock.advance(0);
    expect(h.controller.state).toBe("converged");
    await h.stop();
  });
});
