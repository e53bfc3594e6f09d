import { describe, expect, it } from "vitest";
import type { LoadSnapshot } from "./aggregate.js";
import { liveLine, ms, percent, seconds, summaryLines, thresholdLine } from "./summary-text.js";
import type { LoadSummary, NamedStats } from "./types.js";

const latency = (p50: number) => ({
  p50,
  p90: p50 * 2,
  p95: p50 * 3,
  p99: p50 * 4,
  p999: p50 * 5,
  max: p50 * 6,
  mean: p50,
});
const named = (count: number, errors: number, p50: number): NamedStats => ({
  count,
  errors,
  rps: count / 60,
  latency: latency(p50),
});

const summary: LoadSummary = {
  startedAt: "2025-01-01T00:00:00.000Z",
  durationMs: 60_000,
  model: { kind: "closed", users: 50 },
  workers: 2,
  connections: 100,
  requests: 123_456,
  rps: 2057.6,
  errors: 12,
  errorRate: 0.001,
  errorsByKind: { timeout: 2, "HTTP 500": 10 },
  latency: latency(12.1),
  journeys: {
    "Buy a widget": { ...named(9000, 12, 150), weight: 3, requestedShare: 0.75, achievedShare: 0.748 },
    Browse: { ...named(3033, 0, 40), weight: 1, requestedShare: 0.25, achievedShare: 0.252 },
  },
  steps: {},
  requestsByName: { "GET /cart": named(100_000, 10, 10), "POST /buy": named(23_456, 0, 20) },
  dropped: 3,
  thresholds: [
    { expression: "p95<300ms", actual: 212.4, unit: "ms", passed: true },
    { expression: "errors<0.05%", actual: 0.1, unit: "%", passed: false },
    { expression: "rps>1000", actual: 2057.6, unit: "/s", passed: true },
    { expression: "p95{journey:Nope}<1s (no such journey)", actual: Number.NaN, unit: "ms", passed: false },
  ],
  timeSeries: [],
  distribution: [],
};

describe("summaryLines", () => {
  const lines = summaryLines(summary);
  const text = lines.join("\n");

  it("states the run, totals and rps", () => {
    expect(lines[0]).toBe("Load test: 1m0s, closed model, 50 users, 2 workers, 100 connections");
    expect(text).toContain("  requests  123,456  (2,058/s)");
    expect(text).toContain("  journeys  12,033 finished, 12 failed (0.1%), 3 dropped");
  });

  it("tabulates latency of all requests and each request name, busiest first", () => {
    const header = lines.findIndex((l) => l.startsWith("  latency (ms)"));
    expect(lines[header]).toMatch(/^ {2}latency \(ms\) +count +p50 +p90 +p99 +p99\.9 +max$/);
    expect(lines[header + 1]).toMatch(/^ {2}all requests +123,456 +12\.1 +24\.2 +48\.4 +60\.5 +72\.6$/);
    expect(lines[header + 2]).toMatch(/^ {2}GET \/cart +100,000 +10\.0 +20\.0 +40\.0 +50\.0 +60\.0$/);
    expect(lines[header + 3]).toMatch(/^ {2}POST \/buy +23,456 +20\.0/);
    // Right-aligned numbers: every row of the table has the same width.
    expect(new Set(lines.slice(header, header + 4).map((l) => l.length)).size).toBe(1);
  });

  it("shows requested against achieved share per journey", () => {
    expect(text).toMatch(/journey +weight +requested +achieved +count +errors +p50 +p99/);
    expect(text).toMatch(/Buy a widget +3 +75% +74\.8% +9,000 +12 +150 +600/);
    expect(text).toMatch(/Browse +1 +25% +25\.2% +3,033 +0 +40\.0 +160/);
  });

  it("lists errors by kind, most first, and each threshold with its measured value", () => {
    const kinds = lines.indexOf("  errors by kind");
    expect(lines.slice(kinds + 1, kinds + 3)).toEqual(["    HTTP 500  10", "    timeout    2"]);
    const t = lines.indexOf("  thresholds");
    expect(lines.slice(t + 1)).toEqual([
      "    ✔ p95<300ms  (212 ms)",
      "    ✘ errors<0.05%  (0.1%)",
      "    ✔ rps>1000  (2,058/s)",
      "    ✘ p95{journey:Nope}<1s (no such journey)",
    ]);
  });

  it("colours when asked, and leaves sections out when empty", () => {
    expect(summaryLines(summary, true).join("\n")).toContain("\u001b[");
    expect(text).not.toContain("\u001b[");
    const calls: string[] = [];
    summaryLines(summary, (style, s) => {
      calls.push(style);
      return s;
    });
    expect(calls).toContain("green");
    expect(calls).toContain("red");
    const bare = summaryLines({
      ...summary,
      errorsByKind: {},
      thresholds: [],
      journeys: {},
      dropped: 0,
    }).join("\n");
    expect(bare).not.toContain("errors by kind");
    expect(bare).not.toContain("thresholds");
    expect(bare).not.toContain("dropped");
    expect(summaryLines({ ...summary, model: { kind: "open", ratePerSecond: 20 } })[0]).toContain(
      "open model, 20 journeys/s",
    );
  });

  it("formats a failed threshold with a count", () => {
    expect(thresholdLine({ expression: "errors<=10", actual: 12, unit: "", passed: false })).toBe(
      "✘ errors<=10  (12)",
    );
  });
});

describe("liveLine", () => {
  const snap: LoadSnapshot = {
    elapsedMs: 12_400,
    requests: 10_000,
    rps: 1234.4,
    p95Ms: 18.24,
    errors: 3,
    errorRate: 0.001,
    journeys: 3000,
    dropped: 0,
    active: 50,
  };

  it("is one line of elapsed, rps, p95, error rate and active", () => {
    expect(liveLine(snap, 60_000)).toBe("elapsed 12s/1m0s  rps 1,234  p95 18.2 ms  errors 0.1%  active 50");
  });

  it("shows a missing p95 as - and dropped journeys when there are some", () => {
    expect(liveLine({ ...snap, p95Ms: Number.NaN, dropped: 7, rps: 12.34 }, 30_000)).toBe(
      "elapsed 12s/30s  rps 12.3  p95 -  errors 0.1%  active 50  dropped 7",
    );
  });
});

describe("formatting", () => {
  it.each([
    [0.853, "0.85"],
    [18.24, "18.2"],
    [212.4, "212"],
    [1234.5, "1,235"],
  ])("ms(%d) = %s", (v, s) => expect(ms(v)).toBe(s));

  it.each([
    [0, "0%"],
    [0.001, "0.1%"],
    [0.0000001, "<0.01%"],
    [0.12345, "12.3%"],
    [1, "100%"],
  ])("percent(%d) = %s", (v, s) => expect(percent(v)).toBe(s));

  it.each([
    [0, "0s"],
    [59_999, "59s"],
    [65_000, "1m5s"],
    [3_725_000, "1h2m5s"],
  ])("seconds(%d) = %s", (v, s) => expect(seconds(v)).toBe(s));
});
