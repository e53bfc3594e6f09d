import type { Store } from "../store/types.js";
import type { EscalationJournal } from "./controller-types.js";
import type { EngineEvents } from "./engine-events.js";
import type { EngineMetrics } from "./engine-metrics.js";

/** Step records that also feed the event stream and the step-duration histogram. */
export function instrumentedSteps(
  store: Pick<Store, "startStep" | "finishStep">,
  metrics: EngineMetrics,
  events: EngineEvents,
): Pick<Store, "startStep" | "finishStep"> {
  const started = new Map<number, { level: string; startedAt: number }>();
  return {
    startStep: async (step) => {
      const id = await store.startStep(step);
      started.set(id, { level: step.level, startedAt: step.startedAt });
      events.emit("step", step.startedAt, { ...step, id, status: "running" });
      return id;
    },
    finishStep: async (id, step) => {
      await store.finishStep(id, step);
      const began = started.get(id);
      started.delete(id);
      events.emit("step", step.endedAt, { id, status: step.status, exitCode: step.exitCode });
      if (began) metrics.stepFinished(began.level, step.status, (step.endedAt - began.startedAt) / 1000);
    },
  };
}

/** An escalation journal that also feeds the event stream and the outcome counter. */
export function instrumentedJournal(
  journal: EscalationJournal,
  metrics: EngineMetrics,
  events: EngineEvents,
): EscalationJournal {
  return {
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
  };
}
