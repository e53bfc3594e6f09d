import { type Kysely, type Selectable, sql } from "kysely";
import { EscalatorError } from "../util/errors.js";
import type { Database, EscalationsTable, StepsTable } from "./database.js";
import { keepLastBytes, STEP_OUTPUT_LIMIT_BYTES } from "./keep-last-bytes.js";
import type { EscalationRecord, StepRecord, Store } from "./types.js";

export type EscalationHistory = Pick<
  Store,
  | "createEscalation"
  | "finishEscalation"
  | "getEscalation"
  | "startStep"
  | "finishStep"
  | "listSteps"
  | "markInterrupted"
> & {
  listEscalations(environment: string, opts?: EscalationListOptions): Promise<EscalationRecord[]>;
};

type EscalationListOptions = NonNullable<Parameters<Store["listEscalations"]>[1]>;

const DEFAULT_LIMIT = 50;

/** The outcome recorded on escalations a daemon left running when it died. */
export const INTERRUPTED_OUTCOME = "interrupted: daemon stopped while it was running (crash or kill -9)";

/** Escalations and their steps. */
export function escalationHistory(db: Kysely<Database>): EscalationHistory {
  return {
    async createEscalation(e) {
      await db
        .insertInto("escalations")
        .values({
          id: e.id,
          environment: e.environment,
          status: e.status,
          attempt: e.attempt,
          dry_run: e.dryRun ? 1 : 0,
          trigger_checks: e.trigger,
          plan: e.plan,
          started_at: e.startedAt,
          ended_at: null,
          outcome: null,
        })
        .execute();
    },

    async finishEscalation(id, status, outcome, endedAt) {
      const result = await db
        .updateTable("escalations")
        .set({ status, outcome, ended_at: endedAt })
        .where("id", "=", id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        throw new EscalatorError("STORE_FAILED", `cannot finish escalation ${id}: no such escalation`);
      }
    },

    async getEscalation(id) {
      const row = await db.selectFrom("escalations").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? undefined : toEscalationRecord(row);
    },

    async listEscalations(environment, opts = {}) {
      let query = db.selectFrom("escalations").selectAll().where("environment", "=", environment);
      if (opts.status !== undefined) query = query.where("status", "=", opts.status);
      const { before, beforeId } = opts;
      if (before !== undefined && beforeId !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb("started_at", "<", before),
            eb.and([eb("started_at", "=", before), eb("id", "<", beforeId)]),
          ]),
        );
      } else if (before !== undefined) {
        query = query.where("started_at", "<", before);
      }
      if (opts.level !== undefined) {
        // The plan is JSON text written by JSON.stringify: each planned level reads "level":"<name>".
        const pattern = `%${escapeLike(JSON.stringify({ level: opts.level }).slice(1, -1))}%`;
        query = query.where(sql<boolean>`plan like ${pattern} escape '\\'`);
      }
      const rows = await query
        .orderBy("started_at", "desc")
        .orderBy("id", "desc")
        .limit(opts.limit ?? DEFAULT_LIMIT)
        .execute();
      return rows.map(toEscalationRecord);
    },

    async startStep(s) {
      const row = await db
        .insertInto("steps")
        .values({
          escalation_id: s.escalationId,
          level: s.level,
          target: s.target,
          attempt: s.attempt,
          role: s.role,
          status: "running",
          started_at: s.startedAt,
          ended_at: null,
          exit_code: null,
          output: "",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async finishStep(id, s) {
      const result = await db
        .updateTable("steps")
        .set({
          status: s.status,
          ended_at: s.endedAt,
          exit_code: s.exitCode,
          output: keepLastBytes(s.output, STEP_OUTPUT_LIMIT_BYTES),
        })
        .where("id", "=", id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        throw new EscalatorError("STORE_FAILED", `cannot finish step ${id}: no such step`);
      }
    },

    async listSteps(escalationId) {
      const rows = await db
        .selectFrom("steps")
        .selectAll()
        .where("escalation_id", "=", escalationId)
        // Steps read best in the order they ran.
        .orderBy("started_at", "asc")
        .orderBy("id", "asc")
        .execute();
      return rows.map(toStepRecord);
    },

    async markInterrupted(environment, at) {
      // The update comes first so the transaction takes the write lock before reading anything:
      // a read-then-write SQLite transaction can fail outright if another process writes between.
      return db.transaction().execute(async (trx) => {
        const marked = await trx
          .updateTable("escalations")
          .set({ status: "interrupted", ended_at: at, outcome: INTERRUPTED_OUTCOME })
          .where("environment", "=", environment)
          .where("status", "=", "running")
          .returning("id")
          .execute();
        const ids = marked.map((row) => row.id).sort();
        if (ids.length > 0) {
          await trx
            .updateTable("steps")
            .set({ status: "interrupted", ended_at: at })
            .where("escalation_id", "in", ids)
            .where("status", "=", "running")
            .execute();
        }
        return ids;
      });
    },
  };
}

function toEscalationRecord(row: Selectable<EscalationsTable>): EscalationRecord {
  return {
    id: row.id,
    environment: row.environment,
    status: row.status,
    attempt: row.attempt,
    dryRun: row.dry_run === 1,
    trigger: row.trigger_checks,
    plan: row.plan,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome,
  };
}

function toStepRecord(row: Selectable<StepsTable>): StepRecord {
  return {
    id: row.id,
    escalationId: row.escalation_id,
    level: row.level,
    target: row.target,
    attempt: row.attempt,
    role: row.role,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    exitCode: row.exit_code,
    output: row.output,
  };
}

/** Escapes LIKE's wildcards (and the escape character) so a name matches only itself. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
