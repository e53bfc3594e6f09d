import { formatDuration } from "../util/duration.js";
import { isTimeoutReason } from "../util/is-timeout-reason.js";
import { runProcess } from "../util/run-process.js";
import { substituteArgv, type TemplateValues } from "../util/template.js";
import { parseNagiosOutput, stateFromExitCode } from "./nagios-output.js";
import type { Check, CheckContext, CheckResult } from "./types.js";

/** Bytes of plugin output kept; Nagios itself reads far less. */
const OUTPUT_LIMIT = 16 * 1024;

/**
 * Runs a Nagios-protocol plugin without a shell. Placeholders are substituted per argv
 * element, so a target can never become a second argument or reach a shell.
 */
export const commandCheck: Check = {
  kind: "command",
  async run(ctx: CheckContext, signal: AbortSignal): Promise<CheckResult> {
    const argv = ctx.check.command;
    if (argv === undefined || argv.length === 0) {
      return { state: "UNKNOWN", message: "command check without a command", perfdata: [], durationMs: 0 };
    }
    const values: TemplateValues = { environment: ctx.environment, level: ctx.check.level };
    if (ctx.target !== undefined) values.target = ctx.target;

    const outcome = await runProcess(
      { argv: substituteArgv(argv, values) },
      {
        cwd: ctx.cwd,
        env: {
          ...ctx.check.env,
          ESCALATOR_ENVIRONMENT: ctx.environment,
          ESCALATOR_TARGET: ctx.target ?? "",
          ESCALATOR_CHECK: ctx.check.name,
        },
        timeoutMs: ctx.timeoutMs,
        signal,
        outputLimit: OUTPUT_LIMIT,
      },
    );
    const durationMs = outcome.endedAt - outcome.startedAt;
    const unknown = (message: string): CheckResult => ({
      state: "UNKNOWN",
      message,
      perfdata: [],
      durationMs,
    });

    if (outcome.spawnError) return unknown(outcome.spawnError);
    const timedOut = outcome.timedOut || (outcome.aborted && isTimeoutReason(signal.reason));
    if (timedOut) return unknown(`timed out after ${formatDuration(ctx.timeoutMs)}`);
    if (outcome.aborted) return unknown("aborted");

    // Plugins write their result to stdout; fall back to stderr when stdout is empty.
    const parsed = parseNagiosOutput(outcome.stdout.trim() === "" ? outcome.output : outcome.stdout);
    if (outcome.exitCode === null) {
      return unknown(
        `killed by ${outcome.signal ?? "a signal"}${parsed.message ? `: ${parsed.message}` : ""}`,
      );
    }
    const result: CheckResult = {
      state: stateFromExitCode(outcome.exitCode),
      message: parsed.message || `(no output, exit ${outcome.exitCode})`,
      perfdata: parsed.perfdata,
      durationMs,
    };
    if (parsed.longOutput !== "") result.longOutput = parsed.longOutput;
    return result;
  },
};
