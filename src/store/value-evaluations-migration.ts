import type { Kysely, Migration } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type.
type AnyDb = Kysely<any>;

/**
 * 0003: stored value verdicts. Kept apart from the history tables on purpose: verdicts are the
 * baselines of later releases, so history retention does not prune them.
 */
export const valueEvaluationsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("value_evaluations")
      .ifNotExists()
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("feature_uri", "text", (c) => c.notNull())
      .addColumn("feature_name", "text", (c) => c.notNull())
      .addColumn("statement", "text", (c) => c.notNull())
      .addColumn("metric", "text", (c) => c.notNull())
      .addColumn("release", "text", (c) => c.notNull())
      .addColumn("evaluated_at", "bigint", (c) => c.notNull())
      .addColumn("since", "bigint", (c) => c.notNull())
      .addColumn("until_at", "bigint", (c) => c.notNull())
      .addColumn("verdict", "text", (c) => c.notNull())
      .addColumn("verdict_case", "text", (c) => c.notNull())
      .addColumn("baseline_release", "text")
      .addColumn("measurement", "text")
      .addColumn("result", "text", (c) => c.notNull())
      .execute();
    // Baselines: the latest measurement of a metric for another release, before a given time.
    await db.schema
      .createIndex("value_evaluations_metric")
      .ifNotExists()
      .on("value_evaluations")
      .columns(["environment", "metric", "evaluated_at"])
      .execute();
    await db.schema
      .createIndex("value_evaluations_release")
      .ifNotExists()
      .on("value_evaluations")
      .columns(["environment", "release", "evaluated_at"])
      .execute();
  },
};
