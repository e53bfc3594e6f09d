import type { Command } from "commander";
import { registerBuiltinSteps } from "../features/builtin/builtin-steps.js";
import { createFormatter } from "../features/formatters/registry.js";
import { runFeatures } from "../features/run-features.js";
import type { Formatter } from "../features/types.js";
import { EscalatorError } from "../util/errors.js";
import { EXIT } from "./command-context.js";

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
      const parallel = parallelOf(options.parallel);
      checkTarget(options.target);
      const specs =
        options.format.length > 0 ? options.format : [process.stdout.isTTY ? "pretty" : "progress"];
      const formatters: Formatter[] = specs.map((spec) =>
        createFormatter(spec, {
          stdout: process.stdout,
          cwd: process.cwd(),
          color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
        }),
      );
      const summary = await runFeatures({
        paths,
        cwd: process.cwd(),
        require: options.require,
        parallel,
        ...(options.tags ? { tags: options.tags } : {}),
        ...(options.target ? { target: options.target } : {}),
        supportCode: [registerBuiltinSteps],
        onMessage: (envelope) => {
          for (const formatter of formatters) formatter.onMessage?.(envelope);
        },
      });
      for (const formatter of formatters) await formatter.finish?.();
      for (const error of summary.errors)
        process.stderr.write(`${error.uri}${error.line ? `:${error.line}` : ""} ${error.message}\n`);
      const s = summary.scenarios;
      process.exitCode =
        summary.errors.length > 0
          ? EXIT.usage
          : s.FAILED + s.UNDEFINED + s.AMBIGUOUS + s.PENDING > 0 || summary.problems.length > 0
            ? EXIT.failure
            : EXIT.ok;
    });
}
