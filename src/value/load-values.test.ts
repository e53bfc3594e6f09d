import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { ConfigError } from "../util/errors.js";
import { findMetric, loadValuesFile } from "./load-values.js";

const dir = tmpDir("escalator-values-");
afterAll(() => dir.remove());

function write(name: string, text: string): string {
  const file = join(dir.path, name);
  writeFileSync(file, text);
  return file;
}

/** The problems a broken file gives, as "values.yaml:LINE:COL message" lines. */
async function problems(text: string): Promise<string[]> {
  const file = write("values.yaml", text);
  const error = await loadValuesFile(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems.map(
    (p) => `${p.file.slice(dir.path.length + 1)}:${p.line}:${p.col} ${p.message}`,
  );
}

const GOOD = `alpha: 0.01
min_exposure: 100
metrics:
  silly mistakes:
    aliases: [mistakes, sum errors]
    min_exposure: 1000
    prometheus:
      url: http://127.0.0.1:9090
      query: 'sum(increase(calc_mistakes_total{release="$release"}[$window]))'
      exposure: 'sum(increase(calc_sums_total{release="$release"}[$window]))'
  signups:
    sql: { url: "sqlite:data/app.db", query: "select count(*) as value from signups where release = :release" }
  checkout errors:
    timeout: 5s
    http: { url: "http://127.0.0.1:8080/stats?release=$release", json_path: "$.errors", exposure_path: "$.checkouts" }
  page load time:
    command: ["./bin/page-load-samples", "{{release}}", "{{window}}"]
  widgets sold:
    function: true
`;

describe("loadValuesFile", () => {
  it("loads a good file with defaults, the folder and durations in ms", async () => {
    const values = await loadValuesFile(write("good.yaml", GOOD));
    expect(values.dir).toBe(dir.path);
    expect(values.file).toBe(join(dir.path, "good.yaml"));
    expect(values.alpha).toBe(0.01);
    expect(values.min_exposure).toBe(100);
    expect(values.min_samples).toBe(10);
    expect(Object.keys(values.metrics)).toEqual([
      "silly mistakes",
      "signups",
      "checkout errors",
      "page load time",
      "widgets sold",
    ]);
    expect(values.metrics["silly mistakes"]?.min_exposure).toBe(1000);
    expect(values.metrics["checkout errors"]?.timeout).toBe(5000);
    expect(values.metrics.signups?.timeout).toBe(30_000);
    expect(values.metrics.signups?.aliases).toEqual([]);
    expect(values.metrics["widgets sold"]?.function).toBe(true);
  });

  it("reports an unknown key with a did-you-mean", async () => {
    expect(
      await problems(`metrics:
  signups:
    sql: { url: "sqlite:app.db", querry: "select 1" }
`),
    ).toEqual(['values.yaml:3:34 metrics.signups.sql.querry: unknown key "querry" (did you mean "query"?)']);
    expect(
      await problems(`metrics:
  signups:
    min_exposur: 3
    command: [./x]
`),
    ).toEqual([
      'values.yaml:3:5 metrics.signups.min_exposur: unknown key "min_exposur" (did you mean "min_exposure"?)',
    ]);
  });

  it("refuses two sources on one metric, and a metric without a source", async () => {
    expect(
      await problems(`metrics:
  signups:
    command: [./count]
    sql: { url: "sqlite:app.db", query: "select 1" }
  mistakes:
    aliases: [errors]
`),
    ).toEqual([
      "values.yaml:3:5 metrics.signups: has sql and command; a metric has exactly one source (prometheus, sql, http, command or function)",
      "values.yaml:6:5 metrics.mistakes: needs a source: one of prometheus: {url, query}, sql: {url, query}, http: {url, json_path}, command: [argv...] or function: true",
    ]);
  });

  it("reports two sources even when the metric has another problem", async () => {
    expect(
      await problems(`metrics:
  signups:
    min_exposure: lots
    command: [./count]
    function: true
`),
    ).toEqual([
      "values.yaml:3:5 metrics.signups: has command and function; a metric has exactly one source (prometheus, sql, http, command or function)",
      'values.yaml:3:19 metrics.signups.min_exposure: expected a number, got "lots"',
    ]);
  });

  it("reports bad YAML, bad values and two metrics one phrase would match, each at file:line:col", async () => {
    expect(await problems("metrics:\n  signups:\n    command: [./x\n")).toEqual([
      'values.yaml:4:1 YAML: missing "]": a "[" opened earlier is still open here',
    ]);
    expect(
      await problems(`alpha: 2
metrics:
  signups:
    sql: { url: "mysql://db/app", query: "select 1" }
`),
    ).toEqual([
      "values.yaml:1:8 alpha: must be less than 1 (got 2)",
      'values.yaml:4:17 metrics.signups.sql.url: "mysql://db/app": a database URL: sqlite:PATH (relative to the values file) or postgres://user@host:port/db',
    ]);
    expect(
      await problems(`metrics:
  silly mistakes:
    aliases: [errors]
    command: [./a]
  Error:
    command: [./b]
`),
    ).toEqual([
      'values.yaml:5:3 metrics.Error: the name reads the same as metric "silly mistakes" (alias "errors"); a phrase must name one metric',
    ]);
  });

  it("says when the file is missing or empty", async () => {
    await expect(loadValuesFile(join(dir.path, "nope.yaml"))).rejects.toThrow("nope.yaml: no such file");
    expect(await problems("")).toEqual([
      "values.yaml:1:1 the file is empty; a values.yaml needs at least metrics: {NAME: {SOURCE: ...}}",
    ]);
  });
});

describe("findMetric", () => {
  it("finds a metric by name or alias, regardless of case and singular or plural", async () => {
    const values = await loadValuesFile(write("find.yaml", GOOD));
    expect(findMetric(values, "silly mistakes")?.name).toBe("silly mistakes");
    expect(findMetric(values, "Silly  Mistake")?.name).toBe("silly mistakes");
    expect(findMetric(values, "mistake")?.name).toBe("silly mistakes");
    expect(findMetric(values, "sum error")?.name).toBe("silly mistakes");
    expect(findMetric(values, "signup")?.config.sql?.url).toBe("sqlite:data/app.db");
    expect(findMetric(values, "page load times")?.name).toBe("page load time");
    expect(findMetric(values, "refunds")).toBeUndefined();
  });
});
