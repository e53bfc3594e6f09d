import { describe, expect, it } from "vitest";
import { plan } from "./planner.js";
import type { FailingCheck, LadderLevel } from "./types.js";

// The original design's ladder, most drastic first.
const ladder: LadderLevel[] = [
  { name: "account" },
  { name: "core-network" },
  { name: "tier" },
  { name: "node", for_each: "web" },
  { name: "converge", for_each: "web" },
  { name: "deploy" },
];
const targets = { web: ["web-1", "web-2", "web-3"] };

const fail = (check: string, level: string, target?: string): FailingCheck => ({
  check,
  level,
  target,
  state: "CRITICAL",
  message: "down",
});
const summary = (failing: FailingCheck[], startAt?: number) =>
  plan({ failing, levels: ladder, targets, startAt }).levels.map((l) =>
    l.scope === "targets" ? `${l.level}:${l.targets.join(",")}` : l.level,
  );

describe("planner: the original design's examples", () => {
  it("with nothing in place (provider check fails), levels 1 to 6 run, target levels on every target", () => {
    expect(summary([fail("provider-online", "account")])).toEqual([
      "account",
      "core-network",
      "tier",
      "node:web-1,web-2,web-3",
      "converge:web-1,web-2,web-3",
      "deploy",
    ]);
  });

  it("when one node fails, levels 4 to 6 run for that node", () => {
    expect(summary([fail("node-ping", "node", "web-2")])).toEqual(["node:web-2", "converge:web-2", "deploy"]);
  });

  it("when the smoke test fails, only level 6 runs", () => {
    expect(summary([fail("smoke", "deploy")])).toEqual(["deploy"]);
  });
});

describe("planner: table", () => {
  const cases: { name: string; failing: FailingCheck[]; startAt?: number; expected: string[] }[] = [
    { name: "nothing failing plans nothing", failing: [], expected: [] },
    {
      name: "per-tier services failing runs tier and everything after, on all targets",
      failing: [fail("tier-services", "tier")],
      expected: ["tier", "node:web-1,web-2,web-3", "converge:web-1,web-2,web-3", "deploy"],
    },
    {
      name: "a converge failure on one node and a node failure on another: both converge, only one is replaced",
      failing: [fail("node-services", "converge", "web-3"), fail("node-ping", "node", "web-1")],
      expected: ["node:web-1", "converge:web-1,web-3", "deploy"],
    },
    {
      name: "the most drastic level wins over less drastic failures",
      failing: [fail("smoke", "deploy"), fail("node-ping", "node", "web-2"), fail("provider", "account")],
      expected: [
        "account",
        "core-network",
        "tier",
        "node:web-1,web-2,web-3",
        "converge:web-1,web-2,web-3",
        "deploy",
      ],
    },
    {
      name: "targets follow group order, whatever the failure order",
      failing: [fail("p", "node", "web-3"), fail("p", "node", "web-1")],
      expected: ["node:web-1,web-3", "converge:web-1,web-3", "deploy"],
    },
    {
      name: "startAt re-plans from a more drastic level than the failures require",
      failing: [fail("smoke", "deploy")],
      startAt: 4,
      expected: ["converge:", "deploy"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => expect(summary(c.failing, c.startAt)).toEqual(c.expected));
  }

  it("keeps the failing checks as the trigger and notes failures it cannot place", () => {
    const result = plan({
      failing: [fail("smoke", "deploy"), fail("ghost", "no-such-level"), fail("p", "node", "web-9")],
      levels: ladder,
      targets,
    });
    expect(result.trigger.map((t) => t.check)).toEqual(["smoke", "p"]);
    expect(result.notes).toEqual([
      "check ghost maps to unknown level no-such-level; ignored",
      "target web-9 is failing but no longer in group web; not acted on",
    ]);
    expect(result.levels[0]).toMatchObject({ level: "node", targets: [] });
  });

  it("does not mutate its input and is deterministic", () => {
    const failing = Object.freeze([fail("p", "node", "web-2")]);
    const a = plan({ failing, levels: ladder, targets });
    const b = plan({ failing, levels: ladder, targets });
    expect(a).toEqual(b);
  });

  it("plans over 10,000 targets", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `n-${i}`);
    const failing = many.filter((_, i) => i % 3 === 0).map((t) => fail("port", "node", t));
    const result = plan({ failing, levels: ladder, targets: { web: many } });
    expect(result.levels[0]?.targets).toHaveLength(3334);
    expect(result.levels[1]?.targets).toHaveLength(3334);
  });
});
