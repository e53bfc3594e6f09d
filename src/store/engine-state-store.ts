import type { Kysely, Selectable } from "kysely";
import type { AcksTable, Database, EngineStateTable, NotificationsTable } from "./database.js";
import type { AckRecord, EngineStateRecord, NotificationRecord, Store } from "./types.js";

export type EngineStateStore = Pick<
  Store,
  "setEngineState" | "getEngineState" | "addAck" | "consumeAcks" | "recordNotification" | "listNotifications"
>;

const DEFAULT_LIMIT = 50;

/** The engine's current state per environment, acknowledgements, and pages sent. */
export function engineStateStore(db: Kysely<Database>): EngineStateStore {
  return {
    async setEngineState(s) {
      const changes = {
        state: s.state,
        since: s.since,
        detail: s.detail,
        pid: s.pid,
        heartbeat_at: s.heartbeatAt,
      };
      await db
        .insertInto("engine_state")
        .values({ environment: s.environment, ...changes })
        .onConflict((oc) => oc.column("environment").doUpdateSet(changes))
        .execute();
    },

    async getEngineState(environment) {
      const row = await db
        .selectFrom("engine_state")
        .selectAll()
        .where("environment", "=", environment)
        .executeTakeFirst();
      return row === undefined ? undefined : toEngineStateRecord(row);
    },

    async addAck(environment, by, note, at) {
      const row = await db
        .insertInto("acks")
        .values({ environment, acked_by: by, note, at, consumed_at: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async consumeAcks(environment, at) {
      // One UPDATE ... RETURNING both selects and marks, so two consumers can never get the same
      // ack; writing first also takes SQLite's write lock before any read.
      const rows = await db
        .transaction()
        .execute((trx) =>
          trx
            .updateTable("acks")
            .set({ consumed_at: at })
            .where("environment", "=", environment)
            .where("consumed_at", "is", null)
            .returningAll()
            .execute(),
        );
      return rows.map(toAckRecord).sort((a, b) => a.id - b.id);
    },

    async recordNotification(n) {
      await db
        .insertInto("notifications")
        .values({
          environment: n.environment,
          escalation_id: n.escalationId,
          at: n.at,
          summary: n.summary,
          outcomes: n.outcomes,
        })
        .execute();
    },

    async listNotifications(environment, opts = {}) {
      const rows = await db
        .selectFrom("notifications")
        .selectAll()
        .where("environment", "=", environment)
        .orderBy("at", "desc")
        .orderBy("id", "desc")
        .limit(opts.limit ?? DEFAULT_LIMIT)
        .execute();
      return rows.map(toNotificationRecord);
    },
  };
}

function toEngineStateRecord(row: Selectable<EngineStateTable>): EngineStateRecord {
  return {
    environment: row.environment,
    state: row.state,
    since: row.since,
    detail: row.detail,
    pid: row.pid,
    heartbeatAt: row.heartbeat_at,
  };
}

function toAckRecord(row: Selectable<AcksTable>): AckRecord {
  return {
    id: row.id,
    environment: row.environment,
    at: row.at,
    by: row.acked_by,
    note: row.note,
    consumedAt: row.consumed_at,
  };
}

function toNotificationRecord(row: Selectable<NotificationsTable>): NotificationRecord {
  return {
    environment: row.environment,
    escalationId: row.escalation_id,
    at: row.at,
    summary: row.summary,
    outcomes: row.outcomes,
  };
}
