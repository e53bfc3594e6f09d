import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { PruneCounts, Store } from "./types.js";

/**
 * Forgets history older than a cut-off, so a busy environment does not fill its disk.
 * Escalations still running, and their steps, are never removed; neither are firing alerts,
 * pauses, or silences still in force.
 */
export function historyRetention(db: Kysely<Database>): Pick<Store, "pruneHistory"> {
  return {
    pruneHistory(environment, before) {
      return db.transaction().execute(async (trx): Promise<PruneCounts> => {
        const old = trx
          .selectFrom("escalations")
          .select("id")
          .where("environment", "=", environment)
          .where("ended_at", "is not", null)
          .where("ended_at", "<", before);
        // Approvals reference escalations. A pending one left on a finished escalation is moot
        // (nothing waits for it any more), so it goes with its escalation too.
        await trx.deleteFrom("approvals").where("escalation_id", "in", old).execute();
        const steps = await trx.deleteFrom("steps").where("escalation_id", "in", old).executeTakeFirst();
        const escalations = await trx
          .deleteFrom("escalations")
          .where("environment", "=", environment)
          .where("ended_at", "is not", null)
          .where("ended_at", "<", before)
          .executeTakeFirst();
        const transitions = await trx
          .deleteFrom("check_transitions")
          .where("environment", "=", environment)
          .where("at", "<", before)
          .executeTakeFirst();
        const notifications = await trx
          .deleteFrom("notifications")
          .where("environment", "=", environment)
          .where("at", "<", before)
          .executeTakeFirst();
        const acks = await trx
          .deleteFrom("acks")
          .where("environment", "=", environment)
          .where("consumed_at", "is not", null)
          .where("consumed_at", "<", before)
          .executeTakeFirst();
        // Control state: alerts resolved before the cut-off, silences that ended before it.
        // Firing alerts, pauses and live silences are current state, not history, and stay.
        await trx
          .deleteFrom("alert_states")
          .where("environment", "=", environment)
          .where("status", "=", "resolved")
          .where("updated_at", "<", before)
          .execute();
        await trx
          .deleteFrom("silences")
          .where("environment", "=", environment)
          .where("until_at", "<", before)
          .execute();
        return {
          escalations: Number(escalations.numDeletedRows),
          steps: Number(steps.numDeletedRows),
          transitions: Number(transitions.numDeletedRows),
          notifications: Number(notifications.numDeletedRows),
          acks: Number(acks.numDeletedRows),
        };
      });
    },
  };
}
