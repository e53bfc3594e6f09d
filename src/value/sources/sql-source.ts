import { resolve } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { SqlSourceConfig } from "../../config/values-schema.js";
import { formatDuration } from "../../util/duration.js";
import { errorMessage } from "../../util/errors.js";
import type { MeasureContext, Measurement, MetricSource } from "../types.js";
import { toNumber } from "./measurement.js";
import { hidePassword } from "./shared.js";
import { type SqlParameter, scanParameters } from "./sql-parameters.js";

type Row = Record<string, unknown>;
interface QueryResult {
  columns: string[];
  rows: Row[];
}

/**
 * A metric read with SQL from SQLite (`sqlite:PATH`, opened read-only; PATH relative to `dir`)
 * or PostgreSQL (`postgres://...`, one connection per measurement, read-only transactions).
 * `:release`, `:since` and `:until` (ISO 8601 strings) are bound as parameters, never spliced.
 *
 * The result is read as follows. Without a `sample` column: exactly one row, whose `value` column
 * (or only column) is the value and whose optional `exposure` column is the exposure. With a `sample`
 * column: every row's sample becomes `samples`, and the value is the number of samples unless a
 * `value` column exists (then the first row's).
 */
export function sqlSource(config: SqlSourceConfig, dir: string, timeoutMs: number): MetricSource {
  const sqlite = config.url.startsWith("sqlite:")
    ? resolve(dir, config.url.slice("sqlite:".length))
    : undefined;
  return {
    kind: "sql",
    async measure(ctx: MeasureContext): Promise<Measurement> {
      const { numbered, names } = scanParameters(config.query);
      const values: Record<SqlParameter, string> = {
        release: ctx.release,
        since: ctx.since.toISOString(),
        until: ctx.until.toISOString(),
      };
      if (ctx.signal.aborted) throw new Error("aborted before the query ran");
      const result =
        sqlite === undefined
          ? await queryPostgres(
              config.url,
              numbered,
              names.map((n) => values[n]),
              timeoutMs,
              ctx.signal,
            )
          : querySqlite(sqlite, config.query, names, values, timeoutMs);
      return measurementFromRows(result);
    },
  };
}

function querySqlite(
  file: string,
  sql: string,
  names: readonly SqlParameter[],
  values: Record<SqlParameter, string>,
  timeoutMs: number,
): QueryResult {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: timeoutMs });
  } catch (error) {
    throw new Error(`cannot open the SQLite database ${file}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    let statement: Database.Statement;
    try {
      statement = db.prepare(sql);
    } catch (error) {
      throw new Error(`SQLite rejected the query: ${errorMessage(error)}`, { cause: error });
    }
    if (!statement.reader) throw new Error("the query returns no rows; a metric query is a SELECT");
    const bound = Object.fromEntries(names.map((name) => [name, values[name]]));
    try {
      const rows = (names.length > 0 ? statement.all(bound) : statement.all()) as Row[];
      return { columns: statement.columns().map((c) => c.name), rows };
    } catch (error) {
      throw new Error(`the query failed in SQLite: ${errorMessage(error)}`, { cause: error });
    }
  } finally {
    db.close();
  }
}

async function queryPostgres(
  url: string,
  text: string,
  values: string[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<QueryResult> {
  const shown = hidePassword(url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    // A metric query only reads: refuse writes, whatever the SQL says.
    options: "-c default_transaction_read_only=on",
    application_name: "escalator-values",
  });
  client.on("error", () => {});
  const onAbort = () => void client.end().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    try {
      await client.connect();
    } catch (error) {
      if (signal.aborted) throw new Error(`aborted while connecting to ${shown}`);
      throw new Error(`cannot connect to PostgreSQL at ${shown}: ${errorMessage(error)}`, { cause: error });
    }
    try {
      // The extended protocol runs exactly one statement, even without parameters.
      const query = { text, values, queryMode: "extended" } as pg.QueryConfig;
      const result = await client.query(query);
      return { columns: result.fields.map((f) => f.name), rows: result.rows as Row[] };
    } catch (error) {
      if (signal.aborted) throw new Error(`aborted while querying ${shown}`);
      const message = errorMessage(error);
      if (/statement timeout|Query read timeout/i.test(message)) {
        throw new Error(`the query did not finish within ${formatDuration(timeoutMs)} in ${shown}`, {
          cause: error,
        });
      }
      throw new Error(`the query failed in PostgreSQL at ${shown}: ${message}`, { cause: error });
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    await client.end().catch(() => {});
  }
}

/** Reads a Measurement from a result, as described on sqlSource. */
export function measurementFromRows({ columns, rows }: QueryResult): Measurement {
  const column = (name: string) => columns.find((c) => c.toLowerCase() === name);
  const valueColumn = column("value");
  const exposureColumn = column("exposure");
  const sampleColumn = column("sample");
  const first = rows[0];
  const read = (row: Row, name: string, index: number) => {
    if (row[name] === null) {
      throw new Error(
        `column "${name}"${rows.length > 1 ? ` of row ${index + 1}` : ""} is NULL; sum() over no rows is NULL, use coalesce(sum(...), 0)`,
      );
    }
    return toNumber(row[name], `column "${name}"${rows.length > 1 ? ` of row ${index + 1}` : ""}`);
  };
  const exposure =
    exposureColumn !== undefined && first !== undefined ? read(first, exposureColumn, 0) : undefined;
  const withExposure = (m: Measurement): Measurement => (exposure === undefined ? m : { ...m, exposure });

  if (sampleColumn !== undefined) {
    const samples = rows.map((row, i) => read(row, sampleColumn, i));
    const value =
      valueColumn !== undefined && first !== undefined ? read(first, valueColumn, 0) : samples.length;
    return withExposure({ value, samples });
  }
  if (first === undefined) {
    throw new Error(
      "the query returned no rows; return one row, e.g. select count(*) as value ... (or rows with a `sample` column)",
    );
  }
  if (rows.length > 1) {
    throw new Error(
      `the query returned ${rows.length} rows; return one row with a \`value\` column (aggregate with count/sum), or rows with a \`sample\` column`,
    );
  }
  const others = columns.filter((c) => c !== exposureColumn);
  const name = valueColumn ?? (others.length === 1 ? others[0] : undefined);
  if (name === undefined) {
    throw new Error(
      `the query returned columns ${columns.join(", ")}; name the value column "value" (select ... as value)`,
    );
  }
  return withExposure({ value: read(first, name, 0) });
}
