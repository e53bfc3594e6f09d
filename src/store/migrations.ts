import {
  type CreateTableBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
} from "kysely";
import { valueEvaluationsMigration } from "./value-evaluations-migration.js";

// Migrations use only Kysely's schema builder, so a PostgreSQL dialect can run them unchanged,
// with one exception handled at the dialect switch: auto-incrementing ids. SQLite needs
// `integer primary key autoincrement` (`.autoIncrement()`); PostgreSQL has no AUTOINCREMENT
// keyword and wants `serial` (or `generated always as identity`) instead. When the PostgreSQL
// dialect lands, `idColumn` below will check `db.getExecutor().adapter instanceof PostgresAdapter`
// and add `addColumn("id", "serial", (c) => c.primaryKey())` there. Epoch-ms columns are `bigint`,
// which node-postgres returns as strings: that dialect will also register an int8 parser (to Number).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type.
type AnyDb = Kysely<any>;

function withIdColumn<TB extends string>(table: CreateTableBuilder<TB>): CreateTableBuilder<TB, "id"> {
  return table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

const initial: Migration = {
  async up(db: AnyDb) {
    await withIdColumn(db.schema.createTable("check_transitions").ifNotExists())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("check_name", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("from_state", "text")
      .addColumn("to_state", "text", (c) => c.notNull())
      .addColumn("failing", "integer", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("check_transitions_environment_at")
      .ifNotExists()
      .on("check_transitions")
      .columns(["environment", "at"])
      .execute();

    await db.schema
      .createTable("check_status")
      .ifNotExists()
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("check_name", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("failing", "integer", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("perfdata", "text", (c) => c.notNull())
      .addColumn("level", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("check_status_pk", ["environment", "check_name", "target"])
      .execute();

    await db.schema
      .createTable("escalations")
      .ifNotExists()
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("dry_run", "integer", (c) => c.notNull())
      .addColumn("trigger_checks", "text", (c) => c.notNull())
      .addColumn("plan", "text", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("ended_at", "bigint")
      .addColumn("outcome", "text")
      .execute();
    await db.schema
      .createIndex("escalations_environment_started_at")
      .ifNotExists()
      .on("escalations")
      .columns(["environment", "started_at"])
      .execute();

    await withIdColumn(db.schema.createTable("steps").ifNotExists())
      .addColumn("escalation_id", "text", (c) => c.notNull().references("escalations.id").onDelete("cascade"))
      .addColumn("level", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("ended_at", "bigint")
      .addColumn("exit_code", "integer")
      .addColumn("output", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("steps_escalation_id")
      .ifNotExists()
      .on("steps")
      .column("escalation_id")
      .execute();

    await db.schema
      .createTable("engine_state")
      .ifNotExists()
      .addColumn("environment", "text", (c) => c.primaryKey())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("since", "bigint", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull())
      .addColumn("pid", "integer")
      .addColumn("heartbeat_at", "bigint")
      .execute();

    await withIdColumn(db.schema.createTable("acks").ifNotExists())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("acked_by", "text", (c) => c.notNull())
      .addColumn("note", "text", (c) => c.notNull())
      .addColumn("consumed_at", "bigint")
      .execute();
    await db.schema
      .createIndex("acks_environment_consumed_at")
      .ifNotExists()
      .on("acks")
      .columns(["environment", "consumed_at"])
      .execute();

    await withIdColumn(db.schema.createTable("notifications").ifNotExists())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("escalation_id", "text")
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("outcomes", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("notifications_environment_at")
      .ifNotExists()
      .on("notifications")
      .columns(["environment", "at"])
      .execute();
  },
};

const control: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("pauses")
      .ifNotExists()
      .addColumn("environment", "text", (c) => c.primaryKey())
      .addColumn("paused_by", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("since", "bigint", (c) => c.notNull())
      .addColumn("until_at", "bigint")
      .execute();

    await withIdColumn(db.schema.createTable("silences").ifNotExists())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("check_name", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("silenced_by", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("since", "bigint", (c) => c.notNull())
      .addColumn("until_at", "bigint", (c) => c.notNull())
      .execute();
    // Active silences (until_at > at) and pruning (until_at < before) both range over until_at.
    await db.schema
      .createIndex("silences_environment_until_at")
      .ifNotExists()
      .on("silences")
      .columns(["environment", "until_at"])
      .execute();

    await db.schema
      .createTable("approvals")
      .ifNotExists()
      .addColumn("escalation_id", "text", (c) => c.notNull().references("escalations.id").onDelete("cascade"))
      .addColumn("level", "text", (c) => c.notNull())
      .addColumn("decision", "text", (c) => c.notNull())
      .addColumn("requested_at", "bigint", (c) => c.notNull())
      .addColumn("decided_at", "bigint")
      .addColumn("decided_by", "text")
      .addColumn("reason", "text")
      .addPrimaryKeyConstraint("approvals_pk", ["escalation_id", "level"])
      .execute();
    // Pending approvals are few among many decided ones; the primary key serves per-escalation lookups.
    await db.schema
      .createIndex("approvals_decision")
      .ifNotExists()
      .on("approvals")
      .columns(["decision", "escalation_id"])
      .execute();

    await db.schema
      .createTable("alert_states")
      .ifNotExists()
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("fingerprint", "text", (c) => c.notNull())
      .addColumn("check_name", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("labels", "text", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("starts_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("alert_states_pk", ["environment", "fingerprint"])
      .execute();
    // Firing alerts per environment, and resolved ones older than a cut-off.
    await db.schema
      .createIndex("alert_states_environment_status_updated_at")
      .ifNotExists()
      .on("alert_states")
      .columns(["environment", "status", "updated_at"])
      .execute();
  },
};

/** The store's migrations, in order of their names. Never edit one that has shipped; add the next. */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  "0001_initial": initial,
  "0002_control": control,
  "0003_value_evaluations": valueEvaluationsMigration,
});

const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };

/** Brings the schema up to date; throws the migrator's error if a migration fails. */
export async function runMigrations(db: AnyDb): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) throw error;
}
