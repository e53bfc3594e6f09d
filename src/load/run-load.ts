import type { LoadError } from "../features/load-features.js";
import { LoadAggregator, type LoadSnapshot } from "./aggregate.js";
import type { Threshold } from "./thresholds.js";
import type { IntervalReport, LoadSummary } from "./types.js";
import { type LoadInputs, type PreparedWorker, prepareWorker, type WorkerPlan } from "./worker-engine.js";
import { describe, type Ran, type Started, startWorkers } from "./worker-pool.js";

export type { MainMessage, WorkerMessage } from "./worker-pool.js";

export interface RunLoadOptions extends LoadInputs {
  thresholds: readonly Threshold[];
  /** Called once a second with the live figures. */
  onProgress?: (snapshot: LoadSnapshot) => void;
  /**
   * Aborting it (Ctrl-C) stops the test early: no journey starts any more, those in flight get
   * CANCEL_GRACE_MS, and the summary of what was measured is marked `interrupted`.
   */
  signal?: AbortSignal;
}

/**
 * The JSON summary as `escalator load` writes it: the LoadSummary and how the run ended. The
 * thresholds of an interrupted or incomplete run are judged on what was measured.
 */
export interface LoadRunSummary extends LoadSummary {
  /**
   * Stopped early by Ctrl-C or SIGTERM, `interruptedAfterMs` after the start: journeys were started
   * for that long (`durationMs` stays the configured duration; rates divide by `measuredMs`).
   */
  interrupted?: true;
  interruptedAfterMs?: number;
  /** A worker thread died: the figures are what the workers had reported (the others stopped early). */
  incomplete?: true;
  failedWorkers?: { worker: number; message: string }[];
  /** AfterAll hooks that failed (the run fails with exit code 1). */
  hookErrors?: LoadError[];
  /** Unhandled rejections or uncaught exceptions in steps, counted as error kinds "unhandled" and "uncaught". */
  warnings?: string[];
}

export type RunLoadResult =
  | { summary: LoadRunSummary; errors: [] }
  | {
      summary: undefined;
      /**
       * "load": parse or load errors, undefined or ambiguous steps (nothing ran); "hook": a BeforeAll
       * hook failed (no journey ran; the AfterAll hooks did, and their failures are in `errors` too).
       */
      failure: "load" | "hook";
      errors: LoadError[];
    };

/** Workers get this long after the last one is ready, so all start on the same second. */
const START_DELAY_MS = 100;

function weightsOf(prepared: PreparedWorker): Record<string, number> {
  return Object.fromEntries(prepared.journeys.map((j) => [j.name, j.weight]));
}

/**
 * Runs a load test: one worker's share in this thread when `workers` is 1, else one worker
 * thread per worker, each loading its own features and step files and running 1/W of the users
 * or rate. Reports are merged here; the summary judges the thresholds. Load errors (parse errors,
 * undefined steps, ...) and BeforeAll failures are returned before anything runs.
 *
 * A worker thread that dies does not lose the test: the others are stopped early and the summary
 * of what was received is marked `incomplete`. A step's unhandled rejection is counted as error
 * kind "unhandled" instead of ending the process.
 */
export async function runLoad(options: RunLoadOptions): Promise<RunLoadResult> {
  const { settings, signal } = options;
  const plan = (worker: number): WorkerPlan => ({
    worker,
    workers: settings.workers,
    paths: options.paths,
    cwd: options.cwd,
    settings,
    ...(options.target ? { target: options.target } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
    ...(options.require && options.require.length > 0 ? { require: options.require } : {}),
  });
  const perWorker = new Map<number, { requests: number; journeys: number; dropped: number }>();
  let aggregator: LoadAggregator | undefined;
  const add = (report: IntervalReport) => {
    aggregator?.add(report);
    const totals = perWorker.get(report.worker) ?? { requests: 0, journeys: 0, dropped: 0 };
    for (const h of Object.values(report.requests)) totals.requests += h.count;
    for (const h of Object.values(report.journeys)) totals.journeys += h.count;
    for (const n of Object.values(report.dropped)) totals.dropped += n;
    perWorker.set(report.worker, totals);
  };

  const started =
    settings.workers === 1 ? await startHere(plan(0), add) : await startWorkers(settings.workers, plan, add);
  if (started.failure !== undefined)
    return { summary: undefined, failure: started.failure, errors: started.errors };

  const startAt = Date.now() + START_DELAY_MS;
  aggregator = new LoadAggregator(startAt);
  let interruptedAt: number | undefined;
  const onAbort = () => {
    interruptedAt ??= Date.now();
    started.cancel();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const progress = options.onProgress;
  const ticker = progress
    ? setInterval(() => progress((aggregator as LoadAggregator).snapshot()), 1000)
    : undefined;
  let ran: Ran;
  try {
    ran = await started.run(startAt);
  } finally {
    clearInterval(ticker);
    signal?.removeEventListener("abort", onAbort);
  }
  const summary: LoadRunSummary = aggregator.summary({
    durationMs: settings.durationMs,
    model: settings.model,
    workers: settings.workers,
    connections: settings.connections,
    weights: started.weights,
    thresholds: options.thresholds,
  });
  summary.perWorker = [...perWorker]
    .sort(([a], [b]) => a - b)
    .map(([worker, totals]) => ({ worker, ...totals }));
  if (interruptedAt !== undefined) {
    summary.interrupted = true;
    summary.interruptedAfterMs = Math.min(settings.durationMs, Math.max(0, interruptedAt - startAt));
  }
  if (ran.failedWorkers.length > 0) {
    summary.incomplete = true;
    summary.failedWorkers = ran.failedWorkers;
  }
  if (ran.hookErrors.length > 0) summary.hookErrors = ran.hookErrors;
  if (ran.warnings.length > 0) summary.warnings = ran.warnings;
  return { summary, errors: [] };
}

/** One worker in this thread. */
async function startHere(plan: WorkerPlan, add: (report: IntervalReport) => void): Promise<Started> {
  const prepared = await prepareWorker(plan);
  if (prepared.errors.length > 0) return { failure: "load", errors: prepared.errors };
  if (prepared.hookErrors.length > 0)
    return { failure: "hook", errors: [...prepared.hookErrors, ...(await prepared.finish())] };
  return {
    failure: undefined,
    weights: weightsOf(prepared),
    cancel: () => prepared.cancel(),
    run: async (startAt) => {
      // Unexpected (the engine's own failure): the run is kept as incomplete, like a worker thread's death.
      const failedWorkers: Ran["failedWorkers"] = [];
      await prepared.run(startAt, add).catch((error: unknown) => {
        failedWorkers.push({ worker: plan.worker, message: describe(error) });
      });
      // The AfterAll hooks run however the run ended.
      const hookErrors = await prepared.finish();
      return { hookErrors, warnings: prepared.warnings(), failedWorkers };
    },
  };
}
