import { parentPort, workerData } from "node:worker_threads";
import type { MainMessage, WorkerMessage } from "./run-load.js";
import { prepareWorker, type WorkerPlan } from "./worker-engine.js";

/**
 * The entry of one load worker thread: loads its own copy of the features and step files, says
 * it is ready (or what failed to load), runs its share when told to start, reporting once a
 * second, and says when it is done. The main thread terminates it afterwards.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("load-worker.js runs as a worker thread only");
  const send = (message: WorkerMessage) => port.postMessage(message);
  try {
    const prepared = await prepareWorker(workerData as WorkerPlan);
    port.once("message", (message: MainMessage) => {
      if (message.type !== "start") return;
      prepared
        .run(message.startAt, (report) => send({ type: "report", report }))
        .then(
          () => send({ type: "done" }),
          (error: unknown) => send({ type: "failed", message: String((error as Error)?.stack ?? error) }),
        );
    });
    const weights = Object.fromEntries(prepared.journeys.map((j) => [j.name, j.weight]));
    send({ type: "ready", errors: prepared.errors, weights });
  } catch (error) {
    send({ type: "failed", message: String((error as Error)?.stack ?? error) });
  }
}

void main();
