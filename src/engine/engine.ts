import type { Logger } from "pino";
import { notify } from "../actions/notify.js";
import { runAction } from "../actions/registry.js";
import { runCheck } from "../checks/registry.js";
import { CheckScheduler, checkInstances } from "../checks/scheduler.js";
import type { ResolvedConfig } from "../config/load-config.js";
import type { EngineStateName, Store } from "../store/types.js";
import { type Clock, systemClock } from "../util/clock.js";
import { errorMessage } from "../util/errors.js";
import { Controller } from "./controller.js";
import { acquireDaemonLock, daemonLockPath } from "./daemon-lock.js";
import { bestEffortJournal, newEscalationId, storeJournal } from "./escalation-journal.js";
import { Observations } from "./observations.js";
import { createStepRunner } from "./step-runner.js";
import { TargetGroups } from "./target-groups.js";
import type { FailingCheck } from "./types.js";

const HEARTBEAT_MS = 5_000;
const ACK_POLL_MS = 1_000;
const PRUNE_EVERY_MS = 60 * 60_000;
const DEFAULT_CYCLE_BACKOFF = { initial: 30_000, factor: 2, max: 16 * 60_000 };

export interface EngineOptions {
  config: ResolvedConfig;
  store: Store;
  logger: Logger;
  clock?: Clock;
  dryRun?: boolean;
}

export interface RunningEngine {
  controller: Controller;
  /** Resolves when the controller loop ends. */
  done: Promise<void>;
  /** Stops taking new steps; lets a running step finish unless `force`. */
  stop(options?: { force?: boolean }): Promise<void>;
}

/** Wires config, store, checks, targets and actions into a running controller: the daemon. */
export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const { config, store, logger } = options;
  const clock = options.clock ?? systemClock;
  const environment = config.environment;
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
  const observations = new Observations(environment, {
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
      controller?.wake();
    },
  });
  const scheduler = new CheckScheduler({
    run: (instance, signal) =>
      runCheck(
        {
          check: instance.check,
          target: instance.target,
          environment,
          cwd: config.dir,
          timeoutMs: instance.check.timeout,
          logger,
        },
        signal,
      ),
    onResult: (instance, result) => observations.record(instance, result, clock.now()),
    onError: (instance, error) =>
      logger.error({ check: instance.key, err: errorMessage(error) }, "check run failed"),
  });
  const targets = new TargetGroups(config.targets, {
    cwd: config.dir,
    environment,
    logger,
    now: () => clock.now(),
    onChange: () => applyInstances(),
  });
  const applyInstances = () => {
    const instances = checkInstances(config.checks, targets.current());
    const removed = observations.setInstances(instances);
    scheduler.setInstances(instances);
    // A target that left its group is no longer listed by `status`.
    for (const gone of removed)
      track(store.removeCheckStatus(environment, gone.check.name, gone.target ?? ""));
  };
  await targets.start();
  applyInstances();

  const verify = async (signal: AbortSignal): Promise<FailingCheck[]> => {
    await scheduler.runAllOnce(undefined, signal);
    // Instances that need several passing results in a row get them now, not a cycle later.
    const rounds = Math.max(1, ...config.checks.map((c) => c.successes));
    for (let round = 1; round < rounds; round++) {
      const recovering = observations.recovering();
      if (recovering.size === 0) break;
      await scheduler.runAllOnce((instance) => recovering.has(instance.key), signal);
    }
    return observations.failing();
  };

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
        detail: JSON.stringify({
          ...lastState.detail,
          dryRun: options.dryRun ?? false,
          instances: observations.size,
        }),
        pid: process.pid,
        heartbeatAt: clock.now(),
      }),
    );

  controller = new Controller({
    environment,
    clock,
    logger,
    levels: config.levels,
    quiescenceMs: config.quiescence,
    maxAttempts: config.max_attempts,
    cycleBackoff: config.cycle_backoff ?? DEFAULT_CYCLE_BACKOFF,
    dryRun: options.dryRun ?? false,
    currentFailing: () => observations.failing(),
    currentTargets: () => targets.current(),
    verify,
    runStep: createStepRunner({ environment, clock, logger, configDir: config.dir, store, runAction }),
    journal: bestEffortJournal(storeJournal(store, environment), logger),
    page: async (notification) => {
      const outcomes = await notify(config.notify, notification, { cwd: config.dir, logger });
      if (config.notify.length === 0)
        logger.error({ summary: notification.summary }, "no notify channel is configured; nobody was paged");
      await store.recordNotification({
        environment,
        escalationId: notification.escalationId ?? null,
        at: clock.now(),
        summary: notification.summary,
        outcomes: JSON.stringify(outcomes),
      });
    },
    onState: (state, detail) => {
      if (state !== lastState.state) lastState = { state, since: clock.now(), detail };
      else lastState.detail = detail;
      persistState();
    },
    newEscalationId: () => newEscalationId(environment, clock.now()),
  });

  const heartbeat = setInterval(persistState, HEARTBEAT_MS);
  const prune = () =>
    track(
      store.pruneHistory(environment, clock.now() - config.retention).then((counts) => {
        if (counts.escalations + counts.transitions + counts.notifications > 0)
          logger.info(counts, "pruned old history");
      }),
    );
  prune();
  const pruning = setInterval(prune, PRUNE_EVERY_MS);
  const ackPoll = setInterval(() => {
    store
      .consumeAcks(environment, clock.now())
      .then((acks) => {
        for (const ack of acks) controller?.ack(ack.by, ack.note);
      })
      .catch((error) => logger.error({ err: errorMessage(error) }, "reading acks failed"));
  }, ACK_POLL_MS);
  persistState();

  const done = controller.run();
  let stopping: Promise<void> | undefined;
  logger.info(
    {
      environment,
      levels: config.levels.length,
      instances: observations.size,
      dryRun: options.dryRun ?? false,
    },
    "escalator running",
  );

  return {
    controller,
    done,
    stop(stopOptions = {}) {
      controller?.stop(stopOptions);
      stopping ??= (async () => {
        try {
          await done.catch((error: unknown) =>
            logger.error({ err: errorMessage(error) }, "controller ended with an error"),
          );
        } finally {
          clearInterval(heartbeat);
          clearInterval(ackPoll);
          clearInterval(pruning);
          scheduler.stop();
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
