import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeEngineControl, sampleStatus } from "../src/server/fake-engine-control.js";
import type { CheckStatusRecord, EscalationRecord } from "../src/store/types.js";
import { startFakeDaemon } from "./helpers/fake-daemon.js";
import { hasChromium, launchChromium } from "./helpers/launch-chromium.js";

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const TARGETS = 1000;
const FAILING = 7;

/** An engine with 1,000 targets × 2 checks, a few of them failing. */
class BigFleet extends FakeEngineControl {
  readonly rows: CheckStatusRecord[] = [];
  constructor() {
    super();
    const now = Date.now();
    for (let i = 0; i < TARGETS; i++) {
      const target = `10.0.${Math.floor(i / 250)}.${i % 250}:8080`;
      for (const check of ["port", "http"]) {
        const failing = check === "port" && i % Math.floor(TARGETS / FAILING) === 0 && i > 0;
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
    return { ...sampleStatus, since: Date.now(), checks: { total: this.rows.length, failing: FAILING } };
  }
  override async escalations(): Promise<EscalationRecord[]> {
    return [];
  }
}

describe.skipIf(!hasChromium())("the dashboard with 1,000 targets", () => {
  let daemon: Awaited<ReturnType<typeof startFakeDaemon>>;
  let browser: Browser;

  beforeAll(async () => {
    daemon = await startFakeDaemon(new BigFleet());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.close();
  });

  it("shows the failing targets first and folds the all-OK ones into one line", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${daemon.url}/`);
    await page.locator("#check-grid").waitFor();
    const failingRows = page.locator("#check-grid tbody tr");
    expect(await failingRows.count()).toBe(FAILING);
    expect(await page.locator('#check-grid td[data-failing="true"]').count()).toBe(FAILING);
    expect(await page.locator("#grid details summary").textContent()).toBe(
      `${TARGETS - FAILING} targets with every check OK`,
    );
    // The folded rows are drawn when opened (with the keyboard here), and stay open across updates.
    await page.locator("#grid details summary").focus();
    await page.keyboard.press("Enter");
    await page.locator('#grid details td[data-state="OK"]').first().waitFor();
    expect(await page.locator('#grid details td[data-state="OK"]').count()).toBe((TARGETS - FAILING) * 2);
    const firstRender = (await page.evaluate(
      'performance.getEntriesByName("escalator:first-render")[0]?.startTime',
    )) as number;
    expect(firstRender).toBeGreaterThan(0);
    // A measurement, not a goal (timing goals live in bench/): kept with the screenshots.
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(
      join(ARTIFACTS, "dashboard-1000-targets.json"),
      `${JSON.stringify({ targets: TARGETS, firstRenderMs: Math.round(firstRender) }, null, 2)}\n`,
    );
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-1000-targets.png") });
    expect(errors).toEqual([]);
    await page.close();
  });
});
