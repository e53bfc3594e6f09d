import type { Logger } from "pino";
import type { Store } from "../store/types.js";
import { errorMessage } from "../util/errors.js";
import type { EscalationJournal } from "./controller-types.js";

/** Records escalations in the store. */
export function storeJournal(store: Store, environment: string): EscalationJournal {
  return {
    start: (e) =>
      store.createEscalation({
        id: e.id,
        environment,
        status: e.dryRun ? "dry-run" : "running",
        attempt: e.attempt,
        dryRun: e.dryRun,
        trigger: JSON.stringify(e.plan.trigger),
        plan: JSON.stringify({ levels: e.plan.levels, notes: e.plan.notes }),
        startedAt: e.startedAt,
      }),
    finish: (id, status, outcome, endedAt) => store.finishEscalation(id, status, outcome, endedAt),
  };
}

/** Readable, sortable, unique: shop-20260101T120000Z-3fa2 */
export function newEscalationId(environment: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]|\.\d+/g, "");
  const random = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, "0");
  return `${environment}-${stamp}-${random}`;
}

/** History must not stop a repair: a failed write is logged, and the escalation goes on. */
export function bestEffortJournal(journal: EscalationJournal, logger: Logger): EscalationJournal {
  return {
    start: (e) =>
      journal
        .start(e)
        .catch((error: unknown) =>
          logger.error({ err: errorMessage(error), escalationId: e.id }, "could not record the escalation"),
        ),
    finish: (id, status, outcome, endedAt) =>
      journal
        .finish(id, status, outcome, endedAt)
        .catch((error: unknown) =>
          logger.error(
            { err: errorMessage(error), escalationId: id },
            "could not record the escalation's outcome",
          ),
        ),
  };
}
