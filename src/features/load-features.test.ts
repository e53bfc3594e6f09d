import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { IdGenerator } from "@cucumber/messages";
import { afterAll, describe, expect, it } from "vitest";
import { loadFeatures } from "./load-features.js";

const dir = mkdtempSync(path.join(tmpdir(), "escalator-load-features-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, "features/sub"), { recursive: true });
writeFileSync(
  path.join(dir, "features/b.feature"),
  `Feature: B
  Background:
    Given a background step

  @smoke
  Scenario: tagged
    When it runs

  @wip
  Scenario Outline: eat <n>
    When I eat <n>

    Examples:
      | n |
      | 1 |
      | 2 |
`,
);
writeFileSync(path.join(dir, "features/sub/a.feature"), "Feature: A\n  Scenario: plain\n    Given a step\n");

describe("loadFeatures", () => {
  it("expands folders (sorted), inlines backgrounds and expands outlines", async () => {
    const loaded = await loadFeatures({ paths: ["features"], cwd: dir, newId: IdGenerator.incrementing() });
    expect(loaded.errors).toEqual([]);
    expect(loaded.pickles.map((p) => `${p.uri}: ${p.name}`)).toEqual([
      "features/b.feature: tagged",
      "features/b.feature: eat 1",
      "features/b.feature: eat 2",
      "features/sub/a.feature: plain",
    ]);
    expect(loaded.pickles[1]?.steps.map((s) => s.text)).toEqual(["a background step", "I eat 1"]);
    const kinds = loaded.envelopes.map((e) => Object.keys(e)[0]);
    expect(kinds.slice(0, 5)).toEqual(["source", "gherkinDocument", "pickle", "pickle", "pickle"]);
  });

  it("filters with a tag expression", async () => {
    const loaded = await loadFeatures({ paths: ["features"], cwd: dir, tags: "@smoke or not @wip" });
    expect(loaded.pickles.map((p) => p.name)).toEqual(["tagged", "plain"]);
    const bad = await loadFeatures({ paths: ["features"], cwd: dir, tags: "@a and" });
    expect(bad.errors[0]?.uri).toBe("--tags");
  });

  it("collects every parse error with its file and line, and missing paths", async () => {
    writeFileSync(
      path.join(dir, "broken.feature"),
      "Feature: X\n  Scenario: s\n    Given ok\n  nonsense\n  Scenario: t\n    Given ok\n  more nonsense\n",
    );
    const loaded = await loadFeatures({ paths: ["broken.feature", "missing"], cwd: dir });
    const parseErrors = loaded.errors.filter((e) => e.uri === "broken.feature");
    expect(parseErrors.map((e) => e.line)).toEqual([4, 7]);
    expect(loaded.errors.some((e) => e.uri === "missing")).toBe(true);
    expect(loaded.envelopes.filter((e) => e.parseError)).toHaveLength(2);
  });
});
