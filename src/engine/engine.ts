import type { Logger } from "pino";
import { notify } from "../actions/notify.js";
import { runAction } from "../actions/registry.js";
import type { ResolvedConfig } from "../config/load-config.js";
import type { EngineStateName, Store } from "../store/types.js";
import { type Clock, systemClock } from "../util/clock.js";
import { errorMessage } from "../util/errors.js";
import { routeAlert } from "./alert-routing.js";
import { approvalWaiter } from "./approval-waiter.js";
import { wireChecks } from "./check-wiring.js";
import type { EngineControl } from "./control-types.js";
import { Controller } from "./controller.js";
import { acquireDaemonLock, daemonLockPath } from "./daemon-lock.js";
import { createEngineControl, recordAlert } from "./engine-control.js";
import { EngineEvents } from "./engine-events.js";
import { createEngineMetrics } from "./engine-metrics.js";
import { bestEffortJournal, newEscalationId, storeJournal } from "./escalation-journal.js";
import { MaintenanceGate } from "./maintenance-gate.js";
import { Observations } from "./observations.js";
import { page as sendPage } from "./paging.js";
import { RateLimiter } from "./rate-limiter.js";
import { Silences } from "./silences.js";
import { createStepRunner } from "./step-runner.js";
import { TargetGroups } from "./target-groups.js";

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
  };

  const observations = new Observations(
    environment,
    {
      onTransition: (transition, status) => {
        const log = transition.failing ? logger.warn.bind(logger) : logger.info.bind(logger);
        log(
          {
            check: transition.check,
            target: transition.target || undefined,
            state: transition.toState,
            failing: transition.failing,
          },
          transition.message,
        );
        track(store.recordCheckTransition(transition));
        track(store.upsertCheckStatus(status));
        metrics.checkState(transition.check, transition.target, transition.toState);
        events.emit("check", transition.at, { ...transition });
        controller?.wake();
      },
      onFlapping: (instance, flapping, percent) => {
        const what = `${instance.key} ${flapping ? "is flapping" : "stopped flapping"} (${percent.toFixed(1)}% state change over the last 21 results)`;
        logger.warn({ check: instance.check.name, target: instance.target, flapping, percent }, what);
        events.emit("check", clock.now(), {
          check: instance.check.name,
          target: instance.target ?? "",
          flapping,
          percent,
        });
        if (flapping && !dryRun) {
          track(
            sendPage(paging, {
              environment,
              severity: "warning",
              summary: `escalator ${environment}: ${what}; it triggers no escalation until it settles`,
              details: { check: instance.check.name, target: instance.target ?? "", percent },
            }),
          );
        }
        controller?.wake();
      },
    },
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
  for (const alert of await store.listFiringAlerts(environment)) {
    const routed = routeAlert(
      {
        fingerprint: alert.fingerprint,
        status: "firing",
        labels: JSON.parse(alert.labels),
        annotations: { summary: alert.summary.replace(/^FIRING - /, "") },
        startsAt: alert.startsAt,
        endsAt: "",
      },
      config.alerts,
      config.levels,
      targets.current(),
    );
    if (!("ignored" in routed))
      recordAlert({ config, observations, clock, controller: () => controller }, routed);
  }

  const rateLimiter = new RateLimiter(config.rate_limit.max, config.rate_limit.per);
  rateLimiter.seed(
    (await store.listEscalations(environment, { limit: config.rate_limit.max }))
      .map((e) => e.startedAt)
      .filter((t) => t > clock.now() - config.rate_limit.per),
  );

  let lastState: { state: EngineStateName; since: number; detail: Record<string, unknown> } = {
    state: "converged",
    since: clock.now(),
    detail: {},
  };
  const persistState = () =>
    track(
      store.setEngineState({
        environment,
        state: lastState.state,
        since: lastState.since,
        detail: JSON.stringify({ ...lastState.detail, dryRun, instances: observations.size }),
        pid: process.pid,
        heartbeatAt: clock.now(),
      }),
    );

  const journal = bestEffortJournal(storeJournal(store, environment), logger);
  const stepStarts = new Map<number, { level: string; startedAt: number }>();
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
      store: {
        startStep: async (step) => {
          const id = await store.startStep(step);
          stepStarts.set(id, { level: step.level, startedAt: step.startedAt });
          events.emit("step", step.startedAt, { ...step, id, status: "running" });
          return id;
        },
        finishStep: async (id, step) => {
          await store.finishStep(id, step);
          const began = stepStarts.get(id);
          stepStarts.delete(id);
          events.emit("step", step.endedAt, { id, status: step.status, exitCode: step.exitCode });
          if (began !== undefined)
            metrics.stepFinished(began.level, step.status, (step.endedAt - began.startedAt) / 1000);
        },
      },
    }),
    journal: {
      start: async (e) => {
        await journal.start(e);
        events.emit("escalation", e.startedAt, {
          id: e.id,
          attempt: e.attempt,
          status: e.dryRun ? "dry-run" : "running",
        });
      },
      finish: async (id, status, outcome, endedAt) => {
        await journal.finish(id, status, outcome, endedAt);
        metrics.escalationFinished(status);
        events.emit("escalation", endedAt, { id, status, outcome });
      },
    },
    page: (notification) => sendPage(paging, notification),
    onState: (state, detail) => {
      if (state !== lastState.state) lastState = { state, since: clock.now(), detail };
      else lastState.detail = detail;
      persistState();
      metrics.engineState(state);
      events.emit("state", clock.now(), { state, ...detail });
    },
    newEscalationId: () => newEscalationId(environment, clock.now()),
    gate: () => gate.current(clock.now()),
    rateLimiter,
    guardFor: (group) => {
      const spec = config.targets[group];
      return (spec && !Array.isArray(spec) && "guard" in spec ? spec.guard : undefined) ?? config.guard;
    },
    awaitApproval: approvalWaiter({ environment, store, clock, logger, page: (n) => sendPage(paging, n) }),
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
    engineState: () => lastState,
    startedAt,
  });

  const heartbeat = setInterval(() => {
    persistState();
    // The guard gauges follow the failing counts, whether or not an escalation tripped them.
    void control.status().then((view) => {
      for (const [group, values] of Object.entries(view.guard)) metrics.guard(group, values);
    });
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
  const pollControls = async () => {
    for (const ack of await store.consumeAcks(environment, clock.now())) controller?.ack(ack.by, ack.note);
    const pause = await store.getPause(environment);
    if (JSON.stringify(pause) !== JSON.stringify(gate.currentPause)) {
      gate.setPause(pause);
      controller?.wake();
    }
    await silences.refresh(clock.now());
  };
  const controlPoll = setInterval(() => {
    pollControls().catch((error) => logger.error({ err: errorMessage(error) }, "reading controls failed"));
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
          await store
            .setEngineState({
              environment,
              state: lastState.state,
              since: lastState.since,
              detail: JSON.stringify({ ...lastState.detail, stopped: true }),
              pid: null,
              heartbeatAt: clock.now(),
            })
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
