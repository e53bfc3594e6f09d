import type { Kysely, Selectable } from "kysely";
import type { Database, ValueEvaluationsTable } from "./database.js";
import type { StoredMeasurement, ValueEvaluationRecord, ValueStore } from "./types.js";

/** More samples than this are thinned, evenly over the sorted values, before they are stored. */
export const MAX_STORED_SAMPLES = 10_000;

function thinSamples(samples: readonly number[]): number[] {
  if (samples.length <= MAX_STORED_SAMPLES) return [...samples];
  const sorted = [...samples].sort((a, b) => a - b);
  const step = sorted.length / MAX_STORED_SAMPLES;
  return Array.from({ length: MAX_STORED_SAMPLES }, (_, i) => sorted[Math.floor(i * step)] as number);
}

function encodeMeasurement(m: StoredMeasurement | null): string | null {
  if (m === null) return null;
  return JSON.stringify({
    value: m.value,
    ...(m.exposure !== undefined ? { exposure: m.exposure } : {}),
    ...(m.samples !== undefined ? { samples: thinSamples(m.samples) } : {}),
  });
}

function toRecord(row: Selectable<ValueEvaluationsTable>): ValueEvaluationRecord {
  return {
    id: Number(row.id),
    environment: row.environment,
    featureUri: row.feature_uri,
    featureName: row.feature_name,
    statement: row.statement,
    metric: row.metric,
    release: row.release,
    evaluatedAt: Number(row.evaluated_at),
    since: Number(row.since),
    until: Number(row.until_at),
    verdict: row.verdict,
    verdictCase: row.verdict_case,
    baselineRelease: row.baseline_release,
    measurement: row.measurement === null ? null : (JSON.parse(row.measurement) as StoredMeasurement),
    result: JSON.parse(row.result) as Record<string, unknown>,
  };
}

/** Stored value verdicts, which double as the baselines of later releases. */
export function valueEvaluations(db: Kysely<Database>): ValueStore {
  return {
    async recordValueEvaluation(e) {
      const inserted = await db
        .insertInto("value_evaluations")
        .values({
          environment: e.environment,
          feature_uri: e.featureUri,
          feature_name: e.featureName,
          statement: e.statement,
          metric: e.metric,
          release: e.release,
          evaluated_at: e.evaluatedAt,
          since: e.since,
          until_at: e.until,
          verdict: e.verdict,
          verdict_case: e.verdictCase,
          baseline_release: e.baselineRelease,
          measurement: encodeMeasurement(e.measurement),
          result: JSON.stringify(e.result),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return Number(inserted.id);
    },

    async listValueEvaluations(environment, opts = {}) {
      let query = db.selectFrom("value_evaluations").selectAll().where("environment", "=", environment);
      if (opts.release !== undefined) query = query.where("release", "=", opts.release);
      if (opts.featureUri !== undefined) query = query.where("feature_uri", "=", opts.featureUri);
      const rows = await query
        .orderBy("evaluated_at", "desc")
        .orderBy("id", "desc")
        .limit(opts.limit ?? 100)
        .execute();
      return rows.map(toRecord);
    },

    async findValueBaseline(q) {
      let query = db
        .selectFrom("value_evaluations")
        .selectAll()
        .where("environment", "=", q.environment)
        .where("metric", "=", q.metric)
        .where("measurement", "is not", null);
      if (q.baselineRelease !== undefined) {
        query = query.where("release", "=", q.baselineRelease);
      } else {
        const first = await db
          .selectFrom("value_evaluations")
          .select((eb) => eb.fn.min("evaluated_at").as("first"))
          .where("environment", "=", q.environment)
          .where("metric", "=", q.metric)
          .where("release", "=", q.release)
          .executeTakeFirst();
        query = query.where("release", "!=", q.release);
        if (first?.first !== null && first?.first !== undefined)
          query = query.where("evaluated_at", "<", Number(first.first));
      }
      const row = await query
        .orderBy("evaluated_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
  };
}
