import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Envelope } from "@cucumber/messages";
import { describe, expect, it } from "vitest";
import { MessageSummary, summarizeMessages } from "./summarize-messages.js";

const kit = dirname(createRequire(import.meta.url).resolve("@cucumber/compatibility-kit/package.json"));
function sample(name: string): Envelope[] {
  const text = readFileSync(join(kit, "features", name, `${name}.ndjson`), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Envelope);
}

const counts = (c: Partial<Record<string, number>>) => ({
  PASSED: 0,
  FAILED: 0,
  UNDEFINED: 0,
  PENDING: 0,
  AMBIGUOUS: 0,
  SKIPPED: 0,
  ...c,
});

describe("summarizeMessages over the Cucumber Compatibility Kit samples", () => {
  it("minimal: one passing scenario, its duration from the run timestamps", () => {
    const summary = summarizeMessages(sample("minimal"));
    expect(summary.scenarios).toEqual(counts({ PASSED: 1 }));
    expect(summary.steps).toEqual(counts({ PASSED: 1 }));
    expect(summary.durationMs).toBe(5);
    expect(summary.problems).toEqual([]);
    expect(summary.errors).toEqual([]);
  });

  it("all-statuses: one scenario per status, with problems located on the step line", () => {
    const summary = summarizeMessages(sample("all-statuses"));
    expect(summary.scenarios).toEqual(
      counts({ PASSED: 1, FAILED: 1, PENDING: 1, SKIPPED: 1, UNDEFINED: 1, AMBIGUOUS: 1 }),
    );
    expect(summary.steps).toEqual(
      counts({ PASSED: 8, FAILED: 1, PENDING: 1, SKIPPED: 6, UNDEFINED: 1, AMBIGUOUS: 1 }),
    );
    const failed = summary.problems.find((p) => p.status === "FAILED");
    expect(failed).toEqual({
      status: "FAILED",
      uri: "samples/all-statuses/all-statuses.feature",
      line: 13,
      scenario: "Failing",
      step: "And a failing step",
      message: "whoops",
    });
    expect(summary.problems.map((p) => [p.status, p.line])).toEqual(
      expect.arrayContaining([
        ["PENDING", 18],
        ["UNDEFINED", 28],
        ["AMBIGUOUS", 33],
      ]),
    );
    expect(summary.problems).toHaveLength(4);
  });

  it("failedish-combinations: the worst step decides (FAILED > AMBIGUOUS > UNDEFINED > PENDING)", () => {
    const summary = summarizeMessages(sample("failedish-combinations"));
    expect(summary.scenarios).toEqual(
      counts({ FAILED: 2, AMBIGUOUS: 4, UNDEFINED: 1, PENDING: 1, SKIPPED: 1 }),
    );
    expect(summary.steps.AMBIGUOUS).toBe(6);
    expect(summary.steps.UNDEFINED).toBe(6);
  });

  it("undefined, pending, ambiguous and skipped samples", () => {
    expect(summarizeMessages(sample("undefined")).scenarios).toEqual(counts({ UNDEFINED: 4 }));
    expect(summarizeMessages(sample("undefined")).steps).toEqual(
      counts({ PASSED: 1, UNDEFINED: 4, SKIPPED: 1 }),
    );
    const undefinedProblem = summarizeMessages(sample("undefined")).problems[0];
    expect(undefinedProblem?.message).toContain('Given("a step that is yet to be defined"');
    expect(summarizeMessages(sample("pending")).scenarios).toEqual(counts({ PENDING: 3 }));
    const ambiguous = summarizeMessages(sample("ambiguous"));
    expect(ambiguous.scenarios).toEqual(counts({ AMBIGUOUS: 1 }));
    expect(ambiguous.problems[0]?.message).toContain("samples/ambiguous/ambiguous.ts:3");
    expect(ambiguous.problems[0]?.message).toContain("samples/ambiguous/ambiguous.ts:7");
    expect(summarizeMessages(sample("skipped")).scenarios).toEqual(counts({ SKIPPED: 2 }));
  });

  it("examples-tables and rules: one scenario per example row; rules do not change counting", () => {
    const examples = summarizeMessages(sample("examples-tables"));
    expect(examples.scenarios).toEqual(counts({ PASSED: 5, FAILED: 2 }));
    expect(examples.problems.every((p) => p.line === 14 && p.scenario === "Eating cucumbers")).toBe(true);
    expect(summarizeMessages(sample("rules")).scenarios).toEqual(counts({ PASSED: 3 }));
  });

  it("retry: only the last attempt of a retried test case counts", () => {
    expect(summarizeMessages(sample("retry")).scenarios).toEqual(counts({ PASSED: 3, FAILED: 1 }));
  });

  it("hooks: a failing step fails its scenario; hooks are not counted as steps", () => {
    const summary = summarizeMessages(sample("hooks"));
    expect(summary.scenarios).toEqual(counts({ PASSED: 1, FAILED: 1 }));
    expect(summary.steps).toEqual(counts({ PASSED: 1, FAILED: 1 }));
  });

  it("global hooks and test-run exceptions", () => {
    const beforeAll = summarizeMessages(sample("global-hooks-beforeall-error"));
    expect(beforeAll.problems).toEqual([
      expect.objectContaining({
        status: "FAILED",
        uri: "samples/global-hooks-beforeall-error/global-hooks-beforeall-error.ts",
        line: 7,
      }),
    ]);
    expect(summarizeMessages(sample("test-run-exception")).errors).toEqual([{ uri: "", message: "Whoops!" }]);
  });

  it("collects every parse error with its file and line", () => {
    const summary = new MessageSummary();
    summary.add({
      parseError: {
        source: { uri: "features/a.feature", location: { line: 3, column: 1 } },
        message: "(3:1): expected: ...",
      },
    });
    summary.add({ parseError: { source: { uri: "features/b.feature" }, message: "bad" } });
    expect(summary.get().errors).toEqual([
      { uri: "features/a.feature", line: 3, message: "(3:1): expected: ..." },
      { uri: "features/b.feature", message: "bad" },
    ]);
  });
});
