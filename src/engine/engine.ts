import type { Logger } from "pino";
import { runAction } from "../actions/registry.js";
import { guardOf } from "../config/config-lookups.js";
import type { ResolvedConfig } from "../config/load-config.js";
import type { Store } from "../store/types.js";
import { type Clock, systemClock } from "../util/clock.js";
import { errorMessage } from "../util/errors.js";
import { approvalWaiter } from "./approval-waiter.js";
import { wireChecks } from "./check-wiring.js";
import { pollControls, restoreFiringAlerts } from "./control-poller.js";
import type { EngineControl } from "./control-types.js";
import { Controller } from "./controller.js";
import { acquireDaemonLock, daemonLockPath } from "./daemon-lock.js";
import { createEngineControl } from "./engine-control.js";
import { EngineEvents } from "./engine-events.js";
import { createEngineMetrics } from "./engine-metrics.js";
import { EngineStateTracker } from "./engine-state-tracker.js";
import { bestEffortJournal, newEscalationId, storeJournal } from "./escalation-journal.js";
import { instrumentedJournal, instrumentedSteps } from "./instrumented-history.js";
import { MaintenanceGate } from "./maintenance-gate.js";
import { observationSink } from "./observation-sink.js";
import { Observations } from "./observations.js";
import { page as sendPage } from "./paging.js";
import { rateLimiterFromHistory } from "./rate-limiter.js";
import { Silences } from "./silences.js";
import { createStepRunner } from "./step-runner.js";
import { TargetGroups } from "./target-groups.js";
import type { FailingCheck } from "./types.js";

const HEARTBEAT_MS = 5_000;
const CONTROL_POLL_MS = 1_000;
const PRUNE_EVERY_MS = 60 * 60_000;
const DEFAULT_CYCLE_BACKOFF = { initial: 30_000, factor: 2, max: 16 * 60_000 };

export interface EngineOptions {
  config: ResolvedConfig;
  store: Store;
  logger: Logger;
  clock?: Clock;
  dryRun?: boolean;
  /** Base URL of the daemon's API, for links in pages. */
  publicUrl?: string;
}

export interface RunningEngine {
  controller: Controller;
  /** What the HTTP API serves. */
  control: EngineControl;
  /** Resolves when the controller loop ends. */
  done: Promise<void>;
  /** Stops taking new steps; lets a running step finish unless `force`. */
  stop(options?: { force?: boolean }): Promise<void>;
}

/** Wires config, store, checks, targets, actions and controls into a running controller: the daemon. */
export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const { config, store, logger } = options;
  const clock = options.clock ?? systemClock;
  const environment = config.environment;
  const dryRun = options.dryRun ?? false;
  const startedAt = clock.now();
  // Store writes from check transitions run in the background; stop() waits for them.
  const background = new Set<Promise<unknown>>();
  const track = (write: Promise<unknown>) => {
    const guarded = write
      .catch((error) => logger.error({ err: errorMessage(error) }, "store write failed"))
      .finally(() => background.delete(guarded));
    background.add(guarded);
  };

  const lock = acquireDaemonLock(daemonLockPath(config.storeUrl, config.dir, environment), environment);
  const interrupted = await store.markInterrupted(environment, clock.now()).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  if (interrupted.length > 0) {
    logger.warn(
      { escalations: interrupted },
      "found escalations that were running when the daemon stopped; marked interrupted. Observing afresh before acting",
    );
  }

  let controller: Controller | undefined;
  const metrics = createEngineMetrics(environment);
  const events = new EngineEvents();
  const gate = new MaintenanceGate(config.maintenance);
  gate.setPause(await store.getPause(environment));
  const silences = new Silences(store, environment);
  await silences.refresh(clock.now());
  const paging = {
    store,
    config,
    logger,
    clock,
    events,
    publicUrl: options.publicUrl ?? `http://${config.listen}`,
    // Every page carries the state and failing checks, even ones (flapping, rate limit) that did not say.
    snapshot: (): { state: string; failing: FailingCheck[] } => ({
      state: engineState.current.state,
      failing: observations.failing(),
    }),
  };

  const observations = new Observations(
    environment,
    observationSink({
      environment,
      dryRun,
      logger,
      clock,
      store,
      metrics,
      events,
      track,
      page: (n) => sendPage(paging, n),
      wake: () => controller?.wake(),
    }),
    config.flapping,
  );
  observations.setSilencer((check, target) => silences.covers(check, target, clock.now()));

  const targets = new TargetGroups(config.targets, {
    cwd: config.dir,
    environment,
    logger,
    now: () => clock.now(),
    onChange: () => applyInstances(),
  });
  const checks = wireChecks({
    checks: config.checks,
    environment,
    cwd: config.dir,
    values: { ...(config.values ? { config: config.values } : {}), store },
    clock,
    logger,
    observations,
    targets: () => targets.current(),
  });
  const applyInstances = () => {
    // A target that left its group is no longer listed by `status`.
    for (const gone of checks.apply()) {
      track(store.removeCheckStatus(environment, gone.check.name, gone.target ?? ""));
      metrics.checkState(gone.check.name, gone.target ?? "", null);
    }
  };
  await targets.start();
  applyInstances();

  // Alerts that were firing when the daemon stopped are still firing until Alertmanager says otherwise.
  await restoreFiringAlerts({
    config,
    store,
    observations,
    clock,
    targets: () => targets.current(),
    controller: () => controller,
  });

  const rateLimiter = await rateLimiterFromHistory(store, environment, config.rate_limit, clock.now());

  const engineState = new EngineStateTracker(store, environment, clock, () => ({
    dryRun,
    instances: observations.size,
  }));
  const persistState = () => track(engineState.write());

  controller = new Controller({
    environment,
    clock,
    logger,
    levels: config.levels,
    quiescenceMs: config.quiescence,
    maxAttempts: config.max_attempts,
    cycleBackoff: config.cycle_backoff ?? DEFAULT_CYCLE_BACKOFF,
    dryRun,
    currentFailing: () => observations.failing(),
    currentTargets: () => targets.current(),
    verify: checks.verify,
    runStep: createStepRunner({
      environment,
      clock,
      logger,
      configDir: config.dir,
      runAction,
      store: instrumentedSteps(store, metrics, events),
    }),
    journal: instrumentedJournal(
      bestEffortJournal(storeJournal(store, environment), logger),
      metrics,
      events,
    ),
    page: (notification) => sendPage(paging, notification),
    onState: (state, detail) => {
      engineState.enter(state, detail);
      persistState();
      metrics.engineState(state);
      events.emit("state", clock.now(), { state, ...detail });
    },
    newEscalationId: () => newEscalationId(environment, clock.now()),
    gate: () => gate.current(clock.now()),
    rateLimiter,
    guardFor: (group) => guardOf(config, group),
    awaitApproval: approvalWaiter({
      environment,
      store,
      clock,
      logger,
      page: (n) => sendPage(paging, n),
      stillFailing: () => observations.failing().length > 0,
    }),
  });

  const control = createEngineControl({
    config,
    store,
    clock,
    logger,
    controller: () => controller,
    gate,
    silences,
    observations,
    targets: () => targets.current(),
    rateLimiter,
    events,
    metrics,
    engineState: () => engineState.current,
    startedAt,
  });

  const heartbeat = setInterval(() => {
    persistState();
    // The guard gauges follow the failing counts, whether or not an escalation tripped them.
    control
      .status()
      .then((view) => {
        for (const [group, values] of Object.entries(view.guard)) metrics.guard(group, values);
      })
      .catch((error: unknown) => logger.error({ err: errorMessage(error) }, "computing status failed"));
  }, HEARTBEAT_MS);
  const prune = () =>
    track(
      store.pruneHistory(environment, clock.now() - config.retention).then((counts) => {
        if (counts.escalations + counts.transitions + counts.notifications > 0)
          logger.info(counts, "pruned old history");
      }),
    );
  prune();
  const pruning = setInterval(prune, PRUNE_EVERY_MS);
  // The CLI without a daemon API writes acks, pauses and silences to the store; pick them up.
  const lastPause = { value: JSON.stringify(gate.currentPause ?? null) };
  const controlPoll = setInterval(() => {
    pollControls({
      store,
      environment,
      clock,
      gate,
      silences,
      controller: () => controller,
      lastPause,
    }).catch((error) => logger.error({ err: errorMessage(error) }, "reading controls failed"));
  }, CONTROL_POLL_MS);
  persistState();

  const done = controller.run();
  let stopping: Promise<void> | undefined;
  logger.info(
    { environment, levels: config.levels.length, instances: observations.size, dryRun },
    "escalator running",
  );

  return {
    controller,
    control,
    done,
    stop(stopOptions = {}) {
      controller?.stop(stopOptions);
      stopping ??= (async () => {
        try {
          await done.catch((error: unknown) =>
            logger.error({ err: errorMessage(error) }, "controller ended with an error"),
          );
        } finally {
          for (const timer of [heartbeat, controlPoll, pruning]) clearInterval(timer);
          checks.scheduler.stop();
          targets.stop();
          await Promise.all([...background]);
          await engineState
            .write({ stopped: true })
            .catch((error: unknown) =>
              logger.error({ err: errorMessage(error) }, "could not record the stop"),
            );
          lock.release();
        }
      })();
      return stopping;
    },
  };
}
