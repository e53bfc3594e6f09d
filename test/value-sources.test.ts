import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricConfig } from "../src/config/values-schema.js";
import { loadValueFunctions, ValueFunctionRegistry } from "../src/value/load-value-functions.js";
import { metricSourceFor } from "../src/value/sources/registry.js";
import type { MeasureContext } from "../src/value/types.js";
import { requireTool } from "./helpers/require-tool.js";
import { requirePostgres, type StartedPostgres, startPostgres } from "./helpers/start-postgres.js";
import { type StartedPrometheus, startPrometheus } from "./helpers/start-prometheus.js";
import { startTestExporter, type TestExporter } from "./helpers/test-exporter.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const noFunctions = new ValueFunctionRegistry();
const metric = (fields: Partial<MetricConfig>): MetricConfig => ({ aliases: [], timeout: 10_000, ...fields });

function context(
  release: string,
  until = new Date("2025-03-01T11:00:00.000Z"),
  windowMs = 600_000,
): MeasureContext {
  return {
    release,
    since: new Date(until.getTime() - windowMs),
    until,
    windowMs,
    signal: new AbortController().signal,
  };
}

describe("command sources, real processes", () => {
  const dir = tmpDir("escalator-command-");
  const script = (name: string, body: string) => {
    mkdirSync(join(dir.path, "bin"), { recursive: true });
    writeFileSync(join(dir.path, "bin", name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir.path, "bin", name), 0o755);
  };
  beforeAll(() => {
    script("count", "echo 42");
    script(
      "samples",
      `printf '%s\\n' "$@" > args.txt
env | grep '^ESCALATOR_' | sort > env.txt
echo '{"value": 3, "exposure": 10, "samples": [120, 80.5, 95]}'`,
    );
    script("fails", 'echo "reading metrics" ; echo "database is down" >&2 ; exit 3');
    script("garbage", "echo 'about three'");
    script("slow", "sleep 5; echo 1");
  });
  afterAll(() => dir.remove());

  const measure = (argv: string[], release = "v2", timeout = 10_000) =>
    metricSourceFor("page load time", metric({ command: argv, timeout }), dir.path, noFunctions).measure(
      context(release),
    );

  it("reads a number printed by ./bin/count, relative to the values file's folder", async () => {
    expect(await measure(["./bin/count"])).toEqual({ value: 42 });
  });

  it("substitutes {{release}}, {{window}}, {{since}}, {{until}} per element, sets ESCALATOR_*, reads JSON", async () => {
    const argv = ["./bin/samples", "{{release}}", "--window={{window}}", "{{since}}..{{until}}"];
    expect(await measure(argv)).toEqual({ value: 3, exposure: 10, samples: [120, 80.5, 95] });
    expect(readFileSync(join(dir.path, "args.txt"), "utf8")).toBe(
      "v2\n--window=600s\n2025-03-01T10:50:00.000Z..2025-03-01T11:00:00.000Z\n",
    );
    expect(readFileSync(join(dir.path, "env.txt"), "utf8")).toBe(
      [
        "ESCALATOR_RELEASE=v2",
        "ESCALATOR_SINCE=2025-03-01T10:50:00.000Z",
        "ESCALATOR_UNTIL=2025-03-01T11:00:00.000Z",
        "ESCALATOR_WINDOW_SECONDS=600",
        "",
      ].join("\n"),
    );
  });

  it("passes a hostile release as one argument, never to a shell", async () => {
    const hostile = "$(touch pwned); touch pwned2 `touch pwned3` {{window}}";
    await measure(["./bin/samples", "{{release}}"], hostile);
    expect(readFileSync(join(dir.path, "args.txt"), "utf8")).toBe(`${hostile}\n`);
    expect(readFileSync(join(dir.path, "env.txt"), "utf8")).toContain(`ESCALATOR_RELEASE=${hostile}\n`);
    for (const name of ["pwned", "pwned2", "pwned3"]) expect(existsSync(join(dir.path, name))).toBe(false);
  });

  it("reports a failing command with its output, garbage output, a timeout and a missing program", async () => {
    await expect(measure(["./bin/fails"])).rejects.toThrow(
      `metric "page load time" (command source): ./bin/fails exited with code 3; last output:\nreading metrics\ndatabase is down`,
    );
    await expect(measure(["./bin/garbage"])).rejects.toThrow(
      'the command printed "about three", which is neither a number nor JSON',
    );
    await expect(measure(["./bin/slow"], "v2", 300)).rejects.toThrow("did not finish within 300ms");
    await expect(measure(["./bin/nope"])).rejects.toThrow(`program not found: ${join(dir.path, "bin/nope")}`);
  });
});

describe("function sources from features/**/values/*.ts, loaded through tsx", () => {
  const dir = tmpDir("escalator-value-fn-");
  beforeAll(() => {
    mkdirSync(join(dir.path, "node_modules"));
    symlinkSync(ROOT, join(dir.path, "node_modules", "escalator"));
    mkdirSync(join(dir.path, "features", "values"), { recursive: true });
    mkdirSync(join(dir.path, "features", "shop", "values"), { recursive: true });
    writeFileSync(
      join(dir.path, "features", "values", "widgets.ts"),
      `import { defineValue, type ValueContext } from "escalator";

const sold: Record<string, number> = { v1: 7, v2: 12 };
defineValue("widgets sold", async ({ release, window, windowMs }: ValueContext) => ({
  value: sold[release] ?? 0,
  exposure: windowMs / 1000,
  samples: [window.length],
}));
defineValue("bad shape", () => ({ value: "many" }) as never);
`,
    );
    writeFileSync(
      join(dir.path, "features", "shop", "values", "refunds.mts"),
      `import { defineValue } from "escalator";\ndefineValue("refunds", () => 2);\n`,
    );
    mkdirSync(join(dir.path, "features", "steps"));
    writeFileSync(
      join(dir.path, "features", "steps", "ignored.ts"),
      "throw new Error('not a value file');\n",
    );
  });
  afterAll(() => dir.remove());

  it("registers defineValue calls and measures through them", async () => {
    const loaded = await loadValueFunctions({ cwd: dir.path, featureDirs: [join(dir.path, "features")] });
    expect(loaded.errors).toEqual([]);
    expect(loaded.files.map((f) => f.slice(dir.path.length + 1))).toEqual([
      "features/shop/values/refunds.mts",
      "features/values/widgets.ts",
    ]);
    const measure = (name: string, release: string) =>
      metricSourceFor(name, metric({ function: true }), dir.path, loaded.registry).measure(context(release));
    expect(await measure("widgets sold", "v2")).toEqual({ value: 12, exposure: 600, samples: [4] });
    expect(await measure("Widget Sold", "v1")).toMatchObject({ value: 7 });
    expect(await measure("refunds", "v2")).toEqual({ value: 2 });
    await expect(measure("bad shape", "v2")).rejects.toThrow(
      'metric "bad shape" (function source): defineValue("bad shape") in features/values/widgets.ts returned {"value":"many"}',
    );
  });

  it("reports a name defined twice, naming both files, and a file that fails to load", async () => {
    writeFileSync(
      join(dir.path, "features", "values", "zz-again.ts"),
      `import { defineValue } from "escalator";\ndefineValue("Widgets Sold", () => 1);\n`,
    );
    writeFileSync(join(dir.path, "features", "values", "zz-broken.ts"), "throw new Error('no shop db');\n");
    const loaded = await loadValueFunctions({ cwd: dir.path, featureDirs: ["features"] });
    expect(loaded.errors).toEqual([
      {
        uri: "features/values/zz-broken.ts",
        message: "Cannot load features/values/zz-broken.ts: no shop db",
      },
      {
        uri: "features/values/zz-again.ts",
        message:
          'defineValue("Widgets Sold") in features/values/zz-again.ts duplicates defineValue("widgets sold") in features/values/widgets.ts; a metric has one value function',
      },
    ]);
  });
});

describe.skipIf(requirePostgres() === undefined)("sql sources against a real PostgreSQL", () => {
  let postgres: StartedPostgres;
  beforeAll(async () => {
    postgres = await startPostgres(requirePostgres() as string);
    await postgres.exec(`
      create table signups (release text not null, at timestamptz not null, "Amount" numeric);
      insert into signups values
        ('v2', '2025-03-01T10:55:00Z', 10.5), ('v2', '2025-03-01T10:59:59Z', 2),
        ('v2', '2025-03-01T11:00:00Z', 100), ('v2', '2025-03-01T10:49:59Z', 100),
        ('v1', '2025-03-01T10:55:00Z', 1);`);
  }, 60_000);
  afterAll(() => postgres?.stop());

  const measure = (query: string, release = "v2") =>
    metricSourceFor("signups", metric({ sql: { url: postgres.url, query } }), "/", noFunctions).measure(
      context(release),
    );

  it("translates :release, :since, :until to $n, filtering by release and window", async () => {
    const query = `select count(*) as value, coalesce(sum("Amount"), 0)::float8 as exposure -- :until in a comment
      from signups where release = :release and at >= :since::timestamptz and at < :until and ':since' <> 'x'`;
    expect(await measure(query)).toEqual({ value: 2, exposure: 12.5 });
    expect(await measure(query, "v1")).toEqual({ value: 1, exposure: 1 });
    expect(await measure(query, "v3")).toEqual({ value: 0, exposure: 0 });
  });

  it("reads samples, numeric strings included", async () => {
    expect(
      await measure(`select "Amount" as sample from signups where release = :release order by at`),
    ).toEqual({ value: 4, samples: [100, 10.5, 2, 100] });
  });

  it("reports bad SQL, a NULL value, writes and an unreachable server clearly", async () => {
    await expect(measure("select count(*) from nosuch")).rejects.toThrow(
      'metric "signups" (sql source): the query failed in PostgreSQL at postgres://postgres@127.0.0.1',
    );
    await expect(measure("select count(*) from nosuch")).rejects.toThrow('relation "nosuch" does not exist');
    await expect(
      measure("select sum(\"Amount\") as value from signups where release = 'none'"),
    ).rejects.toThrow('column "value" is NULL');
    await expect(measure("delete from signups returning 1 as value")).rejects.toThrow(
      "cannot execute DELETE in a read-only transaction",
    );
    await expect(measure("select 1; select 2")).rejects.toThrow("cannot insert multiple commands");
    const nowhere = metricSourceFor(
      "signups",
      metric({ sql: { url: "postgres://postgres:secret@127.0.0.1:1/x", query: "select 1" } }),
      "/",
      noFunctions,
    );
    const error = await nowhere.measure(context("v2")).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain("cannot connect to PostgreSQL at postgres://postgres:***@127.0.0.1:1/x");
    expect(error?.message).not.toContain("secret");
  });
});

describe.skipIf(requireTool("prometheus") === undefined)(
  "prometheus sources against a real Prometheus",
  () => {
    let exporter: TestExporter;
    let prometheus: StartedPrometheus;
    beforeAll(async () => {
      exporter = await startTestExporter();
      exporter.set("calc_mistakes", { release: "v2" }, 3);
      exporter.set("calc_mistakes", { release: "v1" }, 5);
      exporter.set("calc_sums", { release: "v2" }, 1000);
      prometheus = await startPrometheus({ scrapeTargets: [exporter.address] });
    }, 60_000);
    afterAll(async () => {
      await prometheus?.stop();
      await exporter?.stop();
    });

    const measure = (query: string, release = "v2", exposure?: string) =>
      metricSourceFor(
        "silly mistakes",
        metric({ prometheus: { url: prometheus.url, query, ...(exposure ? { exposure } : {}) } }),
        "/",
        noFunctions,
      ).measure(context(release, new Date(), 60_000));

    it("reads one series at the end of the window, with $release and $window substituted", async () => {
      expect(
        await measure(
          'max_over_time(calc_mistakes{release="$release"}[$window])',
          "v2",
          'sum(calc_sums{release="$release"})',
        ),
      ).toEqual({ value: 3, exposure: 1000 });
      expect(await measure("scalar(sum(calc_mistakes))")).toEqual({ value: 8 });
    });

    it("evaluates at the window's end, not now: an hour ago there was no data yet", async () => {
      const anHourAgo = new Date(Date.now() - 3_600_000);
      const source = metricSourceFor(
        "silly mistakes",
        metric({ prometheus: { url: prometheus.url, query: 'calc_mistakes{release="$release"}' } }),
        "/",
        noFunctions,
      );
      await expect(source.measure(context("v2", anHourAgo, 60_000))).rejects.toThrow(
        `the query matched no series at ${anHourAgo.toISOString()}`,
      );
    });

    it("refuses zero series, several series, a matrix, NaN and a release that could inject PromQL", async () => {
      await expect(measure('calc_mistakes{release="$release"}', "v9")).rejects.toThrow(
        /the query matched no series at .*; if no data means zero, append "or vector\(0\)"/,
      );
      expect(await measure('sum(calc_mistakes{release="$release"}) or vector(0)', "v9")).toEqual({
        value: 0,
      });
      await expect(measure("calc_mistakes")).rejects.toThrow(
        /the query returned 2 series, expected one: \{.*release="v[12]".*\}, \{.*\}; aggregate it/,
      );
      await expect(measure("calc_mistakes[$window]")).rejects.toThrow("returned a range vector (matrix)");
      await expect(measure("sum(calc_mistakes) * 0 / 0")).rejects.toThrow("the query returned NaN");
      await expect(measure('calc_mistakes{release="$release"}', 'v2"} or up{x="')).rejects.toThrow(
        /^metric "silly mistakes" \(prometheus source\): refusing to put release .* into PromQL/,
      );
      await expect(measure("sum(")).rejects.toThrow("Prometheus rejected the query (HTTP 400 bad_data)");
    });
  },
);
