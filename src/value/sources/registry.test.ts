import { describe, expect, it } from "vitest";
import type { MetricConfig } from "../../config/values-schema.js";
import { EscalatorError } from "../../util/errors.js";
import { ValueFunctionRegistry } from "../load-value-functions.js";
import type { MeasureContext, Measurement } from "../types.js";
import { parseOutput } from "./command-source.js";
import { metricSourceFor } from "./registry.js";

const until = new Date("2025-03-01T11:00:00.000Z");
const ctx: MeasureContext = {
  release: "v2",
  since: new Date(until.getTime() - 90_000),
  until,
  windowMs: 90_000,
  signal: new AbortController().signal,
};
const metric = (fields: Partial<MetricConfig>): MetricConfig => ({ aliases: [], timeout: 1000, ...fields });

describe("metricSourceFor", () => {
  it("wraps a source's error so it names the metric and the source kind, keeping the cause", async () => {
    const source = metricSourceFor(
      "signups",
      metric({ sql: { url: "sqlite:missing.db", query: "select 1" } }),
      "/nonexistent",
      new ValueFunctionRegistry(),
    );
    expect(source.kind).toBe("sql");
    const error = await source.measure(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EscalatorError);
    expect((error as EscalatorError).code).toBe("PLUGIN_FAILED");
    expect((error as Error).message).toMatch(
      /^metric "signups" \(sql source\): cannot open the SQLite database \/nonexistent\/missing\.db/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(((error as Error).cause as Error).message).toMatch(/^cannot open the SQLite database/);
  });
});

describe("function sources", () => {
  const functions = new ValueFunctionRegistry();
  functions.currentFile = "features/values/shop.ts";
  let seen: Parameters<Parameters<ValueFunctionRegistry["define"]>[1]>[0] | undefined;
  functions.define("widgets sold", (c) => {
    seen = c;
    return c.release === "v2" ? 12 : { value: 7, exposure: 100, samples: [1, 2] };
  });
  functions.define("bad shape", () => ({ value: "many" }) as unknown as Measurement);
  functions.define("never answers", () => new Promise<number>(() => {}));
  functions.define("throws", async () => {
    throw new Error("shop database down");
  });
  const measure = (name: string, release = "v2") =>
    metricSourceFor(name, metric({ function: true }), "/", functions).measure({ ...ctx, release });

  it("calls the function with the release and window, matching the name regardless of case and plural", async () => {
    expect(await measure("widgets sold")).toEqual({ value: 12 });
    expect(seen).toMatchObject({ release: "v2", window: "90s", windowMs: 90_000, until });
    expect(seen?.since.toISOString()).toBe("2025-03-01T10:58:30.000Z");
    expect(await measure("Widget Sold", "v1")).toEqual({ value: 7, exposure: 100, samples: [1, 2] });
  });

  it("says what is wrong: a bad shape, a timeout, a throw, no such function", async () => {
    await expect(measure("bad shape")).rejects.toThrow(
      'metric "bad shape" (function source): defineValue("bad shape") in features/values/shop.ts returned {"value":"many"}',
    );
    await expect(measure("never answers")).rejects.toThrow(
      'defineValue("never answers") in features/values/shop.ts did not finish within 1s',
    );
    await expect(measure("throws")).rejects.toThrow('metric "throws" (function source): shop database down');
    await expect(measure("refunds")).rejects.toThrow(
      'metric "refunds" (function source): no value function for "refunds": define it with defineValue("refunds", ...)',
    );
  });

  it("reports a second definition of a name, naming both files", () => {
    const registry = new ValueFunctionRegistry();
    registry.currentFile = "features/values/a.ts";
    registry.define("widgets sold", () => 1);
    registry.currentFile = "features/shop/values/b.ts";
    registry.define("Widget sold", () => 2);
    expect(registry.errors.map((e) => e.message)).toEqual([
      'defineValue("Widget sold") in features/shop/values/b.ts duplicates defineValue("widgets sold") in features/values/a.ts; a metric has one value function',
    ]);
  });
});

describe("parseOutput (what a command prints)", () => {
  it("reads a number or a JSON measurement", () => {
    expect(parseOutput(" 42\n")).toEqual({ value: 42 });
    expect(parseOutput("-1.5e3")).toEqual({ value: -1500 });
    expect(parseOutput('{"value": 3, "exposure": 10, "samples": [1, 2.5]}')).toEqual({
      value: 3,
      exposure: 10,
      samples: [1, 2.5],
    });
  });

  it("refuses anything else, saying what it got", () => {
    expect(() => parseOutput("")).toThrow("the command printed nothing");
    expect(() => parseOutput("about 3")).toThrow(
      'the command printed "about 3", which is neither a number nor JSON',
    );
    expect(() => parseOutput('{"value": 3, "exposures": 10}')).toThrow('Unrecognized key: "exposures"');
    expect(() => parseOutput('{"value": 3, "samples": ["a"]}')).toThrow("samples.0:");
    expect(() => parseOutput("[1, 2]")).toThrow("the command printed [1,2], which is not a number or {");
  });
});
