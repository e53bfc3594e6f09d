import type { Kysely, Selectable } from "kysely";
import { EscalatorError } from "../util/errors.js";
import type { ApprovalsTable, Database } from "./database.js";
import type { ApprovalRecord, ControlStore } from "./types.js";

export type ApprovalStore = Pick<
  ControlStore,
  "requestApproval" | "decideApproval" | "getApproval" | "listPendingApprovals"
>;

/** Approvals a level waits for before it runs, one row per escalation and level. */
export function approvalStore(db: Kysely<Database>): ApprovalStore {
  return {
    async requestApproval(a) {
      try {
        // Insert first, then read: the transaction takes SQLite's write lock before any read, and
        // "do nothing" on conflict is what makes a repeated request return the first one unchanged.
        return await db.transaction().execute(async (trx) => {
          await trx
            .insertInto("approvals")
            .values({
              escalation_id: a.escalationId,
              level: a.level,
              decision: "pending",
              requested_at: a.requestedAt,
              decided_at: null,
              decided_by: null,
              reason: null,
            })
            .onConflict((oc) => oc.columns(["escalation_id", "level"]).doNothing())
            .execute();
          const row = await trx
            .selectFrom("approvals")
            .selectAll()
            .where("escalation_id", "=", a.escalationId)
            .where("level", "=", a.level)
            .executeTakeFirstOrThrow();
          return toApprovalRecord(row);
        });
      } catch (error) {
        // The foreign key refused it: name the escalation in the store's own terms. (Checked after
        // the transaction ended, since PostgreSQL aborts a transaction on its first error.)
        const escalation = await db
          .selectFrom("escalations")
          .select("id")
          .where("id", "=", a.escalationId)
          .executeTakeFirst();
        if (escalation !== undefined) throw error;
        throw new EscalatorError(
          "STORE_FAILED",
          `cannot request approval for escalation ${a.escalationId}: no such escalation`,
          { cause: error },
        );
      }
    },

    async decideApproval(escalationId, decision, by, reason, at) {
      // One UPDATE ... RETURNING both finds and decides, so two deciders can never both win.
      // The engine keeps at most one approval pending per escalation; were there several, the
      // oldest request is the one decided.
      const row = await db.transaction().execute((trx) =>
        trx
          .updateTable("approvals")
          .set({ decision, decided_at: at, decided_by: by, reason })
          .where("escalation_id", "=", escalationId)
          .where("decision", "=", "pending")
          .where("level", "=", (eb) =>
            eb
              .selectFrom("approvals")
              .select("level")
              .where("escalation_id", "=", escalationId)
              .where("decision", "=", "pending")
              .orderBy("requested_at")
              .orderBy("level")
              .limit(1),
          )
          .returningAll()
          .executeTakeFirst(),
      );
      return row === undefined ? undefined : toApprovalRecord(row);
    },

    async getApproval(escalationId, level) {
      const row = await db
        .selectFrom("approvals")
        .selectAll()
        .where("escalation_id", "=", escalationId)
        .where("level", "=", level)
        .executeTakeFirst();
      return row === undefined ? undefined : toApprovalRecord(row);
    },

    async listPendingApprovals(environment) {
      const rows = await db
        .selectFrom("approvals")
        .innerJoin("escalations", "escalations.id", "approvals.escalation_id")
        .selectAll("approvals")
        .select("escalations.environment")
        .where("escalations.environment", "=", environment)
        .where("approvals.decision", "=", "pending")
        .orderBy("approvals.requested_at")
        .orderBy("approvals.escalation_id")
        .orderBy("approvals.level")
        .execute();
      return rows.map((row) => ({ ...toApprovalRecord(row), environment: row.environment }));
    },
  };
}

function toApprovalRecord(row: Selectable<ApprovalsTable>): ApprovalRecord {
  return {
    escalationId: row.escalation_id,
    level: row.level,
    decision: row.decision,
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
    by: row.decided_by,
    reason: row.reason,
  };
}
