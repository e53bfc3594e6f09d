import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import type { MeasureContext } from "../types.js";
import { scanParameters } from "./sql-parameters.js";
import { measurementFromRows, sqlSource } from "./sql-source.js";

const since = new Date("2025-03-01T10:00:00.000Z");
const until = new Date("2025-03-01T11:00:00.000Z");
const ctx = (release: string): MeasureContext => ({
  release,
  since,
  until,
  windowMs: until.getTime() - since.getTime(),
  signal: new AbortController().signal,
});

describe("scanParameters", () => {
  it("numbers :names and skips literals, quoted identifiers, comments, dollar quotes and :: casts", () => {
    const sql = `select count(*)::int as value, ':until' as s, ":since" as q, $$ :release $$ as d, $t$ :x $t$ as e
      -- :release in a comment
      /* :until /* nested :since */ still comment :x */
      from t where release = :release and at >= :since and at < :until and r2 = :release and e = E'\\':x'`;
    const { numbered, names } = scanParameters(sql);
    expect(names).toEqual(["release", "since", "until"]);
    expect(numbered).toContain("release = $1 and at >= $2 and at < $3 and r2 = $1");
    expect(numbered).toContain("count(*)::int");
    expect(numbered).toContain("':until'");
    expect(numbered).toContain("$$ :release $$");
    expect(numbered).toContain("E'\\':x'");
  });

  it("refuses an unknown parameter, naming it", () => {
    expect(() => scanParameters("select 1 where a = :relase")).toThrow(
      "the query uses an unknown parameter :relase; use :release, :since or :until",
    );
  });
});

describe("measurementFromRows", () => {
  it("reads value and exposure from one row, and a lone column as the value", () => {
    expect(
      measurementFromRows({ columns: ["value", "exposure"], rows: [{ value: 3, exposure: "1000" }] }),
    ).toEqual({ value: 3, exposure: 1000 });
    expect(measurementFromRows({ columns: ["count(*)"], rows: [{ "count(*)": 7 }] })).toEqual({ value: 7 });
  });

  it("turns rows with a sample column into samples, the value being their count", () => {
    const rows = [{ sample: 120 }, { sample: "80.5" }];
    expect(measurementFromRows({ columns: ["sample"], rows })).toEqual({ value: 2, samples: [120, 80.5] });
    expect(measurementFromRows({ columns: ["sample"], rows: [] })).toEqual({ value: 0, samples: [] });
  });

  it("says what is wrong with a result", () => {
    expect(() => measurementFromRows({ columns: ["value"], rows: [] })).toThrow("the query returned no rows");
    expect(() => measurementFromRows({ columns: ["value"], rows: [{ value: 1 }, { value: 2 }] })).toThrow(
      "the query returned 2 rows",
    );
    expect(() => measurementFromRows({ columns: ["a", "b"], rows: [{ a: 1, b: 2 }] })).toThrow(
      'the query returned columns a, b; name the value column "value"',
    );
    expect(() => measurementFromRows({ columns: ["value"], rows: [{ value: "lots" }] })).toThrow(
      'column "value" is "lots", not a number',
    );
    expect(() => measurementFromRows({ columns: ["value"], rows: [{ value: null }] })).toThrow(
      'column "value" is NULL',
    );
  });
});

describe("sqlSource with SQLite", () => {
  const dir = tmpDir("escalator-sql-");
  beforeAll(() => {
    const db = new Database(join(dir.path, "app.db"));
    db.exec(`create table signups (release text, at text);
             create table latencies (release text, at text, ms real);`);
    const insert = db.prepare("insert into signups values (?, ?)");
    const rows: [string, string][] = [
      ["v2", "2025-03-01T10:05:00.000Z"],
      ["v2", "2025-03-01T10:59:59.000Z"],
      ["v2", "2025-03-01T11:00:00.000Z"], // at `until`: outside the window
      ["v2", "2025-03-01T09:59:59.000Z"], // before `since`
      ["v1", "2025-03-01T10:30:00.000Z"],
    ];
    for (const row of rows) insert.run(...row);
    const latency = db.prepare("insert into latencies values ('v2', '2025-03-01T10:10:00.000Z', ?)");
    for (const ms of [100, 200, 300]) latency.run(ms);
    db.close();
  });
  afterAll(() => dir.remove());

  const source = (query: string, url = "sqlite:app.db") => sqlSource({ url, query }, dir.path, 5000);

  it("binds :release, :since and :until, filtering by release and window (path relative to the values file)", async () => {
    const count = source(
      "select count(*) as value from signups where release = :release and at >= :since and at < :until",
    );
    expect(await count.measure(ctx("v2"))).toEqual({ value: 2 });
    expect(await count.measure(ctx("v1"))).toEqual({ value: 1 });
    expect(await count.measure(ctx("v3"))).toEqual({ value: 0 });
  });

  it("binds only the names the query uses", async () => {
    const byRelease = source("select count(*) from signups where release = :release");
    expect(await byRelease.measure(ctx("v2"))).toEqual({ value: 4 });
    expect(await source("select 42 as value").measure(ctx("v2"))).toEqual({ value: 42 });
  });

  it("reads samples and an exposure column", async () => {
    const samples = source(
      "select ms as sample, 10 as exposure from latencies where release = :release order by ms",
    );
    expect(await samples.measure(ctx("v2"))).toEqual({ value: 3, exposure: 10, samples: [100, 200, 300] });
  });

  it("reports bad SQL and a missing database file clearly", async () => {
    await expect(source("select count(*) from nosuchtable").measure(ctx("v2"))).rejects.toThrow(
      "SQLite rejected the query: no such table: nosuchtable",
    );
    await expect(source("select 1", "sqlite:missing.db").measure(ctx("v2"))).rejects.toThrow(
      `cannot open the SQLite database ${join(dir.path, "missing.db")}`,
    );
  });

  it("opens the database read-only", async () => {
    await expect(source("delete from signups").measure(ctx("v2"))).rejects.toThrow(
      "the query returns no rows; a metric query is a SELECT",
    );
    await expect(
      source("insert into signups values ('x', 'y') returning 1 as value").measure(ctx("v2")),
    ).rejects.toThrow(/readonly/);
  });
});
