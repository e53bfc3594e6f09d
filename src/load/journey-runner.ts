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
 * - "HTTP <status>": `lastStatus` (≥ 400) was given. runJourney gives the latest response's status
 *   only while no step has passed since that response arrived, i.e. when the failing step got it or
 *   is the first step after the one that did (`When I GET` → 503, then `Then the response status
 *   should be 200` fails). Once a step passed on it (`Then the response status should be 404`), a
 *   later failure is an "assertion";
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

type WorldShape = { http?: { response?: { status: number } } };

/**
 * Runs one journey on a fresh World, as `escalator test` runs a scenario: Before hooks, the steps
 * (stopping at the first that fails), then After hooks. Each step's latency is recorded under its
 * text. `startedAt` (performance.now() ms) is the journey's intended start in the open model, its
 * actual start in the closed model. The journey is measured from the earlier of `startedAt` and
 * when it actually started: from its intended start when it started late, so time spent waiting
 * to start counts (no coordinated omission), and from its actual start when the scheduler started
 * it a little early. A late start is also passed to the World as `parameters.startDelayMs` (actual
 * − intended start), which the built-in HTTP steps add to the journey's first request, so request
 * latency shows it too (see HttpWorldParameters.startDelayMs). Never throws.
 */
export async function runJourney(journey: Journey, ctx: JourneyContext, startedAt: number): Promise<void> {
  const recorder = ctx.recorder;
  const actualStart = performance.now();
  const measuredFrom = Math.min(startedAt, actualStart);
  const startDelayMs = actualStart - startedAt;
  ctx.inFlight[journey.index] = (ctx.inFlight[journey.index] as number) + 1;
  let failure: unknown;
  let failed = false;
  let skipping = false;
  let world: WorldShape | undefined;
  // Whether the latest response arrived with no step passing since (see classifyError).
  let responseFresh = false;
  let failedStatus: number | undefined;
  try {
    const parameters = startDelayMs > 0 ? { ...ctx.parameters, startDelayMs } : { ...ctx.parameters };
    world = new ctx.worldConstructor({ parameters }) as WorldShape;
  } catch (error) {
    failed = true;
    failure = new WorldError(error);
  }
  let hookArg: HookArgument | undefined;
  for (const step of journey.steps) {
    if (world === undefined) break;
    if ((failed || skipping) && step.kind !== "after") continue;
    const started = performance.now();
    const responseBefore = world.http?.response;
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
      // A passing step that got no new response has accepted the latest one.
      responseFresh = world.http?.response !== responseBefore;
    } catch (error) {
      if (step.kind === "step" && !ctx.stopped) recorder.step(step.text, performance.now() - started, false);
      if (!failed) {
        failed = true;
        failure = error;
        const response = world.http?.response;
        if (response !== responseBefore || responseFresh) failedStatus = response?.status;
      }
    }
  }
  ctx.inFlight[journey.index] = (ctx.inFlight[journey.index] as number) - 1;
  if (ctx.stopped) return;
  const ms = performance.now() - measuredFrom;
  if (!failed) recorder.journey(journey.name, ms, true);
  else {
    const kind =
      failure instanceof PendingStep
        ? "pending"
        : failure instanceof WorldError
          ? "world"
          : classifyError(failure, failedStatus, ctx.aborting);
    recorder.journey(journey.name, ms, false, kind);
  }
}
