import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent } from "undici";
import { resolveStepTimeoutMs } from "../features/builtin/http-request.js";
import type { HttpRequestReport } from "../features/builtin/http-world.js";
import type { LoadError } from "../features/load-features.js";
import { driveClosed, driveOpen, OpenSchedule } from "./arrival.js";
import { type JourneyContext, runJourney } from "./journey-runner.js";
import { type Journey, loadJourneys, WeightedPicker } from "./journeys.js";
import { IntervalRecorder } from "./recorder.js";
import type { IntervalReport, LoadSettings } from "./types.js";

/** Everything one worker needs; plain data, so it can be a Worker's workerData. */
export interface WorkerPlan {
  worker: number;
  workers: number;
  paths: string[];
  cwd: string;
  tags?: string;
  require?: string[];
  /** Base URL for the built-in HTTP steps; features may set their own with `Given the base URL is`. */
  target?: string;
  settings: LoadSettings;
}

export interface PreparedWorker {
  journeys: Journey[];
  /** Load errors (the worker must not run when there are any). */
  errors: LoadError[];
  /** Runs this worker's share from `startAt` (epoch ms); reports once a second and once at the end. */
  run(startAt: number, onReport: (report: IntervalReport) => void): Promise<void>;
}

/** How long in-flight journeys may finish after the duration ends: the HTTP step timeout (default 10 s). */
export function endGraceMs(): number {
  return resolveStepTimeoutMs(undefined);
}

/** This worker's connections per origin: its share of the total, rounded up. */
export function connectionsPerWorker(settings: LoadSettings): number {
  return Math.max(1, Math.ceil(settings.connections / settings.workers));
}

async function runRunHooks(
  journeys: Awaited<ReturnType<typeof loadJourneys>>,
  kind: "beforeAll" | "afterAll",
) {
  const errors: LoadError[] = [];
  const hooks = journeys.registry.hooks(kind);
  for (const hook of kind === "afterAll" ? hooks.reverse() : hooks) {
    try {
      await hook.fn.apply({}, []);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push({
        uri: hook.location?.file ?? "(support code)",
        message: `${kind} hook failed: ${message}`,
      });
    }
  }
  return errors;
}

/** Loads and plans the journeys (this worker's own copy of the features and step files). */
export async function prepareWorker(plan: WorkerPlan): Promise<PreparedWorker> {
  const loaded = await loadJourneys({
    paths: plan.paths,
    cwd: plan.cwd,
    ...(plan.tags ? { tags: plan.tags } : {}),
    ...(plan.require ? { require: plan.require } : {}),
  });
  try {
    endGraceMs();
  } catch (error) {
    loaded.errors.push({ uri: "(environment)", message: (error as Error).message });
  }
  if (loaded.errors.length === 0) loaded.errors.push(...(await runRunHooks(loaded, "beforeAll")));
  return {
    journeys: loaded.journeys,
    errors: loaded.errors,
    run: (startAt, onReport) => runShare(plan, loaded, startAt, onReport),
  };
}

async function runShare(
  plan: WorkerPlan,
  loaded: Awaited<ReturnType<typeof loadJourneys>>,
  startAt: number,
  onReport: (report: IntervalReport) => void,
): Promise<void> {
  const { settings, worker, workers } = plan;
  const { journeys } = loaded;
  // An undici Pool per origin, keep-alive, at most this many connections each.
  const agent = new Agent({ connections: connectionsPerWorker(settings), pipelining: 1 });
  const recorder = new IntervalRecorder(worker, startAt);
  const onRequest = (r: HttpRequestReport) => recorder.request(r.name, r.ms, r.ok);
  const ctx: JourneyContext = {
    worldConstructor: loaded.worldConstructor,
    // The step timeout is read once here rather than from the environment on every request.
    parameters: {
      ...(plan.target ? { target: plan.target } : {}),
      stepTimeoutMs: endGraceMs(),
      dispatcher: agent,
      onRequest,
    },
    recorder,
    inFlight: new Int32Array(journeys.length),
    aborting: false,
    stopped: false,
  };
  const picker = new WeightedPicker(journeys);
  let running = 0;
  let users = 0;
  const finished = () => {
    running--;
  };

  const wait = startAt - Date.now();
  if (wait > 0) await sleep(wait);
  const t0 = performance.now();
  const end = t0 + settings.durationMs;

  // Reports on whole seconds from the start, so every worker's intervals line up.
  let second = 1;
  let reporter: NodeJS.Timeout | undefined;
  const report = () => {
    recorder.setActive(settings.model.kind === "open" ? running : users);
    onReport(recorder.flush(Date.now()));
    second++;
    reporter = setTimeout(report, Math.max(0, startAt + second * 1000 - Date.now()));
  };
  reporter = setTimeout(report, Math.max(0, startAt + 1000 - Date.now()));

  const model = settings.model;
  const driving =
    model.kind === "open"
      ? driveOpen(
          new OpenSchedule(model.ratePerSecond, settings.rampMs, settings.durationMs, worker, workers),
          {
            inFlight: () => running,
            start: (intendedAt) => {
              running++;
              runJourney(picker.next(), ctx, intendedAt).then(finished);
            },
            drop: () => recorder.dropped(picker.next().name),
            stopped: () => ctx.aborting,
          },
          { t0, dropAfterMs: settings.dropAfterMs, maxInFlight: settings.maxInFlight },
        )
      : driveClosed(
          {
            t0,
            users: model.users,
            rampMs: settings.rampMs,
            durationMs: settings.durationMs,
            thinkTimeMs: settings.thinkTimeMs,
            worker,
            workers,
          },
          () => runJourney(picker.next(), ctx, performance.now()),
          () => ctx.aborting,
          (delta) => {
            users += delta;
          },
        );

  // The end: stop starting journeys, give those in flight the grace to finish, then abort the rest.
  let drove = false;
  driving.then(() => {
    drove = true;
  });
  const untilEnd = end - performance.now();
  if (untilEnd > 0) await sleep(untilEnd);
  const graceEnd = end + endGraceMs();
  while (!(drove && running === 0 && users === 0) && performance.now() < graceEnd) await sleep(5);
  if (!drove || running > 0 || users > 0) {
    ctx.aborting = true;
    await agent.destroy().catch(() => undefined);
    await sleep(50);
    const at = performance.now();
    for (const journey of journeys) {
      for (let n = ctx.inFlight[journey.index] as number; n > 0; n--)
        recorder.journey(journey.name, at - end, false, "aborted");
    }
  }
  ctx.stopped = true;
  clearTimeout(reporter);
  recorder.setActive(0);
  onReport(recorder.flush(Date.now()));
  if (!ctx.aborting) await agent.close().catch(() => undefined);
  await runRunHooks(loaded, "afterAll");
}
