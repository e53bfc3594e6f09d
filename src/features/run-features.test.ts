import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Envelope, IdGenerator } from "@cucumber/messages";
import { afterAll, describe, expect, it } from "vitest";
import { runFeatures } from "./run-features.js";

const dsl = JSON.stringify(path.join(import.meta.dirname, "dsl.ts"));
const dir = mkdtempSync(path.join(tmpdir(), "escalator-run-features-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }');

async function run(name: string, feature: string, steps: string, extra: { parallel?: number } = {}) {
  writeFileSync(path.join(dir, `${name}.feature`), feature);
  writeFileSync(
    path.join(dir, `${name}.steps.ts`),
    `import { After, Before, Given, When, Then } from ${dsl};\n${steps}`,
  );
  const envelopes: Envelope[] = [];
  const summary = await runFeatures({
    paths: [`${name}.feature`],
    require: [`${name}.steps.ts`],
    cwd: dir,
    newId: IdGenerator.incrementing(),
    target: "http://example.test",
    onMessage: (e) => envelopes.push(e),
    ...extra,
  });
  const statuses = envelopes.flatMap((e) =>
    e.testStepFinished ? [e.testStepFinished.testStepResult.status] : [],
  );
  return { summary, envelopes, statuses };
}

describe("runFeatures", () => {
  it("reports a ready-to-paste snippet for an undefined step", async () => {
    const { summary, envelopes } = await run(
      "undefined",
      'Feature: U\n  Scenario: s\n    Then the page shows "hello" 3 times\n      """\n      text\n      """\n',
      "",
    );
    const code = envelopes.find((e) => e.suggestion)?.suggestion?.snippets[0]?.code;
    expect(code).toBe(
      'Then("the page shows {string} {int} times", (string: string, int: number, docString: string) => {\n  return "pending"\n})',
    );
    expect(summary.scenarios.UNDEFINED).toBe(1);
    expect(summary.problems[0]).toMatchObject({ status: "UNDEFINED", uri: "undefined.feature", line: 3 });
  });

  it("names every matching definition of an ambiguous step", async () => {
    const { summary, statuses } = await run(
      "ambiguous",
      "Feature: A\n  Scenario: s\n    Given a red ball\n",
      'Given("a red ball", () => {});\nGiven(/^a (\\w+) ball$/, () => {});\n',
    );
    expect(statuses).toEqual(["AMBIGUOUS"]);
    const message = summary.problems[0]?.message ?? "";
    // Line numbers are exact under plain Node; Vitest's own stack-trace rewriting can skew them here.
    expect(message).toContain("a red ball - ambiguous.steps.ts:");
    expect(message).toContain("/^a (\\w+) ball$/ - ambiguous.steps.ts:");
  });

  it("gives each scenario a fresh World with the target among its parameters", async () => {
    const { summary } = await run(
      "world",
      "Feature: W\n  Scenario: one\n    Given I count\n  Scenario: two\n    Given I count\n",
      `Given("I count", function () {
  this.count = (this.count ?? 0) + 1;
  if (this.count !== 1) throw new Error("World leaked: " + this.count);
  if (this.parameters.target !== "http://example.test") throw new Error("no target");
});\n`,
    );
    expect(summary.scenarios.PASSED).toBe(2);
  });

  it("skips the steps after a failing one, but still runs After hooks", async () => {
    const { summary, statuses, envelopes } = await run(
      "failing",
      "Feature: F\n  Scenario: s\n    Given it breaks\n    And this is skipped\n",
      `let lastAfterRan = false;
Before(function () {});
Given("it breaks", () => { throw new Error("boom"); });
Given("this is skipped", () => {});
After(function () { if (!lastAfterRan) throw new Error("After hooks run in reverse order"); });
After(function () { lastAfterRan = true; });\n`,
    );
    expect(statuses).toEqual(["PASSED", "FAILED", "SKIPPED", "PASSED", "PASSED"]);
    expect(summary.steps).toMatchObject({ FAILED: 1, SKIPPED: 1 });
    expect(summary.problems).toMatchObject([
      { status: "FAILED", line: 3, step: "it breaks", message: "boom" },
    ]);
    expect(envelopes.at(-1)?.testRunFinished?.success).toBe(false);
  });

  it("runs in parallel but emits each test case's messages together and in order", async () => {
    const scenarios = [30, 1, 15, 1]
      .map((ms, i) => `  Scenario: s${i}\n    Given I wait ${ms} ms\n`)
      .join("");
    const { envelopes, summary } = await run(
      "parallel",
      `Feature: P\n${scenarios}`,
      `Given("I wait {int} ms", (ms: number) => new Promise((r) => setTimeout(r, ms)));\n`,
      { parallel: 4 },
    );
    expect(summary.scenarios.PASSED).toBe(4);
    const order = envelopes.flatMap((e) => {
      if (e.testCaseStarted) return [`start ${e.testCaseStarted.testCaseId}`];
      if (e.testCaseFinished) return ["finish"];
      return [];
    });
    const testCaseIds = envelopes.flatMap((e) => (e.testCase ? [e.testCase.id] : []));
    expect(order).toEqual(testCaseIds.flatMap((id) => [`start ${id}`, "finish"]));
  });

  it("a World constructor that throws fails its scenarios, not the whole run", async () => {
    const { summary, statuses } = await run(
      "world",
      "Feature: W\n  Scenario: a\n    Given one\n    Then two\n",
      `import { setWorldConstructor } from ${dsl};
setWorldConstructor(class { constructor() { throw new Error("no credentials"); } });
Given("one", () => {});
Then("two", () => {});`,
    );
    expect(statuses).toEqual(["FAILED", "SKIPPED"]);
    expect(summary.scenarios.FAILED).toBe(1);
    expect(summary.problems[0]?.message).toBe("World constructor failed: no credentials");
  });

  it("collects support-code load errors with the file name instead of throwing", async () => {
    const { summary, envelopes } = await run(
      "loaderr",
      "Feature: L\n  Scenario: s\n    Given x\n",
      "throw new Error('bad file');\n",
    );
    expect(summary.errors).toMatchObject([{ uri: "loaderr.steps.ts" }]);
    expect(summary.errors[0]?.message).toContain("bad file");
    expect(envelopes.at(-1)?.testRunFinished?.success).toBe(false);
  });
});
