import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { eventually } from "../../test/helpers/start-process.js";
import { type StartedPrometheus, startPrometheus } from "../../test/helpers/start-prometheus.js";
import { startTestExporter, type TestExporter } from "../../test/helpers/test-exporter.js";
import { checkSchema } from "../config/schema.js";
import { evaluate, parseCondition, prometheusCheck } from "./prometheus-check.js";
import { runCheck } from "./registry.js";
import type { CheckContext } from "./types.js";

const hasPrometheus = requireTool("prometheus") !== undefined;

let exporter: TestExporter;
let prometheus: StartedPrometheus;

beforeAll(async () => {
  if (!hasPrometheus) return;
  exporter = await startTestExporter();
  exporter.set("load_test", { instance: "node-a" }, 0.2);
  exporter.set("load_test", { instance: "node-b" }, 0.9);
  exporter.set("load_test", { instance: "node-c" }, 0.4);
  exporter.set("disk_test", { instance: "node-a" }, 0);
  exporter.set("disk_test", { instance: "node-b" }, 0);
  // One query at a time, so a long query can hold a second one in the queue until it times out (503).
  prometheus = await startPrometheus({
    scrapeTargets: [exporter.address],
    extraArgs: ["--query.max-concurrency=1"],
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
});

function ctx(probe: Record<string, unknown>, extra: Partial<CheckContext> = {}): CheckContext {
  const check = checkSchema.parse({
    name: "load",
    level: "node",
    prometheus: { url: prometheus.url, ...probe },
  });
  return { check, environment: "staging", cwd: "/", timeoutMs: 5000, ...extra };
}

const run = (probe: Record<string, unknown>, extra: Partial<CheckContext> = {}) =>
  prometheusCheck.run(ctx(probe, extra), new AbortController().signal);

describe.skipIf(!hasPrometheus)("prometheusCheck against a real Prometheus", () => {
  it("is OK when the query returns no series", async () => {
    const result = await run({ query: 'load_test{instance="nowhere"}' });
    expect(result.state).toBe("OK");
    expect(result.message).toBe("PROMETHEUS OK - the query returned no series");
    expect(result.byTarget).toBeUndefined();
    expect(result.perfdata.map((d) => [d.label, d.value])).toEqual([
      ["series", 0],
      ["failing", 0],
      ["time", expect.any(Number)],
    ]);
  });

  it("is CRITICAL when a series exists, naming it with its labels and value", async () => {
    const result = await run({ query: 'load_test{instance="node-b"}' });
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toBe(
      'PROMETHEUS CRITICAL - the query returned 1 series: load_test{instance="node-b", job="test"} = 0.9',
    );
  });

  it("with a condition, fails only the series whose value satisfies it", async () => {
    const failing = await run({ query: "load_test", condition: "> 0.5" });
    expect(failing.state).toBe("CRITICAL");
    expect(failing.message).toBe(
      'PROMETHEUS CRITICAL - 1 of 3 series is > 0.5: load_test{instance="node-b", job="test"} = 0.9',
    );
    expect(failing.perfdata.slice(0, 2).map((d) => d.value)).toEqual([3, 1]);

    const passing = await run({ query: "load_test", condition: "> 0.95" });
    expect(passing.state).toBe("OK");
    expect(passing.message).toBe("PROMETHEUS OK - none of 3 series is > 0.95");

    const all = await run({ query: "load_test", condition: ">= 0" });
    expect(all.message).toMatch(/^PROMETHEUS CRITICAL - 3 of 3 series are >= 0: /);
  });

  it("with target_label, byTarget names exactly the failing instances", async () => {
    const result = await run({ query: "load_test", condition: "> 0.5", target_label: "instance" });
    expect(result.state).toBe("CRITICAL");
    expect(result.byTarget).toEqual({
      "node-b": {
        state: "CRITICAL",
        message: 'PROMETHEUS CRITICAL - load_test{instance="node-b", job="test"} = 0.9 is > 0.5',
      },
    });

    const none = await run({ query: "load_test", condition: "> 0.95", target_label: "instance" });
    expect(none.state).toBe("OK");
    expect(none.byTarget).toEqual({});
  });

  it("follows the exporter: a series that starts failing adds its target after the next scrape", async () => {
    const probe = { query: "disk_test", condition: "> 0", target_label: "instance" };
    expect((await run(probe)).byTarget).toEqual({});
    exporter.set("disk_test", { instance: "node-b" }, 1);
    const result = await eventually(async () => {
      const r = await run(probe);
      return r.state === "CRITICAL" ? r : undefined;
    }, 10_000);
    expect(Object.keys(result.byTarget ?? {})).toEqual(["node-b"]);
  });

  it("reports failing series without the target label, which fail the check as a whole", async () => {
    const result = await run({
      query: 'load_test{instance="node-b"} or vector(2)',
      condition: "> 0.5",
      target_label: "instance",
    });
    expect(result.state).toBe("CRITICAL");
    expect(Object.keys(result.byTarget ?? {})).toEqual(["node-b"]);
    expect(result.message).toContain(
      "; 1 series without label instance, failing the check as a whole: {} = 2",
    );
  });

  it("is UNKNOWN with Prometheus's error text for a bad query (HTTP 400)", async () => {
    const result = await run({ query: "load_test{" });
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toBe(
      'PROMETHEUS UNKNOWN - Prometheus rejected the query (HTTP 400 bad_data): invalid parameter "query": 1:11: parse error: unexpected end of input inside braces; query: load_test{',
    );
  });

  it("is UNKNOWN with Prometheus's error text when the query cannot be executed (HTTP 422)", async () => {
    const result = await run({ query: "load_test + on() load_test" });
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toMatch(
      /^PROMETHEUS UNKNOWN - Prometheus cannot execute the query \(HTTP 422 execution\): found duplicate series .*many-to-many matching not allowed/,
    );
  });

  it("is UNKNOWN when Prometheus times the query out (HTTP 503), having been given less than the check's timeout", async () => {
    // A ~1 s query (2.6M subquery steps) holds the only query slot; ours waits in the queue until
    // Prometheus gives up after 300 ms, half its 600 ms timeout, well before our own deadline.
    const heavy = "count_over_time(vector(1)[30d:1s])";
    const body = new URLSearchParams({ query: heavy });
    const busy = fetch(`${prometheus.url}/api/v1/query`, { method: "POST", body }).then((r) => r.text());
    await eventually(
      () => readFileSync(join(prometheus.dataDir, "queries.active"), "utf8").includes(heavy),
      5000,
    );
    const result = await run({ query: "vector(1)", timeout: "600ms" });
    await busy;
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toBe(
      "PROMETHEUS UNKNOWN - the query timed out or was aborted in Prometheus (HTTP 503 timeout): query timed out in query queue; it was given 300ms",
    );
  });

  it.each([
    ["load_test[1m]", "a range vector (matrix)"],
    ['"text"', "a string"],
  ])("is UNKNOWN when %s returns %s", async (query, kind) => {
    const result = await run({ query });
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toContain(
      `must return an instant vector or a scalar, but ${prometheus.url}/api/v1/query returned ${kind}`,
    );
  });

  it("never lets NaN satisfy a comparison, and reports it", async () => {
    const scalar = await run({ query: "0/0", condition: "> 0.5" });
    expect(scalar.state).toBe("OK");
    expect(scalar.message).toBe(
      "PROMETHEUS OK - none of 1 series is > 0.5; 1 series with value NaN, not compared: {} = NaN",
    );

    const notEqual = await run({ query: "vector(0/0)", condition: "!= 0" });
    expect(notEqual.state).toBe("OK");
    expect(notEqual.message).toContain("value NaN");

    // Without a condition a NaN series still exists, so it fails.
    const exists = await run({ query: "vector(0/0)" });
    expect(exists.state).toBe("CRITICAL");
    expect(exists.message).toBe("PROMETHEUS CRITICAL - the query returned 1 series: {} = NaN");
  });

  it("parses +Inf and -Inf as infinities", async () => {
    const inf = await run({ query: "vector(1/0)", condition: "> 1e308" });
    expect(inf.state).toBe("CRITICAL");
    expect(inf.message).toContain("{} = +Inf");
    const negative = await run({ query: "vector(-1/0)", condition: "< -1e308" });
    expect(negative.state).toBe("CRITICAL");
    expect(negative.message).toContain("{} = -Inf");
  });

  it("a scalar without a condition always fails; with one, it is compared", async () => {
    expect((await run({ query: "1" })).state).toBe("CRITICAL");
    expect((await run({ query: "1", condition: "== 1" })).state).toBe("CRITICAL");
    expect((await run({ query: "1", condition: "< 1" })).state).toBe("OK");
  });

  it("substitutes {{environment}} in the query", async () => {
    const result = await run({ query: 'label_replace(vector(1), "env", "{{environment}}", "", "")' });
    expect(result.message).toBe('PROMETHEUS CRITICAL - the query returned 1 series: {env="staging"} = 1');
  });

  it("substitutes {{target}} in the query, refusing a target that could rewrite it", async () => {
    const probe = { query: 'load_test{instance="{{target}}"}', condition: "> 0.5" };
    expect((await run(probe, { target: "node-b" })).state).toBe("CRITICAL");
    expect((await run(probe, { target: "node-a" })).state).toBe("OK");
    const result = await run(probe, { target: 'node-a"} or vector(1) or {x="' });
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toContain(
      'refusing to put target "node-a\\"} or vector(1) or {x=\\"" into a PromQL query',
    );
  });

  it("is registered: runCheck runs it from a check config", async () => {
    const result = await runCheck(
      ctx({ query: "load_test", condition: "> 0.5" }),
      new AbortController().signal,
    );
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toMatch(/^PROMETHEUS CRITICAL - 1 of 3 series/);
  });
});

describe("prometheusCheck when Prometheus cannot answer", () => {
  it("is UNKNOWN naming the URL and the socket error when nothing listens", async () => {
    const port = await freePort();
    const check = checkSchema.parse({
      name: "load",
      level: "node",
      prometheus: { url: `http://127.0.0.1:${port}`, query: "up == 0" },
    });
    const result = await prometheusCheck.run(
      { check, environment: "staging", cwd: "/", timeoutMs: 5000 },
      new AbortController().signal,
    );
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toBe(
      `PROMETHEUS UNKNOWN - cannot reach Prometheus at http://127.0.0.1:${port}/api/v1/query: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it("is UNKNOWN when a host name does not resolve", async () => {
    const check = checkSchema.parse({
      name: "load",
      level: "node",
      prometheus: { url: "http://prometheus.{{environment}}.invalid:9090", query: "up == 0" },
    });
    const result = await prometheusCheck.run(
      { check, environment: "staging", cwd: "/", timeoutMs: 5000 },
      new AbortController().signal,
    );
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toMatch(
      /^PROMETHEUS UNKNOWN - cannot reach Prometheus at http:\/\/prometheus\.staging\.invalid:9090\/api\/v1\/query: getaddrinfo (ENOTFOUND|EAI_AGAIN)/,
    );
  });
});

describe("evaluate (pure)", () => {
  const sample = (instance: string | undefined, raw: string) => ({
    labels: { __name__: "load", ...(instance === undefined ? {} : { instance }) },
    raw,
    value: Number(raw),
  });

  it("names the first three failing series and counts the rest", () => {
    const samples = ["a", "b", "c", "d", "e"].map((i) => sample(i, "1"));
    expect(evaluate(samples, undefined, {}).message).toBe(
      'the query returned 5 series: load{instance="a"} = 1, load{instance="b"} = 1, load{instance="c"} = 1 and 2 more',
    );
  });

  it("puts every failing series of one target into that target's message", () => {
    const samples = [
      sample("a", "3"),
      { ...sample("a", "4"), labels: { __name__: "load", instance: "a", cpu: "1" } },
    ];
    const { byTarget } = evaluate(samples, parseCondition("> 2") ?? undefined, { target_label: "instance" });
    expect(byTarget).toEqual({
      a: {
        state: "CRITICAL",
        message: 'PROMETHEUS CRITICAL - load{instance="a"} = 3, load{instance="a", cpu="1"} = 4 are > 2',
      },
    });
  });

  it("treats an empty label value like a missing label", () => {
    const result = evaluate([sample("", "1")], undefined, { target_label: "instance" });
    expect(result.state).toBe("CRITICAL");
    expect(result.byTarget).toEqual({});
    expect(result.message).toContain("1 series without label instance");
  });

  it.each([
    ["> 0.9", ">", 0.9],
    ["<=-1e3", "<=", -1000],
    [" == 0 ", "==", 0],
  ])("parses %j", (text, op, threshold) => {
    expect(parseCondition(text)).toMatchObject({ op, threshold });
  });

  it.each(["0.9", "> x", "=> 1", ">"])("refuses %j", (text) => {
    expect(parseCondition(text)).toBeNull();
  });
});
