import { describe, expect, it } from "vitest";
import type { CheckState } from "../config/schema.js";
import { EscalatorError } from "../util/errors.js";
import { FlapDetector } from "./flap-detector.js";

const STATE: Record<string, CheckState> = { O: "OK", W: "WARNING", C: "CRITICAL", U: "UNKNOWN" };

/** "OCOC" → the readings after each result. */
function feed(states: string, options = { low: 5, high: 20 }) {
  const detector = new FlapDetector(options);
  return [...states].map((s) => detector.record(STATE[s] as CheckState));
}

const last = <T>(items: T[]): T => items[items.length - 1] as T;

describe("FlapDetector percent state change", () => {
  // Change weights: 0.8 + (x - 1) * 0.4 / 19 for position x = 1 (oldest) … 20 (newest); percent = sum / 20 * 100.
  it.each([
    ["one result", "O", 0],
    ["21 equal results", "O".repeat(21), 0],
    ["the newest result changes (weight 1.2)", `${"O".repeat(20)}C`, 6],
    ["only the oldest change is left (weight 0.8)", `C${"O".repeat(20)}`, 4],
    ["a change in the middle (x = 10, weight 18.8/19)", `${"O".repeat(10)}${"C".repeat(11)}`, 94 / 19],
    ["every result changes (mean weight 1.0)", `${"OC".repeat(10)}O`, 100],
    ["still 100 once the window slides", "OC".repeat(20), 100],
    ["WARNING to CRITICAL is a change too", `${"O".repeat(19)}WC`, 226 / 19],
    ["UNKNOWN counts like any other state", `${"O".repeat(19)}UO`, 226 / 19],
  ])("%s → %f%%", (_name, states, percent) => {
    expect(last(feed(states)).percent).toBeCloseTo(percent, 9);
  });

  it("before 21 results, missing history counts as the first state: no change, same divisor", () => {
    // O, C: one change at the newest position, 1.2 / 20.
    expect(feed("OC").map((r) => r.percent)).toEqual([0, 6]);
    // O, C, O: changes at x = 19 and x = 20, (22.4/19 + 1.2) / 20 = 226/19 %.
    expect(last(feed("OCO")).percent).toBeCloseTo(226 / 19, 9);
  });
});

describe("FlapDetector flapping with hysteresis (low 5, high 20)", () => {
  // Four changes in a row, then steady OK until they leave the 21-result window.
  const readings = feed(`OCOCO${"O".repeat(20)}`);
  const table: [number, number, boolean, boolean][] = [
    // [result number, percent, flapping, changed]
    [1, 0, false, false],
    [2, 6, false, false],
    [3, 226 / 19, false, false],
    [4, 336 / 19, false, false],
    [5, 444 / 19, true, true], // 23.37 > 20: starts
    [6, 436 / 19, true, false],
    [13, 20, true, false], // exactly high: between the thresholds, keeps flapping
    [14, 372 / 19, true, false], // below high, above low: keeps flapping
    [21, 316 / 19, true, false],
    [22, 234 / 19, true, false], // the oldest change left the window
    [23, 154 / 19, true, false],
    [24, 4, false, true], // one change left, at x = 1: 4 < 5, stops
    [25, 0, false, false],
  ];
  it.each(table)("after result %i: %f%%, flapping %s, changed %s", (n, percent, flapping, changed) => {
    const reading = readings[n - 1];
    expect(reading?.percent).toBeCloseTo(percent, 9);
    expect(reading?.flapping).toBe(flapping);
    expect(reading?.changed).toBe(changed);
  });

  it("starts only strictly above high and stops only strictly below low", () => {
    expect(last(feed("OC", { low: 0, high: 6 }))).toEqual({ flapping: false, changed: false, percent: 6 });
    expect(last(feed("OC", { low: 0, high: 5.9 }))).toEqual({ flapping: true, changed: true, percent: 6 });
    // Flapping, then 4% with low 4: not below low, keeps flapping.
    expect(last(feed(`C${"O".repeat(20)}`, { low: 4, high: 5 })).flapping).toBe(true);
    expect(last(feed(`C${"O".repeat(20)}`, { low: 4.1, high: 5 })).flapping).toBe(false);
  });

  it("a steady check never flaps, whatever its state", () => {
    expect(feed("C".repeat(50)).every((r) => !r.flapping && r.percent === 0)).toBe(true);
  });

  it("exposes the current verdict", () => {
    const detector = new FlapDetector({ low: 5, high: 20 });
    for (const s of "OCOCO") detector.record(STATE[s] as CheckState);
    expect(detector.flapping).toBe(true);
    expect(detector.percent()).toBeCloseTo(444 / 19, 9);
  });
});

describe("FlapDetector options", () => {
  it("defaults to a window of 21 and honours another one", () => {
    expect(new FlapDetector({ low: 5, high: 20 }).window).toBe(21);
    // Window 3: two possible changes weighted 0.8 and 1.2, divided by 2.
    const detector = new FlapDetector({ low: 5, high: 20, window: 3 });
    expect(["OK", "CRITICAL", "OK"].map((s) => detector.record(s as CheckState).percent)).toEqual([
      0, 60, 100,
    ]);
  });

  it.each([
    [{ low: 5, high: 20, window: 2 }, "window must be a whole number ≥ 3, not 2"],
    [{ low: 5, high: 20, window: 10.5 }, "window must be a whole number ≥ 3, not 10.5"],
    [{ low: 30, high: 20 }, "needs 0 ≤ low ≤ high ≤ 100, not low 30 and high 20"],
    [{ low: -1, high: 20 }, "needs 0 ≤ low ≤ high ≤ 100, not low -1 and high 20"],
    [{ low: 5, high: 101 }, "needs 0 ≤ low ≤ high ≤ 100, not low 5 and high 101"],
  ])("refuses %j", (options, words) => {
    expect(() => new FlapDetector(options)).toThrowError(EscalatorError);
    expect(() => new FlapDetector(options)).toThrow(words);
  });
});
