import { describe, expect, it } from "vitest";
import type { CheckState } from "../config/schema.js";
import { CheckTracker, type CheckTrackerOptions } from "./check-tracker.js";
import type { CheckResult } from "./types.js";

const result = (state: CheckState): CheckResult => ({ state, message: state, perfdata: [], durationMs: 1 });
const O = "OK";
const W = "WARNING";
const C = "CRITICAL";
const U = "UNKNOWN";

/** Feeds states at t = 1, 2, 3, ... and returns `failing` after each. */
function failingAfterEach(options: CheckTrackerOptions, states: CheckState[]): boolean[] {
  const tracker = new CheckTracker(options);
  return states.map((state, i) => tracker.record(result(state), i + 1).failing);
}

describe("CheckTracker", () => {
  const F = true;
  const P = false;
  it.each<{ name: string; options: CheckTrackerOptions; states: CheckState[]; failing: boolean[] }>([
    {
      name: "one CRITICAL fails at once with failures 1",
      options: { failures: 1, successes: 1, escalateOn: ["CRITICAL"] },
      states: [O, C, O],
      failing: [P, F, P],
    },
    {
      name: "failures 3 needs three requiring results in a row",
      options: { failures: 3, successes: 1, escalateOn: ["CRITICAL"] },
      states: [C, C, O, C, C, C, C],
      failing: [P, P, P, P, P, F, F],
    },
    {
      name: "successes 2 needs two passing results in a row to recover",
      options: { failures: 1, successes: 2, escalateOn: ["CRITICAL"] },
      states: [C, O, C, O, O, O],
      failing: [F, F, F, F, P, P],
    },
    {
      name: "WARNING and UNKNOWN do not escalate by default",
      options: { failures: 1, successes: 1, escalateOn: ["CRITICAL"] },
      states: [W, U, W, C],
      failing: [P, P, P, F],
    },
    {
      name: "escalateOn WARNING makes WARNING count; CRITICAL still does",
      options: { failures: 2, successes: 1, escalateOn: ["WARNING"] },
      states: [W, C, O, W, W],
      failing: [P, F, P, P, F],
    },
    {
      name: "an UNKNOWN that does not escalate proves nothing: it neither starts nor ends a failure",
      options: { failures: 1, successes: 1, escalateOn: [] },
      states: [U, C, U, U, O, U],
      failing: [P, F, F, F, P, P],
    },
    {
      name: "escalateOn UNKNOWN: a mix of requiring states keeps the streak",
      options: { failures: 3, successes: 1, escalateOn: ["UNKNOWN"] },
      states: [U, C, U, O],
      failing: [P, P, F, P],
    },
    {
      name: "while failing, a non-requiring WARNING counts toward recovery",
      options: { failures: 1, successes: 2, escalateOn: ["CRITICAL"] },
      states: [C, W, O],
      failing: [F, F, P],
    },
  ])("$name", ({ options, states, failing }) => {
    expect(failingAfterEach(options, states)).toEqual(failing);
  });

  it("reports changed, stateChanged and previousState", () => {
    const tracker = new CheckTracker({ failures: 2, successes: 1, escalateOn: [] });
    expect(tracker.record(result(O), 10)).toEqual({
      failing: false,
      changed: false,
      stateChanged: true,
      previousState: undefined,
    });
    expect(tracker.record(result(C), 20)).toEqual({
      failing: false,
      changed: false,
      stateChanged: true,
      previousState: "OK",
    });
    expect(tracker.record(result(C), 30)).toEqual({
      failing: true,
      changed: true,
      stateChanged: false,
      previousState: "CRITICAL",
    });
    expect(tracker.record(result(O), 40)).toEqual({
      failing: false,
      changed: true,
      stateChanged: true,
      previousState: "CRITICAL",
    });
  });

  it("exposes state, failing, since and lastResult", () => {
    const tracker = new CheckTracker({ failures: 2, successes: 1, escalateOn: [] });
    expect([tracker.state, tracker.failing, tracker.since, tracker.lastResult]).toEqual([
      undefined,
      false,
      undefined,
      undefined,
    ]);
    tracker.record(result(C), 100);
    expect(tracker.since).toBeUndefined();
    const second = result(C);
    tracker.record(second, 200);
    expect([tracker.state, tracker.failing, tracker.since, tracker.lastResult]).toEqual([
      C,
      true,
      200,
      second,
    ]);
    tracker.record(result(C), 300);
    expect(tracker.since).toBe(200);
    tracker.record(result(O), 400);
    expect([tracker.state, tracker.failing, tracker.since]).toEqual([O, false, undefined]);
  });

  it("says which states require escalation", () => {
    const tracker = new CheckTracker({ failures: 1, successes: 1, escalateOn: ["WARNING"] });
    expect(requirementsOf(tracker)).toEqual({ OK: false, WARNING: true, CRITICAL: true, UNKNOWN: false });
  });
});

function requirementsOf(tracker: CheckTracker): Record<CheckState, boolean> {
  const states: CheckState[] = ["OK", "WARNING", "CRITICAL", "UNKNOWN"];
  return Object.fromEntries(states.map((s) => [s, tracker.requiresEscalation(s)])) as Record<
    CheckState,
    boolean
  >;
}
