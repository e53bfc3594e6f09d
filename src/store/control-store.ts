import type { Kysely, Selectable } from "kysely";
import { alertStateStore } from "./alert-state-store.js";
import { approvalStore } from "./approval-store.js";
import type { Database, PausesTable, SilencesTable } from "./database.js";
import type { ControlStore, PauseRecord, SilenceRecord } from "./types.js";

/** Pauses, silences, approvals and alert states: what operators and Alertmanager tell the engine. */
export function controlStore(db: Kysely<Database>): ControlStore {
  return { ...pauseAndSilenceStore(db), ...approvalStore(db), ...alertStateStore(db) };
}

type PauseAndSilenceStore = Pick<
  ControlStore,
  "setPause" | "clearPause" | "getPause" | "addSilence" | "listActiveSilences" | "removeSilence"
>;

/** Operators' pauses (one per environment) and silences (per check and target, for a window). */
function pauseAndSilenceStore(db: Kysely<Database>): PauseAndSilenceStore {
  return {
    async setPause(p) {
      const changes = { paused_by: p.by, reason: p.reason, since: p.since, until_at: p.until };
      await db
        .insertInto("pauses")
        .values({ environment: p.environment, ...changes })
        .onConflict((oc) => oc.column("environment").doUpdateSet(changes))
        .execute();
    },

    async clearPause(environment) {
      await db.deleteFrom("pauses").where("environment", "=", environment).execute();
    },

    async getPause(environment) {
      const row = await db
        .selectFrom("pauses")
        .selectAll()
        .where("environment", "=", environment)
        .executeTakeFirst();
      return row === undefined ? undefined : toPauseRecord(row);
    },

    async addSilence(s) {
      const row = await db
        .insertInto("silences")
        .values({
          environment: s.environment,
          check_name: s.check,
          target: s.target,
          silenced_by: s.by,
          reason: s.reason,
          since: s.since,
          until_at: s.until,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async listActiveSilences(environment, at) {
      const rows = await db
        .selectFrom("silences")
        .selectAll()
        .where("environment", "=", environment)
        .where("until_at", ">", at)
        .where("since", "<=", at)
        .orderBy("id")
        .execute();
      return rows.map(toSilenceRecord);
    },

    async removeSilence(environment, id) {
      const result = await db
        .deleteFrom("silences")
        .where("environment", "=", environment)
        .where("id", "=", id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function toPauseRecord(row: Selectable<PausesTable>): PauseRecord {
  return {
    environment: row.environment,
    by: row.paused_by,
    reason: row.reason,
    since: row.since,
    until: row.until_at,
  };
}

function toSilenceRecord(row: Selectable<SilencesTable>): SilenceRecord {
  return {
    id: row.id,
    environment: row.environment,
    check: row.check_name,
    target: row.target,
    by: row.silenced_by,
    reason: row.reason,
    since: row.since,
    until: row.until_at,
  };
}
