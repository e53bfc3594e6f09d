import { resolve } from "node:path";
import type { Logger } from "pino";
import type { ActionContext, ActionResult, ActionSpec } from "../actions/types.js";
import type { FallbackConfig, LevelConfig } from "../config/schema.js";
import type { StepStatus, Store } from "../store/types.js";
import type { Clock } from "../util/clock.js";
import { errorMessage } from "../util/errors.js";
import { backoffDelay } from "./backoff.js";
import type { StepOutcome, StepRequest, StepSignals } from "./controller-types.js";

const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_RETRY_BACKOFF = { initial: 1_000, factor: 2, max: 60_000 };

export interface StepRunnerDeps {
  environment: string;
  clock: Clock;
  logger: Logger;
  /** Folder of the config file: relative cwd and program paths resolve against it. */
  configDir: string;
  store: Pick<Store, "startStep" | "finishStep">;
  runAction(ctx: ActionContext, signal: AbortSignal): Promise<ActionResult>;
}

function specOf(source: LevelConfig | FallbackConfig, level: LevelConfig, configDir: string): ActionSpec {
  return {
    run: source.run,
    shell: source.shell,
    webhook: source.webhook && {
      url: source.webhook.url,
      headers: source.webhook.headers,
      timeoutMs: source.webhook.timeout,
    },
    // A fallback keeps the level's environment (tokens, endpoints) and may add to it.
    env: source === level ? level.env : { ...level.env, ...source.env },
    cwd: resolve(configDir, source.cwd ?? level.cwd ?? "."),
    timeoutMs: source.timeout ?? level.timeout ?? DEFAULT_STEP_TIMEOUT_MS,
  };
}

function statusOf(result: ActionResult): StepStatus {
  if (result.ok) return "succeeded";
  return result.timedOut ? "timed-out" : "failed";
}

function describe(result: ActionResult): string {
  if (result.timedOut) return "timed out";
  if (result.error) return result.error;
  return result.exitCode === null ? "killed" : `exit ${result.exitCode}`;
}

/**
 * Runs one level for one target: the action with bounded retries and exponential
 * backoff, then the fallback. Every attempt is recorded as a step.
 */
export function createStepRunner(deps: StepRunnerDeps) {
  const attempt = async (
    request: StepRequest,
    spec: ActionSpec,
    role: "action" | "fallback",
    n: number,
    signal: AbortSignal,
  ): Promise<ActionResult> => {
    const { level, target, escalationId } = request;
    const startedAt = deps.clock.now();
    // History is best-effort here: a full disk must not stop a repair.
    const id = await deps.store
      .startStep({ escalationId, level: level.name, target: target ?? "", attempt: n, role, startedAt })
      .catch((error: unknown) => {
        deps.logger.error({ err: errorMessage(error), escalationId }, "could not record the step's start");
        return undefined;
      });
    deps.logger.info({ escalationId, ladderLevel: level.name, target, attempt: n, role }, "step started");
    const result = await deps.runAction(
      {
        spec,
        environment: deps.environment,
        level: level.name,
        target,
        attempt: n,
        escalationId,
        reason: request.reason,
        logger: deps.logger,
      },
      signal,
    );
    if (id !== undefined) {
      await deps.store
        .finishStep(id, {
          status: statusOf(result),
          endedAt: deps.clock.now(),
          exitCode: result.exitCode,
          output: result.output,
        })
        .catch((error: unknown) =>
          deps.logger.error({ err: errorMessage(error), escalationId }, "could not record the step's end"),
        );
    }
    const log = result.ok ? deps.logger.info.bind(deps.logger) : deps.logger.warn.bind(deps.logger);
    log(
      { escalationId, ladderLevel: level.name, target, attempt: n, role, result: describe(result) },
      "step finished",
    );
    return result;
  };

  return async function runStep(request: StepRequest, signals: StepSignals): Promise<StepOutcome> {
    const { level } = request;
    const notes: string[] = [];
    const fallback = level.fallback ? specOf(level.fallback, level, deps.configDir) : undefined;

    if (!(request.useFallback && fallback)) {
      const spec = specOf(level, level, deps.configDir);
      const tries = level.retries + 1;
      for (let n = 1; n <= tries; n++) {
        if (signals.stop.aborted) return { ok: false, summary: "stopped before the step could finish" };
        const result = await attempt(request, spec, "action", n, signals.kill);
        if (result.ok) return { ok: true, summary: n > 1 ? `succeeded on attempt ${n}` : "succeeded" };
        notes.push(`attempt ${n}: ${describe(result)}`);
        if (n < tries) {
          try {
            await deps.clock.sleep(backoffDelay(n, level.backoff ?? DEFAULT_RETRY_BACKOFF), signals.stop);
          } catch {
            return { ok: false, summary: `${notes.join("; ")}; stopped before retrying` };
          }
        }
      }
      if (!fallback) return { ok: false, summary: notes.join("; ") };
    } else {
      notes.push("re-convergence cycle: running the fallback because checks still failed after the action");
    }

    if (signals.stop.aborted)
      return { ok: false, summary: `${notes.join("; ")}; stopped before the fallback` };
    const result = await attempt(request, fallback as ActionSpec, "fallback", 1, signals.kill);
    notes.push(`fallback: ${result.ok ? "succeeded" : describe(result)}`);
    return { ok: result.ok, summary: notes.join("; ") };
  };
}
