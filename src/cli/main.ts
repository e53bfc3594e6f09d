import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ConfigError, EscalatorError, errorMessage } from "../util/errors.js";
import { registerAck } from "./ack-command.js";
import { EXIT } from "./command-context.js";
import { registerControlCommands } from "./control-commands.js";
import { registerHistory } from "./history-command.js";
import { registerLoad } from "./load-command.js";
import { MONITOR_UNKNOWN, registerMonitor } from "./monitor-command.js";
import { registerPlan } from "./plan-command.js";
import { registerRepo } from "./repo-command.js";
import { registerRun } from "./run-command.js";
import { registerStatus } from "./status-command.js";
import { registerTest } from "./test-command.js";
import { registerValidate } from "./validate-command.js";
import { registerValue } from "./value-command.js";

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command("escalator")
    .description(
      "Monitoring-driven operations: failing checks escalate to the most drastic required level of a ladder, then converge.",
    )
    .version(version())
    .option("-c, --config <file>", "the environment's config file", "escalator.yaml")
    .option("--json", "print JSON instead of tables")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 1 a failure the command reports, 2 a usage or config error.

Examples:
  escalator validate                 check ./escalator.yaml
  escalator plan                     run every check once, print what would run
  escalator run                      the daemon
  escalator status                   state, failing checks, recent escalations
  escalator history <id>             one escalation's steps and output
  escalator ack                      release a stuck environment
  escalator pause --for 1h           stop escalating (checks still run); escalator resume
  escalator silence CHECK --for 30m  keep one check from escalating
  escalator approve ID               let a level waiting for approval run
  escalator test --target URL        run the features as behaviour tests
  escalator monitor --target URL     run them as a Nagios plugin
  escalator load --target URL        run them as a load test: --rate 200/s --duration 1m
  escalator value --release v2       judge the features' "In order to ..." lines for a release
  escalator repo serve --root DIR    serve frozen, tagged RPM repositories to dnf (escalator repo --help)`,
    )
    .exitOverride();
  registerValidate(program);
  registerPlan(program);
  registerRun(program);
  registerStatus(program);
  registerHistory(program);
  registerAck(program);
  registerControlCommands(program);
  registerTest(program);
  registerMonitor(program);
  registerValue(program);
  registerLoad(program);
  registerRepo(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return EXIT.ok;
      // A Nagios plugin answers a usage error with UNKNOWN.
      if (argv.includes("monitor")) {
        process.stdout.write(`ESCALATOR UNKNOWN - ${error.message.replace(/^error: /, "").split("\n")[0]}\n`);
        return MONITOR_UNKNOWN;
      }
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${error.message}\n${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}; nothing was run.\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof EscalatorError && (error.code === "CONFIG_NOT_FOUND" || error.code === "USAGE")) {
      process.stderr.write(`escalator: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`escalator: ${errorMessage(error)}\n`);
    return EXIT.failure;
  }
}
