import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { PruneCounts, Store } from "./types.js";

/**
 * Forgets history older than a cut-off, so a busy environment does not fill its disk.
 * Escalations still running, and their steps, are never removed.
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
