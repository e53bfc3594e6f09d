import { describe, expect, it } from "vitest";
import { EscalatorError } from "../util/errors.js";
import {
  evaluateThresholds,
  type LatencyStat,
  parseThreshold,
  type ScopeStats,
  type ThresholdScope,
} from "./thresholds.js";

describe("parseThreshold", () => {
  it.each([
    [
      "p95<300ms",
      { metric: { kind: "latency", stat: 95 }, op: "<", value: 300, unit: "ms", scope: undefined },
    ],
    ["p99.9<1s", { metric: { kind: "latency", stat: 99.9 }, op: "<", value: 1000, unit: "ms" }],
    ["p50 <= 20ms", { metric: { kind: "latency", stat: 50 }, op: "<=", value: 20, unit: "ms" }],
    ["p99.99 < 0.5s", { metric: { kind: "latency", stat: 99.99 }, value: 500, unit: "ms" }],
    ["p100<2s", { metric: { kind: "latency", stat: 100 }, value: 2000 }],
    ["max<2s", { metric: { kind: "latency", stat: "max" }, value: 2000, unit: "ms" }],
    ["mean < 12.5ms", { metric: { kind: "latency", stat: "mean" }, value: 12.5 }],
    ["errors<1%", { metric: { kind: "errorRate" }, op: "<", value: 1, unit: "%" }],
    ["errors<=10", { metric: { kind: "errorCount" }, op: "<=", value: 10, unit: "" }],
    ["rps>500", { metric: { kind: "rps" }, op: ">", value: 500, unit: "/s" }],
    ["rps >= 20/s", { metric: { kind: "rps" }, op: ">=", value: 20, unit: "/s" }],
    [
      "p95{journey:Buy a widget}<300ms",
      {
        scope: { kind: "journey", name: "Buy a widget" },
        value: 300,
        expression: "p95{journey:Buy a widget}<300ms",
      },
    ],
    [
      'errors{step:I GET "/cart"}<1%',
      { scope: { kind: "step", name: 'I GET "/cart"' }, metric: { kind: "errorRate" } },
    ],
    ["p99{request: GET /cart }<1s", { scope: { kind: "request", name: "GET /cart" }, value: 1000 }],
    ["  P95 < 300ms  ", { expression: "P95 < 300ms", metric: { kind: "latency", stat: 95 } }],
  ])("parses %s", (text, expected) => {
    expect(parseThreshold(text)).toMatchObject(expected);
  });

  it.each([
    ["", "it is empty"],
    ["p95", "expected an operator <, <=, > or >= after the metric"],
    ["p95=300ms", '"=" is not an operator; use <, <=, > or >='],
    ["p95==300ms", '"==" is not an operator'],
    ["p95 => 300ms", '"=>" is not an operator'],
    ["p95<300", "a latency needs the unit ms or s, e.g. p95<300ms"],
    ["p95<300%", "a latency needs the unit ms or s"],
    ["p95<fast", '"fast" is not a number with an optional unit'],
    ["p95<-3ms", '"-3ms" is not a number'],
    ["p999<1s", "percentile 999 is out of range; it must be above 0 and at most 100 (p99.9, not p999)"],
    ["p0<1s", "percentile 0 is out of range"],
    [
      "latency<1s",
      'unknown metric "latency"; use p50, p90, p95, p99, p99.9 (any pNN), max, mean, errors or rps',
    ],
    ["errors<1ms", "errors take a percentage (errors<1%) or a plain count (errors<=10)"],
    ["rps>5%", "rps takes a plain number, e.g. rps>500"],
    [
      "p95{scenario:X}<1s",
      'unknown scope "scenario"; use {journey:NAME}, {step:TEXT} or {request:METHOD /path}',
    ],
    ["p95{journey}<1s", "the scope needs a name, e.g. {journey:NAME}"],
    ["p95{journey: }<1s", "the scope needs a name"],
    ["p95{journey:X<1s", "the scope lacks its closing }"],
    ["p95<1s{journey:X}", "a scope goes right after the metric"],
    ["<1s", "expected METRIC[{journey|step|request:NAME}] OP VALUE"],
  ])("rejects %j: %s", (text, reason) => {
    let error: unknown;
    try {
      parseThreshold(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EscalatorError);
    expect((error as EscalatorError).code).toBe("USAGE");
    const message = (error as Error).message;
    expect(message).toContain(`Invalid threshold "${text.trim()}": ${reason}`);
    expect(message).toContain("e.g. p95<300ms");
  });
});

describe("evaluateThresholds", () => {
  const stats = (
    s: Partial<Omit<ScopeStats, "latencyMs">>,
    latency: Partial<Record<string, number>> = {},
  ) => ({
    errorCount: 0,
    errorRate: 0,
    rps: 0,
    ...s,
    latencyMs: (stat: LatencyStat) => latency[String(stat)] ?? Number.NaN,
  });
  const overall = stats({ errorCount: 3, errorRate: 0.015, rps: 480 }, { "95": 212, "99.9": 990, max: 1500 });
  const checkout = stats({ errorCount: 0, errorRate: 0, rps: 12 }, { "95": 420 });
  const source = (scope: ThresholdScope | undefined) =>
    scope === undefined
      ? overall
      : scope.kind === "journey" && scope.name === "Checkout"
        ? checkout
        : undefined;
  const run = (...texts: string[]) => evaluateThresholds(texts.map(parseThreshold), source);

  it("passes and fails against the measured values, in the threshold's unit", () => {
    expect(run("p95<300ms", "p99.9<1s", "max<=1s", "errors<1%", "errors<=3", "rps>500", "rps>=480")).toEqual([
      { expression: "p95<300ms", actual: 212, unit: "ms", passed: true },
      { expression: "p99.9<1s", actual: 990, unit: "ms", passed: true },
      { expression: "max<=1s", actual: 1500, unit: "ms", passed: false },
      { expression: "errors<1%", actual: 1.5, unit: "%", passed: false },
      { expression: "errors<=3", actual: 3, unit: "", passed: true },
      { expression: "rps>500", actual: 480, unit: "/s", passed: false },
      { expression: "rps>=480", actual: 480, unit: "/s", passed: true },
    ]);
  });

  it("evaluates a scope against that name's figures", () => {
    expect(
      run("p95{journey:Checkout}<300ms", "errors{journey:Checkout}<1%", "rps{journey:Checkout}>10"),
    ).toEqual([
      { expression: "p95{journey:Checkout}<300ms", actual: 420, unit: "ms", passed: false },
      { expression: "errors{journey:Checkout}<1%", actual: 0, unit: "%", passed: true },
      { expression: "rps{journey:Checkout}>10", actual: 12, unit: "/s", passed: true },
    ]);
  });

  it("fails a scope that names nothing that ran, saying so", () => {
    const [result] = run("errors{journey:Chekout}<1%");
    expect(result).toEqual({
      expression: "errors{journey:Chekout}<1% (no such journey)",
      actual: Number.NaN,
      unit: "%",
      passed: false,
    });
    expect(run("p95{step:nope}<1s")[0]?.expression).toBe("p95{step:nope}<1s (no such step)");
  });

  it("fails a latency threshold with no samples", () => {
    expect(run("p50<1s")[0]).toEqual({
      expression: "p50<1s (no data)",
      actual: Number.NaN,
      unit: "ms",
      passed: false,
    });
  });
});
