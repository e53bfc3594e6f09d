import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtmlReport } from "../src/load/html-report.js";
import type { LoadSummary, NamedStats, TimePoint } from "../src/load/types.js";
import { hasChromium, launchChromium } from "./helpers/launch-chromium.js";
import { runCli } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const HOSTILE = "</script><script>alert(1)</script>";
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

function round(n: number, digits = 3): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

function stats(count: number, errors: number, p50: number, seconds = 60): NamedStats {
  return {
    count,
    errors,
    rps: round(count / seconds),
    latency: {
      p50: round(p50),
      p90: round(p50 * 1.9),
      p95: round(p50 * 2.4),
      p99: round(p50 * 4.1),
      p999: round(p50 * 7.3),
      max: round(p50 * 11.7),
      mean: round(p50 * 1.25),
    },
  };
}

/** A one-minute closed-model run: three journeys (one with a hostile name), thresholds passed and failed. */
function fixture(): LoadSummary {
  const timeSeries: TimePoint[] = Array.from({ length: 60 }, (_, i) => {
    const t = i + 1;
    const active = Math.min(50, Math.round((t / 10) * 50));
    const rps = round(active * 4.2 + 10 * Math.sin(t / 4));
    const p50 = round(18 + 6 * Math.sin(t / 7) + (t > 40 ? 8 : 0));
    return {
      t,
      requests: Math.round(rps),
      errors: t % 13 === 0 ? 3 : t % 7 === 0 ? 1 : 0,
      rps,
      p50,
      p90: round(p50 * 2.1),
      p99: round(p50 * 4.3),
      max: round(p50 * 9.8 + (t === 45 ? 400 : 0)),
      active,
      journeys: Math.round(rps / 3.4),
      dropped: 0,
    };
  });
  const distribution: [number, number][] = [];
  for (let bound = 1, i = 0; bound <= 2048; bound *= 2, i++) {
    distribution.push([bound, Math.round(9000 * Math.exp(-((i - 5) ** 2) / 3)) + (i > 7 ? 12 : 0)]);
  }
  return {
    startedAt: "2025-06-01T12:00:00.000Z",
    durationMs: 60_000,
    model: { kind: "closed", users: 50 },
    workers: 2,
    connections: 64,
    requests: 12_345,
    rps: 205.75,
    errors: 27,
    errorRate: 0.007436,
    errorsByKind: { "HTTP 500": 19, timeout: 5, assertion: 2, ECONNREFUSED: 1 },
    latency: { p50: 21.337, p90: 44.5, p95: 58.04, p99: 96.95, p999: 301.2, max: 612.875, mean: 26.4 },
    journeys: {
      "Browse the catalogue": {
        ...stats(2170, 9, 38.21),
        weight: 6,
        requestedShare: 0.6,
        achievedShare: 0.5977,
      },
      Checkout: { ...stats(1095, 15, 142.6), weight: 3, requestedShare: 0.3, achievedShare: 0.3016 },
      [HOSTILE]: { ...stats(366, 3, 12.05), weight: 1, requestedShare: 0.1, achievedShare: 0.1008 },
    },
    steps: {
      'I GET "/products"': stats(3631, 4, 17.3),
      'I POST "/cart" with the first product': stats(1095, 6, 44.95),
      'the response status is 200 & the body has "id"': stats(3631, 12, 0.04),
      "I pay with card 4242 4242 4242 4242": stats(1095, 5, 88.12),
    },
    requestsByName: {
      "GET /products": stats(7262, 4, 17.1),
      "GET /products/{id}": stats(2888, 2, 9.875),
      "POST /cart": stats(1095, 6, 44.9),
      "POST /payments": stats(1100, 15, 88.05),
    },
    dropped: 0,
    thresholds: [
      { expression: "p95<300ms", actual: 58.04, unit: "ms", passed: true },
      { expression: "p99{journey:Checkout}<500ms", actual: 584.66, unit: "ms", passed: false },
      { expression: "errors<1%", actual: 0.7436, unit: "%", passed: true },
      { expression: "rps>250/s", actual: 205.75, unit: "/s", passed: false },
    ],
    timeSeries,
    distribution,
  };
}

interface NumericCell {
  table: string;
  name: string | null;
  index: string | null;
  field: string;
  value: string;
  text: string;
}

/** Every element with data-value, with where it sits (table id or "totals", row name or index). */
function numericCells(page: Page): Promise<NumericCell[]> {
  return page.$$eval("[data-value]", (elements) =>
    elements.map((el) => {
      const row = el.closest("tr");
      return {
        table: el.closest("table")?.id ?? (el.closest("dl.totals") ? "totals" : "?"),
        name: row?.getAttribute("data-name") ?? null,
        index: row?.getAttribute("data-index") ?? null,
        field: el.getAttribute("data-field") ?? "",
        value: el.getAttribute("data-value") ?? "",
        text: el.textContent ?? "",
      };
    }),
  );
}

function at(object: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], object);
}

/** The JSON value a cell shows, or undefined for derived cells (the error share). */
function expected(summary: LoadSummary, cell: NumericCell): unknown {
  const name = cell.name ?? "";
  switch (cell.table) {
    case "totals":
    case "latency":
      return at(summary, cell.field);
    case "thresholds":
      return at(summary.thresholds[Number(cell.index)], cell.field);
    case "journeys":
      return at(summary.journeys[name], cell.field);
    case "steps":
      return at(summary.steps[name], cell.field);
    case "requests":
      return at(summary.requestsByName[name], cell.field);
    case "errors":
      return cell.field === "count" ? summary.errorsByKind[name] : undefined;
    default:
      throw new Error(`numeric cell outside a known table: ${JSON.stringify(cell)}`);
  }
}

const available = hasChromium();

describe.skipIf(!available)("load HTML report in Chromium", () => {
  const summary = fixture();
  const dir = tmpDir("escalator-load-report-");
  const file = join(dir.path, "report.html");
  const url = pathToFileURL(file).href;
  let browser: Browser | undefined;

  beforeAll(async () => {
    writeFileSync(file, renderHtmlReport(summary, { title: "Shop load test" }));
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    dir.remove();
  });

  async function open(width: number, height: number) {
    if (!browser) throw new Error("Chromium did not start");
    const page = await browser.newPage({ viewport: { width, height } });
    const problems = {
      console: [] as string[],
      errors: [] as string[],
      requests: [] as string[],
      dialogs: 0,
    };
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.console.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.errors.push(e.message));
    page.on("request", (r) => problems.requests.push(r.url()));
    page.on("dialog", (d) => {
      problems.dialogs++;
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: "load" });
    await page.locator(".uplot").nth(3).waitFor();
    return { page, problems };
  }

  it("renders four uPlot charts from file:// without errors or network", async () => {
    const { page, problems } = await open(1280, 900);
    expect(problems.errors).toEqual([]);
    expect(problems.console).toEqual([]);
    expect(problems.dialogs).toBe(0);
    expect(problems.requests).toEqual([url]);
    const canvases = await page.$$eval("canvas", (list) =>
      list.map((c) => ({ id: c.closest(".chart")?.id, width: c.width, height: c.height })),
    );
    expect(canvases.map((c) => c.id).sort()).toEqual([
      "chart-active",
      "chart-distribution",
      "chart-latency",
      "chart-throughput",
    ]);
    for (const c of canvases) expect(c.width * c.height).toBeGreaterThan(0);
    // The legends name the series drawn from the time series and the distribution.
    const legend = await page.locator("#chart-latency .u-legend th").allTextContents();
    expect(legend.map((label) => label.trim())).toEqual(expect.arrayContaining(["p50", "p90", "p99", "max"]));
    await page.screenshot({ path: join(ARTIFACTS, "load-report.png"), fullPage: true });
    await page.close();
  });

  it("shows in every numeric cell exactly the numbers of the JSON summary", async () => {
    const { page } = await open(1280, 900);
    const cells = await numericCells(page);
    let compared = 0;
    for (const cell of cells) {
      const want = expected(summary, cell);
      if (want === undefined && cell.table === "errors") continue;
      expect(typeof want, JSON.stringify(cell)).toBe("number");
      expect(Number(cell.value), JSON.stringify(cell)).toBe(want);
      compared++;
      if (cell.field.startsWith("latency.")) {
        // Shown in ms with one decimal.
        expect(cell.text, JSON.stringify(cell)).toBe(
          (want as number).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
        );
      }
    }
    const journeys = Object.keys(summary.journeys).length;
    const steps = Object.keys(summary.steps).length;
    const requests = Object.keys(summary.requestsByName).length;
    const errorKinds = Object.keys(summary.errorsByKind).length;
    // totals 8 + overall latency 7 + journeys 11 each + steps/requests 10 each + thresholds + error counts.
    expect(compared).toBe(
      8 + 7 + 11 * journeys + 10 * (steps + requests) + summary.thresholds.length + errorKinds,
    );
    for (const field of [
      "count",
      "rps",
      "latency.p50",
      "latency.p90",
      "latency.p99",
      "latency.p999",
      "latency.max",
    ]) {
      for (const name of Object.keys(summary.journeys)) {
        expect(cells.some((c) => c.table === "journeys" && c.name === name && c.field === field)).toBe(true);
      }
    }
    // The hostile journey name is shown as text, not run.
    const names = await page.$$eval("#journeys tbody th", (ths) => ths.map((th) => th.textContent));
    expect(names).toEqual(Object.keys(summary.journeys));
    expect(await page.$$eval("script", (s) => s.length)).toBe(3);
    await page.close();
  });

  it("gives every table column headers and every body row a row header", async () => {
    const { page } = await open(1280, 900);
    // uPlot's legends are tables too; they sit inside the charts (role="img").
    const tables = await page.$$eval("table:not(.u-legend)", (list) =>
      list.map((t) => ({
        id: t.id,
        caption: t.caption?.textContent ?? "",
        colHeaders: t.querySelectorAll("thead th[scope=col]").length,
        columns: t.querySelector("tbody tr")?.children.length ?? 0,
        rows: t.querySelectorAll("tbody tr").length,
        rowHeaders: t.querySelectorAll("tbody th[scope=row]").length,
      })),
    );
    expect(tables.map((t) => t.id)).toEqual([
      "thresholds",
      "latency",
      "journeys",
      "steps",
      "requests",
      "errors",
    ]);
    for (const t of tables) {
      expect(t.caption, t.id).not.toBe("");
      expect(t.colHeaders, t.id).toBe(t.columns);
      expect(t.rowHeaders, t.id).toBe(t.rows);
    }
    const verdicts = await page.$$eval("#thresholds tbody td:nth-child(2)", (tds) =>
      tds.map((td) => td.textContent?.trim()),
    );
    expect(verdicts).toEqual(["✔ pass", "✘ fail", "✔ pass", "✘ fail"]);
    await page.close();
  });

  it("fits a 375px phone screen: only table wrappers scroll sideways", async () => {
    const { page, problems } = await open(375, 800);
    // The test project has no DOM lib: read the layout through element callbacks.
    const layout = {
      viewport: page.viewportSize()?.width,
      body: await page.$eval("body", (body) => body.scrollWidth),
      page: await page.$eval("html", (root) => root.scrollWidth),
      charts: await page.$$eval(".uplot", (list) => list.map((u) => u.getBoundingClientRect().right)),
    };
    expect(layout.viewport).toBe(375);
    expect(layout.body).toBeLessThanOrEqual(375);
    expect(layout.page).toBeLessThanOrEqual(375);
    for (const right of layout.charts) expect(right).toBeLessThanOrEqual(375);
    expect(problems.errors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "load-report-375.png"), fullPage: true });

    // Widening and narrowing again resizes the charts to fit.
    await page.setViewportSize({ width: 900, height: 800 });
    const chartWidth = () => page.$eval(".uplot", (u) => u.getBoundingClientRect().width);
    await expect.poll(chartWidth).toBeGreaterThan(500);
    await page.setViewportSize({ width: 375, height: 800 });
    await expect.poll(chartWidth).toBeLessThanOrEqual(375 - 32);
    expect(await page.$eval("html", (root) => root.scrollWidth)).toBeLessThanOrEqual(375);
    await page.close();
  });
});

describe.skipIf(!available)("a real run's --json and --report agree", () => {
  const dir = tmpDir("escalator-load-run-report-");
  let browser: Browser | undefined;
  let server: Server | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => res.end(req.url === "/slow" ? "slow" : "ok"));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    dir.remove();
  });

  it("shows in the HTML report exactly the numbers of the JSON summary written by the same run", {
    timeout: 60_000,
  }, async () => {
    if (!server) throw new Error("the test server did not start");
    const port = (server.address() as AddressInfo).port;
    mkdirSync(join(dir.path, "features"));
    writeFileSync(
      join(dir.path, "features", "shop.feature"),
      `Feature: Shop
  @weight:3
  Scenario: browse
    When I GET "/"
    Then the response status should be 200

  Scenario: slow page
    When I GET "/slow"
    Then the response should contain "slow"
`,
    );
    const result = await runCli(
      [
        "load",
        "--target",
        `http://127.0.0.1:${port}`,
        "--users",
        "4",
        "--duration",
        "2s",
        "--threshold",
        "p95<5s",
        "--json",
        "out/summary.json",
        "--report",
        "out/report.html",
      ],
      { cwd: dir.path },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir.path, "out", "summary.json"), "utf8")) as LoadSummary;
    expect(summary.requests).toBeGreaterThan(0);
    if (!browser) throw new Error("Chromium did not start");
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(pathToFileURL(join(dir.path, "out", "report.html")).href, { waitUntil: "load" });
    await page.locator(".uplot").nth(3).waitFor();
    const cells = await numericCells(page);
    let compared = 0;
    for (const cell of cells) {
      const want = expected(summary, cell);
      if (want === undefined && cell.table === "errors") continue;
      expect(Number(cell.value), JSON.stringify(cell)).toBe(want);
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
    expect(errors).toEqual([]);
    await page.close();
  });
});
