import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { escapeHtml, formatDuration, jsonForScript, renderHtmlReport } from "./html-report.js";
import type { LoadSummary, NamedStats } from "./types.js";

const HOSTILE = "</script><script>alert(1)</script>";
const SEPARATORS = "line\u2028para\u2029end";

function stats(count: number, p50: number): NamedStats {
  return {
    count,
    errors: 1,
    rps: count / 10,
    latency: { p50, p90: p50 * 2, p95: p50 * 3, p99: p50 * 4, p999: p50 * 5, max: p50 * 6, mean: p50 * 1.2 },
  };
}

function summary(): LoadSummary {
  return {
    startedAt: "2025-01-02T03:04:05.000Z",
    durationMs: 10_000,
    model: { kind: "closed", users: 5 },
    workers: 2,
    connections: 8,
    requests: 1234,
    rps: 123.4,
    errors: 3,
    errorRate: 0.0125,
    errorsByKind: { "HTTP 500": 2, [HOSTILE]: 1 },
    latency: { p50: 12.345, p90: 20, p95: 25, p99: 40, p999: 60, max: 80.06, mean: 14 },
    journeys: {
      Checkout: { ...stats(100, 30), weight: 3, requestedShare: 0.75, achievedShare: 0.7 },
      [HOSTILE]: { ...stats(40, 10), weight: 1, requestedShare: 0.25, achievedShare: 0.3 },
      [SEPARATORS]: { ...stats(1, 1), weight: 0, requestedShare: 0, achievedShare: 0 },
    },
    steps: { 'I GET "/cart" & <check>': stats(100, 5) },
    requestsByName: { "GET /cart": stats(1234, 4) },
    dropped: 0,
    thresholds: [
      { expression: "p95<300ms", actual: 25, unit: "ms", passed: true },
      { expression: "errors<1%", actual: 1.25, unit: "%", passed: false },
    ],
    timeSeries: [
      {
        t: 1,
        requests: 100,
        errors: 0,
        rps: 100,
        p50: 10,
        p90: 20,
        p99: 30,
        max: 40,
        active: 5,
        journeys: 9,
        dropped: 0,
      },
    ],
    distribution: [
      [1, 10],
      [10, 100],
      [100, 5],
    ],
  };
}

function embeddedJson(html: string): string {
  const match = /<script type="application\/json" id="summary">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error("no embedded summary");
  return match[1];
}

describe("renderHtmlReport", () => {
  const input = summary();
  const html = renderHtmlReport(input, { title: "Shop <load> & co" });

  it("is one semantic, mobile-ready HTML document", () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain("<title>Shop &#60;load&#62; &#38; co</title>");
    expect(html).toContain("<h1>Shop &#60;load&#62; &#38; co</h1>");
    for (const id of ["thresholds", "latency", "journeys", "steps", "requests", "errors"]) {
      expect(html).toContain(`<table id="${id}">`);
      expect(html).toContain(`<h2 id="h-${id}">`);
    }
    const tables = html.match(/<table\b/g) ?? [];
    const headed = html.match(/<thead><tr><th scope="col">/g) ?? [];
    expect(headed.length).toBe(tables.length);
    expect(html).toContain('<th scope="row">Checkout</th>');
  });

  it("forbids the network: no remote src/href, no link/import, a CSP of default-src 'none'", () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'`);
  });

  it("inlines uPlot's script and CSS from node_modules", () => {
    const require = createRequire(import.meta.url);
    const js = readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
    const css = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
    expect(html).toContain(`<script>${js}</script>`);
    expect(html).toContain(`<style>${css}</style>`);
    expect(html).toContain("new uPlot(");
  });

  it("embeds the summary as JSON that hostile names cannot break out of", () => {
    expect((html.match(/<script\b/gi) ?? []).length).toBe(3);
    expect((html.match(/<\/script/gi) ?? []).length).toBe(3);
    expect(html).not.toContain("<script>alert(1)");
    const json = embeddedJson(html);
    expect(json).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(input);
    expect(html).toContain('<th scope="row">&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;</th>');
    expect(html).toContain("I GET &#34;/cart&#34; &#38; &#60;check&#62;");
  });

  it("puts the raw value on every numeric cell and formats consistently", () => {
    const numeric = html.match(/<td class="num"[^>]*>/g) ?? [];
    expect(numeric.length).toBeGreaterThan(50);
    for (const cell of numeric) expect(cell).toMatch(/ data-field="[^"]+" data-value="[^"]+"/);
    expect(html).toContain('<td class="num" data-field="latency.p50" data-value="12.345">12.3</td>');
    expect(html).toContain('<td class="num" data-field="latency.max" data-value="80.06">80.1</td>');
    expect(html).toContain('<dd data-field="requests" data-value="1234">1,234</dd>');
    expect(html).toContain('<dd data-field="rps" data-value="123.4">123.4</dd>');
    expect(html).toContain('<dd data-field="errorRate" data-value="0.0125">1.25%</dd>');
    expect(html).toContain('<dd data-field="durationMs" data-value="10000">10.0 s</dd>');
    expect(html).toContain('<dd data-field="model">closed, 5 users</dd>');
    expect(html).toContain('data-field="achievedShare" data-value="0.7">70.0%</td>');
  });

  it("marks thresholds passed and failed", () => {
    expect(html).toMatch(
      /<th scope="row">p95&#60;300ms<\/th><td class="pass"><span aria-hidden="true">✔<\/span> pass/,
    );
    expect(html).toMatch(
      /<th scope="row">errors&#60;1%<\/th><td class="fail"><span aria-hidden="true">✘<\/span> fail/,
    );
    expect(html).toContain('data-field="actual" data-value="1.25">1.25%</td>');
    expect(html).toContain("1 of 2 thresholds failed.");
  });

  it("renders an empty run without tables or crashes", () => {
    const empty: LoadSummary = {
      ...summary(),
      model: { kind: "open", ratePerSecond: 20 },
      journeys: {},
      steps: {},
      requestsByName: {},
      errorsByKind: {},
      thresholds: [],
      timeSeries: [],
      distribution: [],
    };
    const out = renderHtmlReport(empty);
    expect(out).toContain("<title>Escalator load report</title>");
    expect(out).toContain("No thresholds were set.");
    expect(out).toContain("No journeys recorded.");
    expect(out).toContain("No errors.");
    expect(out).toContain("open, 20.0 journeys/s");
    expect(out).not.toContain('<table id="journeys">');
  });
});

describe("helpers", () => {
  it("escapeHtml escapes markup and quotes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;",
    );
  });

  it("jsonForScript round-trips and hides < and line separators", () => {
    const value = { name: `${HOSTILE}<!-- ${SEPARATORS}` };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it("formatDuration reads naturally", () => {
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(60_000)).toBe("1 min 0 s");
    expect(formatDuration(3_725_000)).toBe("1 h 2 min 5 s");
  });
});

describe("runs cut short", () => {
  it("say so above the figures when interrupted or incomplete", () => {
    const interrupted = renderHtmlReport({ ...summary(), interrupted: true } as LoadSummary);
    expect(interrupted).toContain("Interrupted: these figures cover only the time the test ran.");
    const incomplete = renderHtmlReport({
      ...summary(),
      incomplete: true,
      failedWorkers: [1],
    } as LoadSummary);
    expect(incomplete).toContain("Incomplete: 1 load worker(s) died");
    expect(renderHtmlReport(summary())).not.toContain('role="status"');
  });
});
