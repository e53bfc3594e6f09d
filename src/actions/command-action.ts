import { formatDuration } from "../util/duration.js";
import { type ProcessCommand, type ProcessOutcome, runProcess } from "../util/run-process.js";
import { substituteArgv } from "../util/template.js";
import type { Action, ActionContext, ActionResult } from "./types.js";

/**
 * Runs `spec.run` without a shell. {{target}}, {{environment}} and {{level}} are substituted
 * per argv element, so a target stays one argument whatever it contains.
 */
export const commandAction: Action = {
  kind: "command",
  async run(ctx, signal) {
    const argv = ctx.spec.run ?? [];
    const values = { environment: ctx.environment, level: ctx.level, target: ctx.target ?? "" };
    return runActionProcess({ argv: substituteArgv(argv, values) }, ctx, signal);
  },
};

/**
 * Runs `spec.shell` with /bin/sh -c. Placeholders are NOT substituted into the script: it
 * reads $ESCALATOR_TARGET and friends, so no value is ever parsed as shell code.
 */
export const shellAction: Action = {
  kind: "shell",
  async run(ctx, signal) {
    return runActionProcess({ shell: ctx.spec.shell ?? "" }, ctx, signal);
  },
};

/** The variables every action process gets, over `spec.env`. */
export function actionEnv(ctx: ActionContext): Record<string, string> {
  return {
    ...ctx.spec.env,
    ESCALATOR_ENVIRONMENT: ctx.environment,
    ESCALATOR_LEVEL: ctx.level,
    ESCALATOR_TARGET: ctx.target ?? "",
    ESCALATOR_ATTEMPT: String(ctx.attempt),
    ESCALATOR_ESCALATION_ID: ctx.escalationId,
    ESCALATOR_REASON: ctx.reason,
  };
}

async function runActionProcess(
  command: ProcessCommand,
  ctx: ActionContext,
  signal: AbortSignal,
): Promise<ActionResult> {
  const outcome = await runProcess(command, {
    cwd: ctx.spec.cwd,
    env: actionEnv(ctx),
    timeoutMs: ctx.spec.timeoutMs,
    signal,
    ...(ctx.onOutput ? { onOutput: ctx.onOutput } : {}),
  });
  const result: ActionResult = {
    ok: outcome.exitCode === 0 && !outcome.timedOut && !outcome.aborted,
    exitCode: outcome.exitCode,
    output: outcome.output,
    timedOut: outcome.timedOut || outcome.aborted,
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
  };
  const error = describeFailure(outcome, ctx.spec.timeoutMs);
  if (error !== undefined) result.error = error;
  return result;
}

function describeFailure(outcome: ProcessOutcome, timeoutMs: number): string | undefined {
  if (outcome.spawnError) return outcome.spawnError;
  if (outcome.timedOut) return `timed out after ${formatDuration(timeoutMs)}`;
  if (outcome.aborted) return "aborted";
  if (outcome.exitCode === null) return `killed by ${outcome.signal ?? "a signal"}`;
  if (outcome.exitCode !== 0) return `exit ${outcome.exitCode}`;
  return undefined;
}
