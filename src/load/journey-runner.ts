import { performance } from "node:perf_hooks";
import type { WorldConstructor, WorldParameters } from "../features/world.js";
import type { Journey, JourneyStep } from "./journeys.js";

/** What the runner records into; `IntervalRecorder` satisfies it. Latencies in ms. */
export interface JourneyRecorder {
  step(name: string, ms: number, ok: boolean): void;
  journey(name: string, ms: number, ok: boolean, errorKind?: string): void;
}

/** Shared by every journey of one worker. */
export interface JourneyContext {
  worldConstructor: WorldConstructor;
  /** Copied into each World: target, dispatcher, onRequest. */
  parameters: WorldParameters;
  recorder: JourneyRecorder;
  /** Journeys in flight, by journey index (for the active count and for aborting at the end). */
  inFlight: Int32Array;
  /** Set when the test ends and the grace is over: failures are "aborted"; set `stopped` to record nothing more. */
  aborting: boolean;
  stopped: boolean;
}

/**
 * Error kinds, kept few so they group well:
 * - "timeout": a step's own timeout, or an HTTP request timing out (undici or the step timeout);
 * - a network error code from the error or its causes: "ECONNREFUSED", "ECONNRESET", "EPIPE", ...;
 * - "aborted": cut off at the end of the test (the grace ran out);
 * - "HTTP <status>": a step failed after the scenario's last response was a 4xx or 5xx;
 * - "assertion": any other step that threw;
 * - "pending": a step returned "pending"; "world": the World constructor threw.
 */
export function classifyError(error: unknown, lastStatus: number | undefined, aborting = false): string {
  if (error instanceof StepTimeoutError) return "timeout";
  const code = networkCode(error, 0);
  if (code === "timeout") return code;
  if (aborting) return "aborted";
  if (code !== undefined) return code;
  if (lastStatus !== undefined && lastStatus >= 400) return `HTTP ${lastStatus}`;
  return "assertion";
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function networkCode(error: unknown, depth: number): string | undefined {
  if (depth > 5 || error === null || typeof error !== "object") return undefined;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof message === "string" && / timed out after \d+ ms$/.test(message)) return "timeout";
  if (typeof code === "string") {
    if (TIMEOUT_CODES.has(code)) return "timeout";
    if (/^E[A-Z]+$/.test(code)) return code;
    if (code === "UND_ERR_SOCKET") return "ECONNRESET";
  }
  const fromCause = networkCode(cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(errors))
    for (const e of errors) {
      const found = networkCode(e, depth + 1);
      if (found !== undefined) return found;
    }
  return undefined;
}

export class StepTimeoutError extends Error {
  constructor(ms: number) {
    super(`Function timed out, ensure the promise resolves within ${ms} milliseconds`);
    this.name = "StepTimeoutError";
  }
}

class PendingStep extends Error {}
class WorldError extends Error {
  constructor(cause: unknown) {
    super(`World constructor failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Awaits a step's promise, failing it after its timeout (one timer per asynchronous step only). */
function withTimeout(promise: PromiseLike<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new StepTimeoutError(ms)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function argsFor(step: JourneyStep, world: object): Promise<unknown[]> {
  const args: unknown[] = [];
  for (const arg of step.matched) args.push(await arg.getValue(world));
  args.push(...step.trailing);
  return args;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && typeof value === "object" && typeof (value as PromiseLike<unknown>).then === "function";

interface HookArgument {
  pickle: Journey["pickle"];
  gherkinDocument: Journey["gherkinDocument"];
  result: { status: string };
}

/**
 * Runs one journey on a fresh World, as `escalator test` runs a scenario: Before hooks, the steps
 * (stopping at the first that fails), then After hooks. Each step's latency is recorded under its
 * text, and the journey's from `startedAt` (performance.now() ms): its intended start in the open
 * model, so time spent waiting to start counts (no coordinated omission), its actual start in the
 * closed model. Never throws.
 */
export async function runJourney(journey: Journey, ctx: JourneyContext, startedAt: number): Promise<void> {
  const recorder = ctx.recorder;
  ctx.inFlight[journey.index] = (ctx.inFlight[journey.index] as number) + 1;
  let failure: unknown;
  let failed = false;
  let skipping = false;
  let world: { http?: { response?: { status: number } } } | undefined;
  try {
    world = new ctx.worldConstructor({ parameters: { ...ctx.parameters } });
  } catch (error) {
    failed = true;
    failure = new WorldError(error);
  }
  let hookArg: HookArgument | undefined;
  for (const step of journey.steps) {
    if (world === undefined) break;
    if ((failed || skipping) && step.kind !== "after") continue;
    const started = performance.now();
    try {
      // Planned arguments are passed as they are; a synchronous step costs no promise.
      let returned: unknown;
      if (step.kind !== "step") {
        hookArg ??= {
          pickle: journey.pickle,
          gherkinDocument: journey.gherkinDocument,
          result: { status: "" },
        };
        hookArg.result = { status: failed ? "FAILED" : "PASSED" };
        returned = step.fn.call(world, hookArg);
      } else returned = step.fn.apply(world, step.args ?? (await argsFor(step, world)));
      if (isThenable(returned)) returned = await withTimeout(returned, step.timeoutMs);
      if (returned === "pending") throw new PendingStep("pending");
      if (returned === "skipped") skipping = true;
      if (step.kind === "step" && !ctx.stopped) recorder.step(step.text, performance.now() - started, true);
    } catch (error) {
      if (step.kind === "step" && !ctx.stopped) recorder.step(step.text, performance.now() - started, false);
      if (!failed) {
        failed = true;
        failure = error;
      }
    }
  }
  ctx.inFlight[journey.index] = (ctx.inFlight[journey.index] as number) - 1;
  if (ctx.stopped) return;
  const ms = performance.now() - startedAt;
  if (!failed) recorder.journey(journey.name, ms, true);
  else {
    const kind =
      failure instanceof PendingStep
        ? "pending"
        : failure instanceof WorldError
          ? "world"
          : classifyError(failure, world?.http?.response?.status, ctx.aborting);
    recorder.journey(journey.name, ms, false, kind);
  }
}
