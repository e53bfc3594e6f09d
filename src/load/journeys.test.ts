import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { loadJourneys, WeightedPicker, weightOf } from "./journeys.js";

describe("weightOf", () => {
  it("defaults to 1, and the last @weight tag (the scenario's, listed after the feature's) wins", () => {
    expect(weightOf([])).toEqual({ weight: 1 });
    expect(weightOf(["@smoke", "@weight:70"])).toEqual({ weight: 70 });
    expect(weightOf(["@weight:70", "@weight:5"])).toEqual({ weight: 5 });
    expect(weightOf(["@weight:0.5"])).toEqual({ weight: 0.5 });
    expect(weightOf(["@weight:0"])).toEqual({ weight: 0 });
  });

  it("reads the tag case-insensitively: @Weight:5 and @WEIGHT:5 count like @weight:5", () => {
    expect(weightOf(["@Weight:5"])).toEqual({ weight: 5 });
    expect(weightOf(["@weight:2", "@WEIGHT:7"])).toEqual({ weight: 7 });
    expect(weightOf(["@Weight:x"])).toEqual({
      error: "@Weight:x is not a weight; write @weight:N with N a number such as 70",
    });
  });

  it("rejects a weight that is not a number", () => {
    expect(weightOf(["@weight:lots"])).toEqual({
      error: "@weight:lots is not a weight; write @weight:N with N a number such as 70",
    });
    expect(weightOf(["@weight:-1"])).toHaveProperty("error");
  });
});

describe("WeightedPicker (smooth weighted round-robin)", () => {
  it("is exact over every full cycle of the weights and interleaves rather than bursts", () => {
    const items = [
      { name: "a", weight: 70 },
      { name: "b", weight: 20 },
      { name: "c", weight: 10 },
    ];
    const picker = new WeightedPicker(items);
    const sequence = Array.from({ length: 1000 }, () => picker.next().name);
    const count = (name: string, upTo = sequence.length) =>
      sequence.slice(0, upTo).filter((n) => n === name).length;
    expect([count("a"), count("b"), count("c")]).toEqual([700, 200, 100]);
    // Within one pick of the exact share at every prefix.
    for (let upTo = 1; upTo <= 1000; upTo++) {
      expect(Math.abs(count("a", upTo) - 0.7 * upTo)).toBeLessThanOrEqual(1);
      expect(Math.abs(count("c", upTo) - 0.1 * upTo)).toBeLessThanOrEqual(1);
    }
    // Deterministic: a second picker gives the same sequence.
    const again = new WeightedPicker(items);
    expect(Array.from({ length: 20 }, () => again.next().name)).toEqual(sequence.slice(0, 20));
    // No long runs of the heavy journey.
    expect(sequence.join("").match(/a{4,}/)).toBeNull();
  });

  it("handles fractional weights and a single item", () => {
    const picker = new WeightedPicker([
      { name: "x", weight: 0.5 },
      { name: "y", weight: 1.5 },
    ]);
    const names = Array.from({ length: 400 }, () => picker.next().name);
    expect(names.filter((n) => n === "x")).toHaveLength(100);
    const one = new WeightedPicker([{ name: "only", weight: 3 }]);
    expect([one.next().name, one.next().name]).toEqual(["only", "only"]);
    expect(() => new WeightedPicker([])).toThrow(/at least one/);
  });
});

describe("loadJourneys", () => {
  let dir: { path: string; remove: () => void };
  afterEach(() => dir.remove());

  const write = (file: string, text: string) => {
    const full = path.join(dir.path, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  };

  it("plans each scenario once with its weight, built-in steps matched and arguments prepared", async () => {
    dir = tmpDir();
    write(
      "features/shop.feature",
      `@weight:20
Feature: Shop
  @weight:70
  Scenario: Browse
    When I GET "/items"
    Then the response status should be 200

  Scenario: Health
    When I GET "/health"

  @weight:0
  Scenario: Never
    When I GET "/never"
`,
    );
    const loaded = await loadJourneys({ paths: ["features"], cwd: dir.path });
    expect(loaded.errors).toEqual([]);
    expect(loaded.journeys.map((j) => [j.index, j.name, j.weight, j.line])).toEqual([
      [0, "Browse", 70, 4],
      [1, "Health", 20, 8],
    ]);
    const browse = loaded.journeys[0];
    expect(browse?.steps.map((s) => [s.kind, s.text, s.args])).toEqual([
      ["step", 'I GET "/items"', ["/items"]],
      ["step", "the response status should be 200", [200]],
    ]);
  });

  it("reports undefined and ambiguous steps and bad weights with file:line, and names outline rows apart", async () => {
    dir = tmpDir();
    write(
      "features/bad.feature",
      `Feature: Bad
  Scenario: Undefined
    When I dance

  @weight:many
  Scenario: Heavy
    When I GET "/"

  Scenario Outline: Row
    When I GET "<path>"
    Examples:
      | path |
      | /a   |
      | /b   |
`,
    );
    const loaded = await loadJourneys({ paths: ["features"], cwd: dir.path });
    expect(loaded.errors.map((e) => `${e.uri}:${e.line} ${e.message}`)).toEqual([
      'features/bad.feature:3 Undefined step "I dance" in "Undefined"',
      "features/bad.feature:6 @weight:many is not a weight; write @weight:N with N a number such as 70",
    ]);
    expect(loaded.journeys.map((j) => j.name)).toEqual([
      "Row (features/bad.feature:13)",
      "Row (features/bad.feature:14)",
    ]);
  });

  it("says so when no scenario is selected", async () => {
    dir = tmpDir();
    write("features/a.feature", 'Feature: A\n  @wip\n  Scenario: S\n    When I GET "/"\n');
    const loaded = await loadJourneys({ paths: ["features"], cwd: dir.path, tags: "not @wip" });
    expect(loaded.errors.map((e) => e.message)).toEqual([
      "no scenarios to run (tags: not @wip); a journey is a scenario with a weight above 0",
    ]);
  });
});
