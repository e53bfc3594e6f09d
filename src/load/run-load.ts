import { Worker } from "node:worker_threads";
import type { LoadError } from "../features/load-features.js";
import { LoadAggregator, type LoadSnapshot } from "./aggregate.js";
import type { Threshold } from "./thresholds.js";
import type { IntervalReport, LoadSummary } from "./types.js";
import { type LoadInputs, type PreparedWorker, prepareWorker, type WorkerPlan } from "./worker-engine.js";

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

/** Messages from a load worker to the main thread. */
export type WorkerMessage =
  | { type: "ready"; errors: LoadError[]; hookErrors: LoadError[]; weights: Record<string, number> }
  | { type: "report"; report: IntervalReport }
  /** After the run (or a cancel before it) and the AfterAll hooks; `hookErrors` are the AfterAll failures. */
  | { type: "done"; hookErrors: LoadError[]; warnings: string[] }
  | { type: "failed"; message: string };

/**
 * Messages from the main thread to a load worker. "cancel" before "start" skips the run (the
 * worker runs its AfterAll hooks and says it is done); during the run it stops the run early.
 */
export type MainMessage = { type: "start"; startAt: number } | { type: "cancel" };

/** Workers get this long after the last one is ready, so all start on the same second. */
const START_DELAY_MS = 100;

function weightsOf(prepared: PreparedWorker): Record<string, number> {
  return Object.fromEntries(prepared.journeys.map((j) => [j.name, j.weight]));
}

/** What running the share produced, the same for one worker in this thread and for worker threads. */
interface Ran {
  hookErrors: LoadError[];
  warnings: string[];
  failedWorkers: { worker: number; message: string }[];
}

/** The workers, loaded and ready to run (or the reason none may run). */
type Started =
  | { failure: "load" | "hook"; errors: LoadError[] }
  | {
      failure: undefined;
      weights: Record<string, number>;
      run(startAt: number): Promise<Ran>;
      cancel(): void;
    };

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

/**
 * The worker entry is dist/load/load-worker.js next to this file. Run from the TypeScript sources
 * (under Vitest), a worker cannot take `--import tsx` on Node 20, so it is started from a one-line
 * bootstrap that loads load-worker.ts through tsx's tsImport, the way step files are loaded.
 */
function newWorker(data: WorkerPlan): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./load-worker.js", here), { workerData: data });
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./load-worker.ts", here).href;
  const code = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`;
  return new Worker(code, { eval: true, workerData: data });
}

const describe = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/** Every worker runs the same hooks: the same failure in several is listed once. */
function unique(errors: LoadError[]): LoadError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.uri}\u0000${error.line ?? ""}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface WorkerState {
  worker: Worker;
  index: number;
  ready: (WorkerMessage & { type: "ready" }) | undefined;
  /** Said it is done (after its AfterAll hooks), or died: no more messages are awaited. */
  settled: boolean;
  failed: string | undefined;
  hookErrors: LoadError[];
  warnings: string[];
}

/**
 * Worker threads. Each loads and runs BeforeAll, then says it is ready (or what failed). When any
 * cannot run (load errors, a failed BeforeAll, a crash), the others are told to cancel: they run
 * their AfterAll hooks before they are terminated. During the run, a worker that dies makes the
 * others stop early; what every worker reported is kept.
 */
async function startWorkers(
  count: number,
  plan: (worker: number) => WorkerPlan,
  add: (report: IntervalReport) => void,
): Promise<Started> {
  const states: WorkerState[] = Array.from({ length: count }, (_, index) => ({
    worker: newWorker(plan(index)),
    index,
    ready: undefined,
    settled: false,
    failed: undefined,
    hookErrors: [],
    warnings: [],
  }));
  let changed: () => void = () => undefined;
  const change = () => changed();
  /** Resolves once `done(state)` holds for every worker. */
  const all = (done: (state: WorkerState) => boolean) =>
    new Promise<void>((resolve) => {
      changed = () => {
        if (states.every(done)) resolve();
      };
      changed();
    });
  let onDeath: () => void = () => undefined;
  for (const state of states) {
    const { worker } = state;
    const die = (message: string) => {
      if (state.settled) return;
      state.settled = true;
      state.failed = message;
      onDeath();
      change();
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "ready") state.ready = message;
      else if (message.type === "report") add(message.report);
      else if (message.type === "done") {
        state.settled = true;
        state.hookErrors = message.hookErrors;
        state.warnings = message.warnings;
      } else die(message.message);
      change();
    });
    worker.on("error", (error) => die(describe(error)));
    worker.on("exit", (code) => die(`exited unexpectedly (code ${code})`));
  }
  const send = (state: WorkerState, message: MainMessage) => {
    if (!state.settled) state.worker.postMessage(message);
  };
  const cancelAll = () => {
    for (const state of states) send(state, { type: "cancel" });
  };
  const stop = () => Promise.all(states.map((state) => state.worker.terminate()));

  await all((state) => state.ready !== undefined || state.settled);
  const loadErrors = states.flatMap((state) => state.ready?.errors ?? []);
  const crashed = states.filter((state) => state.failed !== undefined);
  const beforeAllErrors = states.flatMap((state) => state.ready?.hookErrors ?? []);
  if (loadErrors.length > 0 || crashed.length > 0 || beforeAllErrors.length > 0) {
    // Those that ran their BeforeAll hooks run their AfterAll hooks before they go.
    cancelAll();
    await all((state) => state.settled);
    await stop();
    const afterAllErrors = states.flatMap((state) => state.hookErrors);
    if (loadErrors.length > 0 || crashed.length > 0) {
      const crashes = crashed.map((state) => ({
        uri: `(load worker ${state.index})`,
        message: `failed while loading: ${state.failed}`,
      }));
      // Every worker loads the same files: show one worker's load errors.
      const firstErrors = states.find((state) => (state.ready?.errors.length ?? 0) > 0)?.ready?.errors ?? [];
      return { failure: "load", errors: unique([...firstErrors, ...crashes, ...afterAllErrors]) };
    }
    return { failure: "hook", errors: unique([...beforeAllErrors, ...afterAllErrors]) };
  }

  return {
    failure: undefined,
    weights: states[0]?.ready?.weights ?? {},
    cancel: cancelAll,
    run: async (startAt) => {
      onDeath = cancelAll;
      for (const state of states) send(state, { type: "start", startAt });
      try {
        await all((state) => state.settled);
      } finally {
        await stop();
      }
      return {
        hookErrors: unique(states.flatMap((state) => state.hookErrors)),
        warnings: states.flatMap((state) => state.warnings),
        failedWorkers: states.flatMap((state) =>
          state.failed === undefined ? [] : [{ worker: state.index, message: state.failed }],
        ),
      };
    },
  };
}
