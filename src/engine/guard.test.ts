import { describe, expect, it } from "vitest";
import { applyGuard, guardLimit } from "./guard.js";
import { plan } from "./planner.js";
import type { FailingCheck, LadderLevel } from "./types.js";

const DEFAULT = { max_failing: "30%", min: 1 };
const ladder: LadderLevel[] = [{ name: "account" }, { name: "node", for_each: "web" }, { name: "deploy" }];
const down = (target: string): FailingCheck => ({
  check: "port",
  level: "node",
  target,
  state: "CRITICAL",
  message: "down",
});

describe("guardLimit", () => {
  it.each([
    [DEFAULT, 3, 1],
    [DEFAULT, 10, 3],
    [DEFAULT, 100, 30],
    [DEFAULT, 0, 1],
    [{ max_failing: "50%", min: 1 }, 3, 1],
    [{ max_failing: 5, min: 1 }, 100, 5],
    [{ max_failing: "0%", min: 0 }, 10, 0],
  ])("%j of %i targets allows %i", (guard, size, limit) => expect(guardLimit(guard, size)).toBe(limit));
});

describe("applyGuard on a 3-target group with the default guard", () => {
  const groups = { web: ["web-1", "web-2", "web-3"] };
  it("lets one failing target be repaired", () => {
    const result = applyGuard(
      plan({ failing: [down("web-2")], levels: ladder, targets: groups }),
      groups,
      () => DEFAULT,
    );
    expect(result.trips).toEqual([]);
    expect(result.plan.levels[0]?.targets).toEqual(["web-2"]);
  });

  it("acts on none of three failing targets and reports the numbers", () => {
    const failing = ["web-1", "web-2", "web-3"].map(down);
    const result = applyGuard(plan({ failing, levels: ladder, targets: groups }), groups, () => DEFAULT);
    expect(result.trips).toEqual([{ group: "web", targets: 3, failing: 3, limit: 1 }]);
    expect(result.plan.levels.map((l) => [l.level, l.targets])).toEqual([
      ["node", []],
      ["deploy", []],
    ]);
    expect(result.plan.notes[0]).toBe(
      "blast-radius guard tripped for web: 3 of 3 targets failing, limit 1; no target-scoped action runs for it",
    );
  });

  it("does not count targets chosen because an environment-wide level rebuilds everything", () => {
    const failing = [{ ...down("web-1"), check: "provider", level: "account", target: undefined }];
    const result = applyGuard(plan({ failing, levels: ladder, targets: groups }), groups, () => DEFAULT);
    expect(result.trips).toEqual([]);
    expect(result.plan.levels[1]?.targets).toEqual(["web-1", "web-2", "web-3"]);
  });
});
