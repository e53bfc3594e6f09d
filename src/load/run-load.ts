import { Worker } from "node:worker_threads";
import type { LoadError } from "../features/load-features.js";
import { LoadAggregator, type LoadSnapshot } from "./aggregate.js";
import type { Threshold } from "./thresholds.js";
import type { IntervalReport, LoadSettings, LoadSummary } from "./types.js";
import { type PreparedWorker, prepareWorker, type WorkerPlan } from "./worker-engine.js";

export interface RunLoadOptions {
  paths: string[];
  cwd: string;
  tags?: string;
  require?: string[];
  /** Base URL for the built-in HTTP steps. */
  target?: string;
  settings: LoadSettings;
  thresholds: readonly Threshold[];
  /** Called once a second with the live figures. */
  onProgress?: (snapshot: LoadSnapshot) => void;
}

export type RunLoadResult =
  | { summary: LoadSummary; errors: [] }
  | { summary: undefined; errors: LoadError[] };

/** Messages from a load worker to the main thread. */
export type WorkerMessage =
  | { type: "ready"; errors: LoadError[]; weights: Record<string, number> }
  | { type: "report"; report: IntervalReport }
  | { type: "done" }
  | { type: "failed"; message: string };

/** Messages from the main thread to a load worker. */
export type MainMessage = { type: "start"; startAt: number } | { type: "cancel" };

/** Workers get this long after the last one is ready, so all start on the same second. */
const START_DELAY_MS = 100;

function weightsOf(prepared: PreparedWorker): Record<string, number> {
  return Object.fromEntries(prepared.journeys.map((j) => [j.name, j.weight]));
}

/**
 * Runs a load test: one worker's share in this thread when `workers` is 1, else one worker
 * thread per worker, each loading its own features and step files and running 1/W of the users
 * or rate. Reports are merged here; the summary judges the thresholds. Load errors (parse errors,
 * undefined steps, ...) are returned before anything runs.
 */
export async function runLoad(options: RunLoadOptions): Promise<RunLoadResult> {
  const { settings } = options;
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

  let weights: Record<string, number>;
  let run: (startAt: number) => Promise<void>;
  if (settings.workers === 1) {
    const prepared = await prepareWorker(plan(0));
    if (prepared.errors.length > 0) return { summary: undefined, errors: prepared.errors };
    weights = weightsOf(prepared);
    run = (startAt) => prepared.run(startAt, add);
  } else {
    const pool = await startWorkers(settings.workers, plan, add);
    if (pool.errors.length > 0) return { summary: undefined, errors: pool.errors };
    weights = pool.weights;
    run = pool.run;
  }

  const startAt = Date.now() + START_DELAY_MS;
  aggregator = new LoadAggregator(startAt);
  const progress = options.onProgress;
  const ticker = progress
    ? setInterval(() => progress((aggregator as LoadAggregator).snapshot()), 1000)
    : undefined;
  try {
    await run(startAt);
  } finally {
    clearInterval(ticker);
  }
  const summary = aggregator.summary({
    durationMs: settings.durationMs,
    model: settings.model,
    workers: settings.workers,
    connections: settings.connections,
    weights,
    thresholds: options.thresholds,
  });
  summary.perWorker = [...perWorker]
    .sort(([a], [b]) => a - b)
    .map(([worker, totals]) => ({ worker, ...totals }));
  return { summary, errors: [] };
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

async function startWorkers(
  count: number,
  plan: (worker: number) => WorkerPlan,
  add: (report: IntervalReport) => void,
): Promise<{
  errors: LoadError[];
  weights: Record<string, number>;
  run: (startAt: number) => Promise<void>;
}> {
  const workers = Array.from({ length: count }, (_, i) => newWorker(plan(i)));
  const ready: Promise<WorkerMessage & { type: "ready" }>[] = [];
  const done: Promise<void>[] = [];
  for (const worker of workers) {
    let onReady: (m: WorkerMessage & { type: "ready" }) => void = () => undefined;
    ready.push(new Promise((resolve) => (onReady = resolve)));
    done.push(
      new Promise<void>((resolve, reject) => {
        worker.on("message", (message: WorkerMessage) => {
          if (message.type === "ready") onReady(message);
          else if (message.type === "report") add(message.report);
          else if (message.type === "done") resolve();
          else reject(new Error(`a load worker failed: ${message.message}`));
        });
        worker.on("error", (error) =>
          reject(new Error(`a load worker failed: ${error.message}`, { cause: error })),
        );
        worker.on("exit", (code) => reject(new Error(`a load worker exited early (code ${code})`)));
      }),
    );
  }
  // A worker that fails while loading rejects its `done` before it is ever ready.
  const readyAll = Promise.all(ready);
  const failedEarly = Promise.race(done.map((d) => d.then(() => new Promise<never>(() => undefined))));
  const stop = () => Promise.all(workers.map((w) => w.terminate()));
  const messages = await Promise.race([readyAll, failedEarly]).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const errors = messages.find((m) => m.errors.length > 0)?.errors ?? [];
  if (errors.length > 0) {
    await stop();
    return { errors, weights: {}, run: async () => undefined };
  }
  return {
    errors: [],
    weights: (messages[0] as WorkerMessage & { type: "ready" }).weights,
    run: async (startAt) => {
      for (const worker of workers) worker.postMessage({ type: "start", startAt } satisfies MainMessage);
      try {
        await Promise.all(done);
      } finally {
        await stop();
      }
    },
  };
}
