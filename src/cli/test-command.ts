import type { Command } from "commander";
import { EscalatorError } from "../util/errors.js";

export interface ScenarioOptions {
  target?: string;
  tags?: string;
  require: string[];
  parallel: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The options `test` and `monitor` share. */
export function scenarioOptions(command: Command): Command {
  return command
    .option("--target <url>", "base URL for the built-in HTTP steps")
    .option("--tags <expression>", 'run only scenarios matching, e.g. "@smoke and not @wip"')
    .option("--require <path>", "step definition file (repeatable); default features/**/steps/*", collect, [])
    .option("--parallel <n>", "scenarios run at once", "1");
}

/** A --target that is not an http(s) URL is a usage error, not a run of failing scenarios. */
export function checkTarget(target: string | undefined): void {
  if (target === undefined) return;
  let url: URL | undefined;
  try {
    url = new URL(target);
  } catch {}
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new EscalatorError(
      "USAGE",
      `--target must be an http(s) URL such as http://127.0.0.1:8080, got "${target}"`,
    );
  }
}

export function parallelOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new EscalatorError("USAGE", `--parallel must be a whole number from 1 to 64, got "${text}"`);
  return n;
}

export function registerTest(program: Command): void {
  scenarioOptions(
    program
      .command("test")
      .argument("[paths...]", "feature files or folders", ["features"])
      .description("run Gherkin features as behaviour tests"),
  )
    .option(
      "--format <name[:file]>",
      "pretty, progress, junit, message, html; repeatable; e.g. junit:reports/junit.xml",
      collect,
      [],
    )
    .addHelpText(
      "after",
      `
Exit codes: 0 every scenario passed; 1 any failed, undefined, ambiguous or pending; 2 usage or parse error.

Examples:
  escalator test --target http://127.0.0.1:3000
  escalator test features/checkout.feature --tags @smoke --format junit:reports/junit.xml
  escalator test --format message:reports/cucumber.ndjson --format html:reports/cucumber.html`,
    )
    .action(async (paths: string[], options: ScenarioOptions & { format: string[] }) => {
      const { runTest } = await import("./scenario-actions.js");
      await runTest(paths, options);
    });
}
