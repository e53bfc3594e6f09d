import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardDemo, startDashboardDemo } from "./helpers/dashboard-demo.js";
import { hasChromium, launchChromium } from "./helpers/launch-chromium.js";

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });

/**
 * Records, as the page shows them (a MutationObserver, no polling), every state in order and every
 * ladder level ever marked "in plan" or "running now": short states are not missed on a slow machine.
 */
const RECORD_STATES = `(() => {
  window.__states = [];
  window.__planned = [];
  window.__running = [];
  const note = () => {
    const state = document.querySelector("#state")?.getAttribute("data-state");
    if (state && window.__states[window.__states.length - 1] !== state) window.__states.push(state);
    for (const [attr, seen] of [["data-planned", window.__planned], ["data-running", window.__running]]) {
      for (const li of document.querySelectorAll("#ladder li[" + attr + '="true"]')) {
        const level = li.getAttribute("data-level");
        if (!seen.includes(level)) seen.push(level);
      }
    }
  };
  new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true });
  note();
})()`;

/** Roles that a person operates; each needs an accessible name. */
const CONTROL_ROLES = /^\s*- (button|link|textbox|combobox|checkbox|radio|searchbox|spinbutton)\b(.*)$/;

async function unnamedControls(page: Page): Promise<string[]> {
  const tree = await page.locator("body").ariaSnapshot();
  return tree.split("\n").filter((line) => {
    const match = CONTROL_ROLES.exec(line);
    return match !== null && !/^ "[^"]+"/.test(match[2] ?? "");
  });
}

const stateOf = (page: Page) => page.locator("#state").getAttribute("data-state");
/** Waits (event-driven, by Playwright's own retrying) until `selector` matches, optionally with `text`. */
const shown = (page: Page, selector: string, options: { text?: string; timeout?: number } = {}) =>
  page
    .locator(selector)
    .filter(options.text === undefined ? {} : { hasText: options.text })
    .first()
    .waitFor({ state: "attached", timeout: options.timeout ?? 10_000 });
const text = async (page: Page, selector: string) =>
  (await page.locator(selector).first().textContent()) ?? "";
// Functions passed to waitForFunction run in the page (a string would be eval, which the page's CSP
// refuses); this declaration types the little of the DOM they use.
declare const window: unknown;
declare const document: {
  querySelector(
    selector: string,
  ): { getAttribute(name: string): string | null; textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
};

describe.skipIf(!hasChromium())("the dashboard in a real browser, on the local demo", () => {
  let demo: DashboardDemo;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const watch = (p: Page) => {
    p.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    p.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  };
  /** How many escalations the daemon has (with these filters): the page's lists are checked against it. */
  const escalationCount = async (query = "") =>
    ((await (await fetch(`${demo.url}/api/v1/escalations${query}`)).json()) as unknown[]).length;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDashboardDemo();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    watch(page);
    await page.addInitScript(RECORD_STATES);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("loads the page and shows the demo converge: state, ladder, every cell OK", {
    timeout: 90_000,
  }, async () => {
    await page.goto(`${demo.url}/`);
    await shown(page, '#connection[data-live="live"]');
    // The demo starts with no node running: the first escalation builds it, then all 6 cells are OK.
    await page.waitForFunction(
      () =>
        document.querySelector("#state")?.getAttribute("data-state") === "converged" &&
        document.querySelectorAll('#grid td[data-state="OK"]').length === 6 &&
        document.querySelector("#latest [data-escalation-status]")?.getAttribute("data-escalation-status") ===
          "succeeded" &&
        // The status re-read after the state event has landed too (the guard counts come with it).
        (document.querySelector("#markers")?.textContent ?? "").includes("Guard web: 0 of 3 failing"),
      undefined,
      { timeout: 60_000 },
    );
    expect(await text(page, "#state .state-label")).toBe("Converged");
    expect(
      await page
        .locator("#ladder li")
        .evaluateAll((items) => items.map((li) => li.getAttribute("data-level"))),
    ).toEqual(["node", "deploy"]);
    expect(await text(page, "#ladder")).toContain("per target of web");
    expect(await text(page, "#markers")).toContain("Guard web: 0 of 3 failing");
    expect(await page.locator("#latest li[data-step-id]").count()).toBeGreaterThanOrEqual(4);
    await shot(page, "1-converged");
  });

  it("follows a killed node live: failing cell, quiescing, escalating, converged, the steps", {
    timeout: 90_000,
  }, async () => {
    const victim = demo.targets[1] as string;
    const before = await text(page, "#latest a");
    const escalationsBefore = await escalationCount();
    await page.evaluate(
      "window.__states = []; window.__planned = []; window.__running = []; window.__sameLoad = true",
    );
    expect(demo.breakNode(victim)).toContain(`killed ${victim}`);

    const victimCell = `#grid td[data-check="node-port"][data-target="${victim}"]`;
    await shown(page, `${victimCell}[data-failing="true"]`, { text: "CRITICAL", timeout: 20_000 });
    await shot(page, "2-failing");
    await shown(page, '#state[data-state="quiescing"]', { timeout: 20_000 });
    expect(await text(page, "#countdown")).toMatch(/acts in \d+s/);
    await shot(page, "3-quiescing");
    await page.waitForFunction(
      () => (window as unknown as { __states: string[] }).__states.includes("escalating"),
      undefined,
      {
        timeout: 20_000,
      },
    );
    await shot(page, "4-escalating");
    await page.waitForFunction(
      (old) =>
        document.querySelector("#latest a")?.textContent !== old &&
        document.querySelector("#state")?.getAttribute("data-state") === "converged" &&
        document.querySelector("#latest [data-escalation-status]")?.getAttribute("data-escalation-status") ===
          "succeeded",
      before,
      { timeout: 40_000 },
    );
    await shown(page, `${victimCell}[data-failing="false"]`);
    // However many the demo needed to start, the kill made at least one more.
    expect(await escalationCount()).toBeGreaterThan(escalationsBefore);
    const states = (await page.evaluate("window.__states")) as string[];
    // In that order (a late redraw of the state before the kill may come first).
    const quiescing = states.indexOf("quiescing");
    const escalating = states.indexOf("escalating", quiescing);
    const converged = states.indexOf("converged", escalating);
    expect(
      quiescing >= 0 && escalating > quiescing && converged > escalating,
      `states seen: ${states.join(" → ")}`,
    ).toBe(true);
    // The ladder marked both planned levels, and the running step's level.
    expect(await page.evaluate("window.__planned")).toEqual(["node", "deploy"]);
    expect(await page.evaluate("window.__running")).toContain("node");
    // Never reloaded: the flag set before the kill is still there.
    expect(await page.evaluate("window.__sameLoad")).toBe(true);
    const step = page.locator("#latest li[data-step-id]").first();
    expect(await step.getAttribute("data-level")).toBe("node");
    expect(await step.textContent()).toContain(`node on ${victim}: succeeded`);
    expect(await step.textContent()).toContain("exit code 0");
    await shot(page, "5-healed");

    // The escalation's own page: trigger, plan and the timeline with the output tail.
    await page.locator("#latest a").first().click();
    await shown(page, "#plan", { text: `node on ${victim}` });
    expect(await text(page, "main h2")).toContain("Escalation");
    expect(await text(page, "main")).toContain(`node-port on ${victim}`);
    const first = page.locator("main li[data-step-id]").first();
    await first.locator("summary").click();
    await first.locator("pre").waitFor({ state: "visible" });
    await shot(page, "6-escalation");
    expect(await unnamedControls(page)).toEqual([]);
  });

  it("pauses from the page with the token; a killed node then triggers nothing", {
    timeout: 90_000,
  }, async () => {
    await page.locator('nav a[href="#/"]').click();
    await shown(page, "#state");
    const escalationsBefore = await escalationCount();
    // From the keyboard: the button, the dialog (focus lands in the token field), Escape, and again.
    await page.getByRole("button", { name: "Pause" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "API token needed" });
    await dialog.waitFor({ state: "visible" });
    expect(await page.evaluate("document.activeElement?.id")).toBe("token-input");
    expect(await unnamedControls(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await shown(page, "#notice", { text: "Cancelled: no token given." });
    expect(await stateOf(page)).toBe("converged");
    await page.keyboard.press("Enter"); // focus went back to the Pause button
    await dialog.waitFor({ state: "visible" });
    await page.keyboard.type(demo.token);
    await shot(page, "7-token");
    await page.keyboard.press("Enter");
    await shown(page, '#state[data-state="paused"]', { timeout: 15_000 });
    expect(await text(page, "#state .state-label")).toBe("Paused");
    await shown(page, 'button[data-action="resume"]:not([disabled])');
    expect(await page.getByRole("button", { name: "Pause" }).isDisabled()).toBe(true);
    await shown(page, '#markers [data-marker="paused"]', { text: "dashboard" });

    const victim = demo.targets[0] as string;
    expect(demo.breakNode(victim)).toContain(`killed ${victim}`);
    await shown(page, `#grid td[data-check="node-port"][data-target="${victim}"][data-failing="true"]`, {
      timeout: 20_000,
    });
    // Three quiescence windows (5 s each) pass: still paused, no new escalation.
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      expect(await stateOf(page)).toBe("paused");
      await page.waitForTimeout(500);
    }
    expect(await escalationCount()).toBe(escalationsBefore);
    await shot(page, "8-paused");

    // The token is kept for the tab: resuming asks nothing, and the daemon heals the node.
    await page.getByRole("button", { name: "Resume" }).click();
    await page.waitForFunction(
      () => document.querySelector("#state")?.getAttribute("data-state") !== "paused",
      undefined,
      {
        timeout: 15_000,
      },
    );
    expect(await dialog.isVisible()).toBe(false);
    await shown(page, `#grid td[data-check="node-port"][data-target="${victim}"][data-failing="false"]`, {
      timeout: 40_000,
    });
  });

  it("filters the history of escalations and check transitions", { timeout: 60_000 }, async () => {
    await page.locator('nav a[href="#/history"]').click();
    await shown(page, "#escalation-history tbody tr");
    // Start-up, the kill and the heal after the pause: at least two, however the demo started.
    const all = await escalationCount();
    expect(all).toBeGreaterThanOrEqual(2);
    expect(await page.locator("#escalation-history tbody tr").count()).toBe(all);
    await page.getByLabel("Outcome").selectOption("failed");
    await page.getByRole("button", { name: "Filter escalations" }).click();
    await shown(page, 'main[data-params="outcome=failed"]');
    expect(await text(page, "main")).toContain("No escalation matches.");
    expect(page.url()).toContain("outcome=failed");
    await page.getByLabel("Outcome").selectOption("succeeded");
    await page.getByLabel("Level").selectOption("node");
    await page.getByRole("button", { name: "Filter escalations" }).click();
    await shown(page, 'main[data-params="outcome=succeeded&level=node"]');
    const succeeded = await escalationCount("?outcome=succeeded&level=node");
    expect(succeeded).toBeGreaterThanOrEqual(2);
    expect(await page.locator("#escalation-history tbody tr").count()).toBe(succeeded);
    const victim = demo.targets[1] as string;
    await page.getByLabel("Check", { exact: true }).selectOption("node-port");
    await page.getByLabel("Target").selectOption(victim);
    await page.getByRole("button", { name: "Filter transitions" }).click();
    await shown(page, `main[data-params*="check=node-port"][data-params*="target="]`);
    expect(await page.locator("#transition-history tbody tr").count()).toBeGreaterThanOrEqual(2);
    const checks = await page.locator("#transition-history tbody th").allTextContents();
    const targets = await page.locator("#transition-history tbody td:nth-child(3)").allTextContents();
    expect(new Set(checks)).toEqual(new Set(["node-port"]));
    expect(new Set(targets)).toEqual(new Set([victim]));
    await shot(page, "9-history");
    expect(await unnamedControls(page)).toEqual([]);
  });

  it("fits a 375 px phone screen without sideways scrolling", { timeout: 30_000 }, async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    watch(phone);
    await phone.goto(`${demo.url}/`);
    await shown(phone, "#grid td[data-state]", { timeout: 15_000 });
    expect(await phone.locator("#grid td[data-state]").count()).toBe(6);
    const width = (await phone.evaluate("document.documentElement.scrollWidth")) as number;
    expect(width).toBeLessThanOrEqual(375);
    expect(await unnamedControls(phone)).toEqual([]);
    await shot(phone, "10-phone");
    await phone.close();
  });

  it("names every control and logs no console error", async () => {
    await page.locator('nav a[href="#/"]').click();
    await shown(page, "#state");
    expect(await unnamedControls(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  // Last: while the daemon is down the browser logs refused connections, which are expected here.
  it("reconnects by itself after the daemon restarts, and shows the new daemon's events", {
    timeout: 90_000,
  }, async () => {
    await shown(page, '#connection[data-live="live"]');
    const errorsBefore = problems.filter((p) => p.startsWith("page error")).length;
    await page.evaluate("window.__sameLoad = true");
    await demo.stopDaemon();
    await shown(page, '#connection[data-live="down"]', { timeout: 20_000 });
    await shot(page, "11-daemon-down");
    await demo.startDaemon();
    await shown(page, '#connection[data-live="live"]', { timeout: 30_000 });
    // The new daemon's events reach the page: a node killed now fails and heals on screen.
    const victim = demo.targets[2] as string;
    expect(demo.breakNode(victim)).toContain(`killed ${victim}`);
    const victimCell = `#grid td[data-check="node-port"][data-target="${victim}"]`;
    await shown(page, `${victimCell}[data-failing="true"]`, { timeout: 20_000 });
    await shown(page, '#state[data-state="quiescing"]', { timeout: 20_000 });
    await shown(page, `${victimCell}[data-failing="false"]`, { timeout: 40_000 });
    expect(await page.evaluate("window.__sameLoad")).toBe(true);
    expect(problems.filter((p) => p.startsWith("page error")).length).toBe(errorsBefore);
    await shot(page, "12-reconnected");
  });
});
