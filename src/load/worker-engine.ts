import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent } from "undici";
import { resolveStepTimeoutMs } from "../features/builtin/http-request.js";
import type { HttpRequestReport } from "../features/builtin/http-world.js";
import type { LoadError } from "../features/load-features.js";
import { driveClosed, driveOpen, OpenSchedule } from "./arrival.js";
import { type JourneyContext, runJourney } from "./journey-runner.js";
import { type Journey, type LoadedJourneys, loadJourneys, WeightedPicker } from "./journeys.js";
import { IntervalRecorder } from "./recorder.js";
import { runRunHooks } from "./run-hooks.js";
import { StrayFailures } from "./stray-failures.js";
import type { IntervalReport, LoadSettings } from "./types.js";

/** What a load test runs: the journeys' features and step files, the target and the settings. */
export interface LoadInputs {
  paths: string[];
  cwd: string;
  tags?: string;
  require?: string[];
  /** Base URL for the built-in HTTP steps; features may set their own with `Given the base URL is`. */
  target?: string;
  settings: LoadSettings;
}

/** Everything one worker needs; plain data, so it can be a Worker's workerData. */
export interface WorkerPlan extends LoadInputs {
  worker: number;
  workers: number;
}

export interface PreparedWorker {
  journeys: Journey[];
  /** Load errors: nothing ran, not even the BeforeAll hooks (the worker must not run). */
  errors: LoadError[];
  /** BeforeAll hooks that failed: the worker must not run, but `finish()` still runs the AfterAll hooks. */
  hookErrors: LoadError[];
  /** Runs this worker's share from `startAt` (epoch ms); reports once a second and once at the end. */
  run(startAt: number, onReport: (report: IntervalReport) => void): Promise<void>;
  /**
   * Stops early (Ctrl-C, another worker died): no journey starts any more and those in flight get
   * CANCEL_GRACE_MS to finish before they are aborted. Before `run`, makes `run` return at once.
   */
  cancel(): void;
  /**
   * Runs the AfterAll hooks once (when the BeforeAll hooks ran) and returns their failures. Call it
   * after `run`, or instead of it. It also ends the run's catching of unhandled rejections.
   */
  finish(): Promise<LoadError[]>;
  /** Problems worth a line on stderr that do not fail the run (unhandled rejections in steps). */
  warnings(): string[];
}

/** How long in-flight journeys may finish after the duration ends: the HTTP step timeout (default 10 s). */
export function endGraceMs(): number {
  return resolveStepTimeoutMs(undefined);
}

/** After a cancel (Ctrl-C, a worker died), in-flight journeys get this long before they are aborted. */
export const CANCEL_GRACE_MS = 2000;

export { UNCAUGHT_KIND, UNHANDLED_KIND } from "./stray-failures.js";

/** This worker's connections per origin: its share of the total, rounded up. */
export function connectionsPerWorker(settings: LoadSettings): number {
  return Math.max(1, Math.ceil(settings.connections / settings.workers));
}

/** Loads and plans the journeys (this worker's own copy of the features and step files), then runs BeforeAll. */
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
  const ranBeforeAll = loaded.errors.length === 0;
  const hookErrors = ranBeforeAll ? await runRunHooks(loaded, "beforeAll") : [];
  const control = new ShareControl();
  const strays = new StrayFailures();
  let finished: Promise<LoadError[]> | undefined;
  return {
    journeys: loaded.journeys,
    errors: loaded.errors,
    hookErrors,
    run: (startAt, onReport) => {
      if (loaded.errors.length > 0 || hookErrors.length > 0)
        return Promise.reject(new Error("a load worker with load or BeforeAll errors must not run"));
      strays.install();
      return runShare(plan, loaded, startAt, (report) => onReport(strays.addTo(report)), control);
    },
    cancel: () => control.cancel(),
    finish: () => {
      finished ??= (ranBeforeAll ? runRunHooks(loaded, "afterAll") : Promise.resolve([])).finally(() =>
        strays.remove(),
      );
      return finished;
    },
    warnings: () => strays.warnings(plan.worker, plan.workers),
  };
}

/** Lets a run be cut short: wakes its waits, and shortens the end grace. */
class ShareControl {
  cancelled = false;
  /** performance.now() of the cancel. */
  cancelledAt = Number.POSITIVE_INFINITY;
  readonly #wakers = new Set<() => void>();

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelledAt = performance.now();
    for (const wake of this.#wakers) wake();
  }

  /** Waits `ms`, or less when cancelled meanwhile. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.cancelled || ms <= 0) return resolve();
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }
}

/** Closes the agent's connections; destroys them when a response still holds one after a second. */
async function closeAgent(agent: Agent): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = agent.close().then(
    () => true,
    () => false,
  );
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), 1000);
  });
  const ok = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (!ok) await agent.destroy().catch(() => undefined);
}

async function runShare(
  plan: WorkerPlan,
  loaded: LoadedJourneys,
  startAt: number,
  onReport: (report: IntervalReport) => void,
  control: ShareControl,
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
  // The start (performance.now() ms) of every journey in flight, so one aborted at the end is
  // charged from its own start (its intended start in the open model). At most maxInFlight (open)
  // or users (closed) entries.
  const starts = new Map<number, { index: number; at: number }>();
  let nextId = 0;
  const launch = (journey: Journey, startedAt: number): Promise<void> => {
    const id = nextId++;
    starts.set(id, { index: journey.index, at: startedAt });
    return runJourney(journey, ctx, startedAt).then(() => {
      starts.delete(id);
    });
  };
  const finished = () => {
    running--;
  };

  await control.pause(startAt - Date.now());
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

  const stopped = () => control.cancelled;
  const model = settings.model;
  const driving =
    model.kind === "open"
      ? driveOpen(
          new OpenSchedule(model.ratePerSecond, settings.rampMs, settings.durationMs, worker, workers),
          {
            inFlight: () => running,
            start: (intendedAt) => {
              running++;
              launch(picker.next(), intendedAt).then(finished);
            },
            drop: () => recorder.dropped(picker.next().name),
            stopped,
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
          () => launch(picker.next(), performance.now()),
          stopped,
          (delta) => {
            users += delta;
          },
        );

  // The end (or a cancel): stop starting journeys, give those in flight the grace to finish, then
  // abort the rest.
  let drove = false;
  driving.then(() => {
    drove = true;
  });
  await control.pause(end - performance.now());
  const graceEnd = () => Math.min(end + endGraceMs(), control.cancelledAt + CANCEL_GRACE_MS);
  while (!(drove && running === 0 && users === 0) && performance.now() < graceEnd()) await sleep(5);
  if (!drove || running > 0 || users > 0) {
    ctx.aborting = true;
    await agent.destroy().catch(() => undefined);
    await sleep(50);
    ctx.stopped = true;
    const at = performance.now();
    // ctx.inFlight counts the journeys still running; the oldest starts are theirs.
    const byJourney = new Map<number, number[]>();
    for (const { index, at: start } of starts.values()) {
      const list = byJourney.get(index) ?? [];
      list.push(start);
      byJourney.set(index, list);
    }
    for (const journey of journeys) {
      const left = ctx.inFlight[journey.index] as number;
      const journeyStarts = (byJourney.get(journey.index) ?? []).sort((a, b) => a - b);
      for (let n = 0; n < left; n++)
        recorder.journey(journey.name, at - (journeyStarts[n] ?? end), false, "aborted");
    }
  }
  ctx.stopped = true;
  clearTimeout(reporter);
  recorder.setActive(0);
  onReport(recorder.flush(Date.now()));
  if (!ctx.aborting) await closeAgent(agent);
}
