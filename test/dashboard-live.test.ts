import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FakeEngineControl,
  sampleEscalation,
  sampleStatus,
  sampleStep,
} from "../src/server/fake-engine-control.js";
import type { ControlOutcome, StatusView } from "../src/server/types.js";
import type { CheckStatusRecord, EscalationRecord, StepRecord } from "../src/store/types.js";
import { startFakeDaemon } from "./helpers/fake-daemon.js";
import { hasChromium, launchChromium } from "./helpers/launch-chromium.js";

// Functions passed to evaluate run in the page (a string would be eval, which the page's CSP
// refuses); these declarations type the little of the DOM they use.
interface PageElement {
  tagName: string;
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
}
declare const window: { states?: string[] };
declare const document: {
  activeElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
};
declare const MutationObserver: new (
  callback: () => void,
) => { observe(target: unknown, options: Record<string, boolean>): void };

const TARGETS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An engine a test steers: its state, a slow next /status answer, a slow pause, changing step output. */
class LiveEngine extends FakeEngineControl {
  state: StatusView["state"] = "converged";
  detail: Record<string, unknown> = {};
  since = Date.now() - 5_000;
  /** How the next status() calls answer, one entry each: after this long, with this state (else the current one). */
  script: { state?: StatusView["state"]; delayMs: number }[] = [];
  stepReads = 0;
  pauses = 0;
  rows: CheckStatusRecord[] = Array.from({ length: TARGETS }, (_, i) => ({
    environment: "test",
    check: "port",
    target: `node-${String(i).padStart(2, "0")}`,
    state: i === 0 ? "CRITICAL" : "OK",
    failing: i === 0,
    message: i === 0 ? "connection refused" : "open",
    perfdata: "[]",
    level: "service",
    updatedAt: Date.now() - 5_000,
  }));
  override async status(): Promise<StatusView> {
    const slow = this.script.shift();
    if (slow) await sleep(slow.delayMs);
    return { ...sampleStatus, state: slow?.state ?? this.state, since: this.since, detail: this.detail };
  }
  override async checks(): Promise<CheckStatusRecord[]> {
    return this.rows;
  }
  override async escalation(
    id: string,
  ): Promise<{ escalation: EscalationRecord; steps: StepRecord[] } | undefined> {
    if (id !== "esc-1") return undefined;
    this.stepReads += 1;
    const step = { ...sampleStep, output: `read ${this.stepReads}\n` };
    return { escalation: sampleEscalation, steps: [step] };
  }
  override async pause(request: { by: string; reason: string }): Promise<ControlOutcome> {
    this.pauses += 1;
    await sleep(300);
    return super.pause(request);
  }
  /** A check event: node-05's port check says something new (the grid redraws). */
  checkEvent(message: string): void {
    this.emit({
      type: "check",
      at: Date.now(),
      data: { check: "port", target: "node-05", toState: "OK", failing: false, message },
    });
  }
}

const activeElement = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return {
      tag: active?.tagName,
      id: active?.id,
      text: active?.textContent,
      step: active?.closest("[data-step-id]")?.getAttribute("data-step-id"),
    };
  });

describe.skipIf(!hasChromium())("the dashboard under live updates", () => {
  let engine: LiveEngine;
  let daemon: Awaited<ReturnType<typeof startFakeDaemon>>;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    engine = new LiveEngine();
    daemon = await startFakeDaemon(engine);
    browser = await launchChromium();
  });

  beforeEach(async () => {
    engine.state = "converged";
    engine.detail = {};
    engine.pauses = 0;
    page = await browser.newPage();
    errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    return async () => {
      expect(errors).toEqual([]);
      await page.close();
    };
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.close();
  });

  const live = async () => {
    await page.goto(`${daemon.url}/`);
    await page.locator('#connection[data-live="live"]').waitFor();
    await page.locator("#ok-rows summary").waitFor();
  };

  it("keeps the keyboard focus on the folded rows' summary and on a button when a check event redraws the grid", async () => {
    await live();
    await page.locator("#ok-rows-summary").focus();
    await page.keyboard.press("Enter");
    await page.locator('#ok-rows td[data-target="node-05"]').waitFor();
    expect((await activeElement(page)).id).toBe("ok-rows-summary");

    engine.checkEvent("open, after a check event");
    await page
      .locator('td[data-target="node-05"] .cell-message', { hasText: "after a check event" })
      .waitFor();
    expect((await activeElement(page)).id).toBe("ok-rows-summary");

    await page.getByRole("button", { name: "Pause" }).focus();
    engine.checkEvent("open, after a second event");
    await page
      .locator('td[data-target="node-05"] .cell-message', { hasText: "after a second event" })
      .waitFor();
    expect(await activeElement(page)).toMatchObject({ tag: "BUTTON", text: "Pause" });
  });

  it("keeps the focus on a step's output when the escalation's page redraws", async () => {
    await page.goto(`${daemon.url}/#/escalations/esc-1`);
    await page.locator('#connection[data-live="live"]').waitFor();
    const summary = page.locator('[data-step-id="1"] summary');
    await summary.focus();
    const before = engine.stepReads;
    engine.emit({ type: "step", at: Date.now(), data: { escalationId: "esc-1" } });
    await page
      .locator('[data-step-id="1"] pre', { hasText: `read ${before + 1}` })
      .waitFor({ state: "attached" });
    expect(await activeElement(page)).toMatchObject({ tag: "SUMMARY", step: "1" });
  });

  it("counts ages and countdowns on the daemon's clock, not the browser's", async () => {
    // This browser's clock is an hour ahead of the daemon's.
    await page.addInitScript(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 3_600_000;
    });
    engine.state = "quiescing";
    engine.since = Date.now() - 5_000;
    engine.detail = { until: Date.now() + 120_000, failing: [{ check: "port", target: "node-00" }] };
    await live();
    const state = (await page.locator("#state").textContent()) ?? "";
    // Seconds, not an hour off; a slow machine may take a few seconds to load the page.
    expect(state).toMatch(/since \d{1,2}s ago/);
    expect(state).toMatch(/acts in (1m \d{1,2}s|2m)/);
    expect(await page.locator('td[data-target="node-00"] .age').textContent()).toMatch(/^\d{1,2}s ago$/);
  });

  it("keeps a state event's state when an older /status answer arrives after it", async () => {
    await page.addInitScript(() => {
      const seen: string[] = [];
      window.states = seen;
      new MutationObserver(() => {
        const state = document.querySelector("#state")?.getAttribute("data-state");
        if (state && seen[seen.length - 1] !== state) seen.push(state);
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    await live();
    await sleep(300);
    // A re-read goes out and is slow: its answer is the state before the event below.
    engine.state = "stuck";
    // (Chromium holds a second request for the same URL until the first is answered; the one
    // after the slow answer takes a while too, so the slow answer would be drawn if it were kept.)
    engine.script = [{ state: "converged", delayMs: 1_500 }, { delayMs: 600 }];
    engine.emit({ type: "control", at: Date.now(), data: {} });
    await sleep(400);
    engine.emit({ type: "state", at: Date.now(), data: { state: "stuck", reason: "needs a human" } });
    await page.locator('#state[data-state="stuck"]').waitFor();
    await sleep(2_500);
    const states = await page.evaluate(() => window.states);
    expect(states).toEqual(["converged", "stuck"]);
  });

  it("sends one pause for a double-click (the button waits for the answer)", async () => {
    await live();
    await page.getByRole("button", { name: "Pause" }).dblclick();
    await page.locator("#notice", { hasText: "Done" }).waitFor();
    await sleep(300);
    expect(engine.pauses).toBe(1);
  });
});
