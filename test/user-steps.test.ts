import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * A user's project: TypeScript step files under features/steps import from "escalator" exactly as
 * they would import from cucumber-js, and run without a build step (CommonJS mode, no "type").
 */
describe("user step files written for cucumber-js", () => {
  const dir = tmpDir("escalator-user-");
  afterAll(() => dir.remove());

  it("load from features/steps/*.ts with only the import changed, and run", async () => {
    mkdirSync(join(dir.path, "node_modules"));
    symlinkSync(ROOT, join(dir.path, "node_modules", "escalator"));
    mkdirSync(join(dir.path, "features", "steps"), { recursive: true });
    writeFileSync(
      join(dir.path, "features", "steps", "belly.ts"),
      `import { DataTable, defineParameterType, Given, Then, When } from "escalator";

interface Belly { cukes: number }
defineParameterType({ name: "flavour", regexp: /sweet|sour/, transformer: (s: string) => s.toUpperCase() });
Given("I have {int} {flavour} cukes in my belly", function (this: Belly, count: number, flavour: string) {
  if (flavour !== "SWEET") throw new Error("custom parameter type not applied");
  this.cukes = count;
});
When("I eat:", function (this: Belly, table: DataTable) {
  for (const row of table.hashes()) this.cukes -= Number(row.count);
});
Then("I have {int} left", function (this: Belly, left: number) {
  if (this.cukes !== left) throw new Error(\`expected \${left} but have \${this.cukes}\`);
});
`,
    );
    writeFileSync(
      join(dir.path, "features", "belly.feature"),
      `Feature: Belly
  Scenario Outline: eating
    Given I have <start> sweet cukes in my belly
    When I eat:
      | count |
      | 2     |
    Then I have <left> left
    Examples:
      | start | left |
      | 5     | 3    |
      | 4     | 2    |
`,
    );
    const result = await runCli(["test", "--format", "progress"], { cwd: dir.path });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("2 scenarios (2 passed)");
    expect(result.code).toBe(0);
  });
});
