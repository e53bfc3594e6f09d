import type { Command } from "commander";
import type { ValueOptions } from "./value-action.js";

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerValue(program: Command): void {
  program
    .command("value")
    .argument("[paths...]", "feature files or folders", ["features"])
    .description('judge the features\' "In order to ..." lines against live business metrics for a release')
    .requiredOption("--release <release>", "the release being judged, e.g. v1.4.2")
    .option(
      "--baseline <release>",
      "compare relative claims with this release (default: the previous one stored)",
    )
    .option("--window <duration>", "measure over the last DURATION (default 1h)")
    .option("--since <time>", "measure from TIME (ISO 8601, or a duration ago such as 2h)")
    .option("--until <time>", "measure until TIME (default now)")
    .option("--values <file>", "metric definitions (default: values: in the config, else ./values.yaml)")
    .option("--format <format>", "pretty, json or junit:FILE; repeatable", collect, [])
    .option("--strict", "inconclusive and not executable verdicts fail too")
    .addHelpText(
      "after",
      `
Verdicts: delivered, not delivered, inconclusive (too little data, no baseline yet, or no
significant change), not executable (the statement is not understood, or its metric is not defined).

Exit codes: 0 nothing is "not delivered"; 1 something is (with --strict, also inconclusive or
not executable); 2 usage or config error.

Examples:
  escalator value --release v2 --window 1h
  escalator value features/addition.feature --release v2 --baseline v1 --values values.yaml
  escalator value --release "$(git describe)" --since 2026-11-27T08:00:00Z --format junit:reports/value.xml
  escalator --json value --release v2 --strict`,
    )
    .action(async (paths: string[], options: ValueOptions, command: Command) => {
      const { runValue } = await import("./value-action.js");
      await runValue(paths, options, command);
    });
}
