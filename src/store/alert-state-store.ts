import type { Kysely, Selectable } from "kysely";
import type { AlertStatesTable, Database } from "./database.js";
import type { AlertStateRecord, ControlStore } from "./types.js";

export type AlertStateStore = Pick<ControlStore, "upsertAlertState" | "listFiringAlerts">;

/**
 * The latest state of each Alertmanager alert, by environment and fingerprint.
 *
 * A duplicate delivery (Alertmanager retries, both members of an HA pair) is not written at all:
 * so `updatedAt` records the last change, not the last delivery. Only status, target, check,
 * summary and labels count as a change; `startsAt` is stored along with one, never alone.
 * Labels are compared as text, so senders should serialize them with a stable key order.
 */
export function alertStateStore(db: Kysely<Database>): AlertStateStore {
  return {
    async upsertAlertState(a) {
      const changes = {
        check_name: a.check,
        target: a.target,
        status: a.status,
        labels: a.labels,
        summary: a.summary,
        starts_at: a.startsAt,
        updated_at: a.updatedAt,
      };
      // The conditional update matches nothing for a duplicate, so RETURNING yields a row only
      // when one was inserted or changed: one statement, no read-then-write race.
      const row = await db
        .insertInto("alert_states")
        .values({ environment: a.environment, fingerprint: a.fingerprint, ...changes })
        .onConflict((oc) =>
          oc
            .columns(["environment", "fingerprint"])
            .doUpdateSet(changes)
            .where((eb) =>
              eb.or([
                eb("alert_states.status", "<>", eb.ref("excluded.status")),
                eb("alert_states.target", "<>", eb.ref("excluded.target")),
                eb("alert_states.check_name", "<>", eb.ref("excluded.check_name")),
                eb("alert_states.summary", "<>", eb.ref("excluded.summary")),
                eb("alert_states.labels", "<>", eb.ref("excluded.labels")),
              ]),
            ),
        )
        .returning("fingerprint")
        .executeTakeFirst();
      return row !== undefined;
    },

    async listFiringAlerts(environment) {
      const rows = await db
        .selectFrom("alert_states")
        .selectAll()
        .where("environment", "=", environment)
        .where("status", "=", "firing")
        .orderBy("check_name")
        .orderBy("target")
        .orderBy("fingerprint")
        .execute();
      return rows.map(toAlertStateRecord);
    },
  };
}

function toAlertStateRecord(row: Selectable<AlertStatesTable>): AlertStateRecord {
  return {
    environment: row.environment,
    fingerprint: row.fingerprint,
    check: row.check_name,
    target: row.target,
    status: row.status,
    labels: row.labels,
    summary: row.summary,
    startsAt: row.starts_at,
    updatedAt: row.updated_at,
  };
}
