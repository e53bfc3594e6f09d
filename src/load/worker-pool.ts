import { Worker } from "node:worker_threads";
import type { LoadError } from "../features/load-features.js";
import type { IntervalReport } from "./types.js";
import type { WorkerPlan } from "./worker-engine.js";

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

/** What running the share produced, the same for one worker in this thread and for worker threads. */
export interface Ran {
  hookErrors: LoadError[];
  warnings: string[];
  failedWorkers: { worker: number; message: string }[];
}

/** The workers, loaded and ready to run (or the reason none may run). */
export type Started =
  | { failure: "load" | "hook"; errors: LoadError[] }
  | {
      failure: undefined;
      weights: Record<string, number>;
      run(startAt: number): Promise<Ran>;
      cancel(): void;
    };

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

/** An error as a failure message: its stack, else its message. */
export const describe = (error: unknown) =>
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
export async function startWorkers(
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
