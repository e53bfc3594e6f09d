import { parentPort, workerData } from "node:worker_threads";
import type { MainMessage, WorkerMessage } from "./run-load.js";
import { type PreparedWorker, prepareWorker, type WorkerPlan } from "./worker-engine.js";

const describe = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/**
 * The entry of one load worker thread: loads its own copy of the features and step files and runs
 * the BeforeAll hooks, says it is ready (or what failed), runs its share when told to start,
 * reporting once a second, runs the AfterAll hooks and says it is done. A "cancel" stops the run
 * early, or, before the start, skips it (the AfterAll hooks still run). The main thread terminates
 * the worker afterwards.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("load-worker.js runs as a worker thread only");
  const send = (message: WorkerMessage) => port.postMessage(message);
  let prepared: PreparedWorker;
  try {
    prepared = await prepareWorker(workerData as WorkerPlan);
  } catch (error) {
    send({ type: "failed", message: describe(error) });
    return;
  }
  let started = false;
  const finish = async (failure?: unknown) => {
    const hookErrors = await prepared.finish();
    if (failure !== undefined) send({ type: "failed", message: describe(failure) });
    else send({ type: "done", hookErrors, warnings: prepared.warnings() });
  };
  port.on("message", (message: MainMessage) => {
    if (message.type === "cancel") {
      prepared.cancel();
      if (started) return;
      started = true;
      void finish();
    } else if (!started) {
      started = true;
      prepared
        .run(message.startAt, (report) => send({ type: "report", report }))
        .then(
          () => finish(),
          (error: unknown) => finish(error),
        );
    }
  });
  const weights = Object.fromEntries(prepared.journeys.map((j) => [j.name, j.weight]));
  send({ type: "ready", errors: prepared.errors, hookErrors: prepared.hookErrors, weights });
}

void main();
