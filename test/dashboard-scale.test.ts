import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeEngineControl, sampleStatus } from "../src/server/fake-engine-control.js";
import type { CheckStatusRecord, EscalationRecord } from "../src/store/types.js";
import { startFakeDaemon } from "./helpers/fake-daemon.js";
import { hasChromium, launchChromium } from "./helpers/launch-chromium.js";

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const TARGETS = 1000;
const FAILING = 7;
/** Page loads per case; the figures are their medians. */
const LOADS = 7;

/** An engine with 1,000 targets × 2 checks; `failing` of them fail the port check. */
class BigFleet extends FakeEngineControl {
  rows: CheckStatusRecord[] = [];
  failing = 0;
  constructor() {
    super();
    this.setFailing(FAILING);
  }
  setFailing(count: number): void {
    const now = Date.now();
    this.failing = count;
    this.rows = [];
    const every = count >= TARGETS ? 1 : Math.floor(TARGETS / count);
    for (let i = 0; i < TARGETS; i++) {
      const target = `10.0.${Math.floor(i / 250)}.${i % 250}:8080`;
      for (const check of ["port", "http"]) {
        const failing = check === "port" && (count >= TARGETS || (i % every === 0 && i > 0));
        this.rows.push({
          environment: "test",
          check,
          target,
          state: failing ? "CRITICAL" : "OK",
          failing,
          message: failing ? "connection refused" : "OK - 200 in 3 ms",
          perfdata: "[]",
          level: "node",
          updatedAt: now - 5_000,
        });
      }
    }
  }
  override async checks(): Promise<CheckStatusRecord[]> {
    return this.rows;
  }
  override async status() {
    return { ...sampleStatus, since: Date.now(), checks: { total: this.rows.length, failing: this.failing } };
  }
  override async escalations(): Promise<EscalationRecord[]> {
    return [];
  }
}

interface Load {
  /** The first frame painted with the page drawn (state, ladder, the grid's first 100 rows). */
  firstRenderMs: number;
  /** Every row of the grid painted. */
  fullRenderMs: number;
  domContentLoadedMs: number;
}

/** Loads the page afresh and reads when it was parsed and when the first full render was painted. */
async function load(page: Page, url: string): Promise<Load> {
  await page.goto(url);
  // Functions, not strings: the page's Content-Security-Policy forbids eval.
  await page.waitForFunction(() => performance.getEntriesByName("escalator:full-render").length > 0);
  return page.evaluate(() => {
    const nav = performance.getEntries().find((e) => String(e.entryType) === "navigation") as unknown as {
      domContentLoadedEventEnd: number;
    };
    return {
      firstRenderMs: performance.getEntriesByName("escalator:first-render")[0]?.startTime ?? Number.NaN,
      fullRenderMs: performance.getEntriesByName("escalator:full-render")[0]?.startTime ?? Number.NaN,
      domContentLoadedMs: nav.domContentLoadedEventEnd,
    };
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN);
};

describe.skipIf(!hasChromium())("the dashboard with 1,000 targets", () => {
  const fleet = new BigFleet();
  let daemon: Awaited<ReturnType<typeof startFakeDaemon>>;
  let browser: Browser;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    daemon = await startFakeDaemon(fleet);
    browser = await launchChromium();
  });

  afterAll(async () => {
    // Measurements, not goals (timing goals live in bench/): kept with the screenshots.
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(
      join(ARTIFACTS, "dashboard-1000-targets.json"),
      `${JSON.stringify({ targets: TARGETS, loads: LOADS, cpus: cpus().length, ...figures }, null, 2)}\n`,
    );
    await browser?.close();
    await daemon?.close();
  });

  it("shows the failing targets first and folds the all-OK ones into one line", async () => {
    fleet.setFailing(FAILING);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const loads: Load[] = [];
    for (let i = 0; i < LOADS; i++) loads.push(await load(page, `${daemon.url}/?load=${i}`));
    const failingRows = page.locator("#check-grid tbody tr");
    expect(await failingRows.count()).toBe(FAILING);
    expect(await page.locator('#check-grid td[data-failing="true"]').count()).toBe(FAILING);
    const summary = page.locator("#grid details summary");
    expect(await summary.textContent()).toBe(`${TARGETS - FAILING} targets with every check OK`);
    // The folded rows are drawn when opened (with the keyboard here), and the focus stays on the
    // summary that was pressed.
    await summary.focus();
    await page.keyboard.press("Enter");
    await page.locator('#grid details td[data-state="OK"]').first().waitFor();
    expect(await page.locator('#grid details td[data-state="OK"]').count()).toBe((TARGETS - FAILING) * 2);
    expect(await page.evaluate("document.activeElement?.id")).toBe("ok-rows-summary");
    figures.folded = {
      failing: FAILING,
      firstRenderMs: loads.map((l) => Math.round(l.firstRenderMs)),
      medianFirstRenderMs: median(loads.map((l) => l.firstRenderMs)),
      medianFullRenderMs: median(loads.map((l) => l.fullRenderMs)),
      medianDomContentLoadedMs: median(loads.map((l) => l.domContentLoadedMs)),
    };
    for (const l of loads) expect(l.fullRenderMs).toBeGreaterThanOrEqual(l.firstRenderMs);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-1000-targets.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws all 1,000 rows at once when every target fails", async () => {
    fleet.setFailing(TARGETS);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const loads: Load[] = [];
    for (let i = 0; i < LOADS; i++) loads.push(await load(page, `${daemon.url}/?load=${i}`));
    // The first 100 rows come with the first paint, the rest right after it.
    expect(await page.locator("#check-grid tbody tr").count()).toBe(TARGETS);
    expect(await page.locator("#check-grid [aria-busy]").count()).toBe(0);
    expect(
      await page.locator("#check-grid tbody th").evaluateAll((ths) => ths.map((th) => th.textContent)),
    ).toEqual(Array.from({ length: TARGETS }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}:8080`));
    for (const l of loads) expect(l.fullRenderMs).toBeGreaterThan(l.firstRenderMs);
    expect(await page.locator('#check-grid td[data-failing="true"]').count()).toBe(TARGETS);
    expect(await page.locator("#ok-rows").count()).toBe(0);
    figures.allFailing = {
      failing: TARGETS,
      firstRenderMs: loads.map((l) => Math.round(l.firstRenderMs)),
      medianFirstRenderMs: median(loads.map((l) => l.firstRenderMs)),
      medianFullRenderMs: median(loads.map((l) => l.fullRenderMs)),
      medianDomContentLoadedMs: median(loads.map((l) => l.domContentLoadedMs)),
    };
    expect(errors).toEqual([]);
    await page.close();
  });
});
