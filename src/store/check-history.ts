import type { Kysely, Selectable } from "kysely";
import type { CheckStatusTable, CheckTransitionsTable, Database } from "./database.js";
import type { CheckStatusRecord, CheckTransitionRecord, Store } from "./types.js";

export type CheckHistory = Pick<
  Store,
  | "recordCheckTransition"
  | "upsertCheckStatus"
  | "listCheckStatus"
  | "removeCheckStatus"
  | "listCheckTransitions"
  | "listCheckTransitionPage"
>;

const DEFAULT_LIMIT = 50;

/** Check transitions (append-only) and the latest status of each check and target. */
export function checkHistory(db: Kysely<Database>): CheckHistory {
  return {
    async recordCheckTransition(t) {
      await db
        .insertInto("check_transitions")
        .values({
          environment: t.environment,
          check_name: t.check,
          target: t.target,
          from_state: t.fromState,
          to_state: t.toState,
          failing: t.failing ? 1 : 0,
          message: t.message,
          at: t.at,
        })
        .execute();
    },

    async upsertCheckStatus(s) {
      const changes = {
        state: s.state,
        failing: s.failing ? 1 : 0,
        message: s.message,
        perfdata: s.perfdata,
        level: s.level,
        updated_at: s.updatedAt,
      };
      await db
        .insertInto("check_status")
        .values({ environment: s.environment, check_name: s.check, target: s.target, ...changes })
        .onConflict((oc) => oc.columns(["environment", "check_name", "target"]).doUpdateSet(changes))
        .execute();
    },

    async listCheckStatus(environment) {
      const rows = await db
        .selectFrom("check_status")
        .selectAll()
        .where("environment", "=", environment)
        .orderBy("updated_at", "desc")
        .orderBy("check_name")
        .orderBy("target")
        .execute();
      return rows.map(toStatusRecord);
    },

    async removeCheckStatus(environment, check, target) {
      await db
        .deleteFrom("check_status")
        .where("environment", "=", environment)
        .where("check_name", "=", check)
        .where("target", "=", target)
        .execute();
    },

    async listCheckTransitions(environment, opts = {}) {
      let query = db.selectFrom("check_transitions").selectAll().where("environment", "=", environment);
      if (opts.check !== undefined) query = query.where("check_name", "=", opts.check);
      const rows = await query
        .orderBy("at", "desc")
        .orderBy("id", "desc")
        .limit(opts.limit ?? DEFAULT_LIMIT)
        .execute();
      return rows.map(toTransitionRecord);
    },

    async listCheckTransitionPage(environment, opts) {
      let query = db.selectFrom("check_transitions").selectAll().where("environment", "=", environment);
      if (opts.check !== undefined) query = query.where("check_name", "=", opts.check);
      if (opts.target !== undefined) query = query.where("target", "=", opts.target);
      if (opts.before !== undefined) query = query.where("id", "<", opts.before);
      const rows = await query.orderBy("id", "desc").limit(opts.limit).execute();
      return rows.map((row) => ({ id: row.id, ...toTransitionRecord(row) }));
    },
  };
}

function toTransitionRecord(row: Selectable<CheckTransitionsTable>): CheckTransitionRecord {
  return {
    environment: row.environment,
    check: row.check_name,
    target: row.target,
    fromState: row.from_state,
    toState: row.to_state,
    failing: row.failing === 1,
    message: row.message,
    at: row.at,
  };
}

function toStatusRecord(row: Selectable<CheckStatusTable>): CheckStatusRecord {
  return {
    environment: row.environment,
    check: row.check_name,
    target: row.target,
    state: row.state,
    failing: row.failing === 1,
    message: row.message,
    perfdata: row.perfdata,
    level: row.level,
    updatedAt: row.updated_at,
  };
}
