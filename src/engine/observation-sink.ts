import type { Logger } from "pino";
import type { Notification } from "../actions/types.js";
import type { Store } from "../store/types.js";
import type { Clock } from "../util/clock.js";
import type { EngineEvents } from "./engine-events.js";
import type { EngineMetrics } from "./engine-metrics.js";
import type { ObservationSink } from "./observations.js";

/**
 * Where check transitions go: the log, the history store, metrics, the event stream, and a
 * wake-up for the controller. A check that starts flapping pages once instead of escalating.
 */
export function observationSink(context: {
  environment: string;
  dryRun: boolean;
  logger: Logger;
  clock: Clock;
  store: Store;
  metrics: EngineMetrics;
  events: EngineEvents;
  /** Runs a store write or page in the background, logging a failure. */
  track(work: Promise<unknown>): void;
  page(notification: Notification): Promise<void>;
  wake(): void;
}): ObservationSink {
  const { logger, store, metrics, events } = context;
  return {
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
      context.track(store.recordCheckTransition(transition));
      context.track(store.upsertCheckStatus(status));
      metrics.checkState(transition.check, transition.target, transition.toState);
      events.emit("check", transition.at, { ...transition });
      context.wake();
    },
    onFlapping: (instance, flapping, percent) => {
      const what = `${instance.key} ${flapping ? "is flapping" : "stopped flapping"} (${percent.toFixed(1)}% state change over the last 21 results)`;
      logger.warn({ check: instance.check.name, target: instance.target, flapping, percent }, what);
      events.emit("check", context.clock.now(), {
        check: instance.check.name,
        target: instance.target ?? "",
        flapping,
        percent,
      });
      if (flapping && !context.dryRun) {
        context.track(
          context.page({
            environment: context.environment,
            severity: "warning",
            summary: `escalator ${context.environment}: ${what}; it triggers no escalation until it settles`,
            details: { check: instance.check.name, target: instance.target ?? "", percent },
          }),
        );
      }
      context.wake();
    },
  };
}
