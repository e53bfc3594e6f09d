import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FakeEngineControl,
  sampleEscalation,
  sampleLevel,
  sampleStatus,
  sampleStep,
} from "../src/server/fake-engine-control.js";
import type { LadderLevelView, StatusView, TransitionFilter, TransitionView } from "../src/server/types.js";
import type { CheckStatusRecord, EscalationRecord, StepRecord } from "../src/store/types.js";
import { startFakeDaemon } from "./helpers/fake-daemon.js";
import { hasChromium, launchChromium } from "./helpers/launch-chromium.js";

// Runs in the page (see expectOnlyText).
declare const window: { pwned?: number };

/** Markup an operator's check output, a target name or a config could carry. */
const IMG = `<img src=x onerror="window.pwned=1">`;
const SCRIPT = `<script>window.pwned=2</script>`;
const HOSTILE = `${IMG}${SCRIPT}`;

/** An engine whose every free text is markup: it must all show as text. */
class HostileEngine extends FakeEngineControl {
  override async status(): Promise<StatusView> {
    return {
      ...sampleStatus,
      state: "stuck",
      since: Date.now() - 5_000,
      detail: { reason: `stuck: ${HOSTILE}`, escalationId: "esc-1" },
      flapping: [`web@${HOSTILE}`],
      checks: { total: 1, failing: 1 },
    };
  }
  override async checks(): Promise<CheckStatusRecord[]> {
    return [
      {
        environment: "test",
        check: "web",
        target: `node-${HOSTILE}`,
        state: "CRITICAL",
        failing: true,
        message: `message ${HOSTILE}`,
        perfdata: "[]",
        level: "service",
        updatedAt: Date.now() - 5_000,
      },
      {
        // A time no Date can hold: shown as unknown, not a script error.
        environment: "test",
        check: "web",
        target: "node-late",
        state: "OK",
        failing: false,
        message: "fine",
        perfdata: "[]",
        level: "service",
        updatedAt: 1e20,
      },
    ];
  }
  override ladder(): LadderLevelView[] {
    return [{ ...sampleLevel, description: `description ${HOSTILE}` }];
  }
  escalationRecord(): EscalationRecord {
    return {
      ...sampleEscalation,
      status: "stuck",
      outcome: `outcome ${HOSTILE}`,
      trigger: JSON.stringify([
        { check: "web", target: `node-${HOSTILE}`, level: "service", state: "CRITICAL", message: HOSTILE },
      ]),
      plan: JSON.stringify({
        levels: [{ level: "service", scope: "targets", targets: [`node-${HOSTILE}`], because: HOSTILE }],
        notes: [`note ${HOSTILE}`],
      }),
    };
  }
  override async escalations(): Promise<EscalationRecord[]> {
    return [this.escalationRecord()];
  }
  override async escalation(
    id: string,
  ): Promise<{ escalation: EscalationRecord; steps: StepRecord[] } | undefined> {
    if (id !== "esc-1") return undefined;
    const step = { ...sampleStep, target: `node-${HOSTILE}`, output: `output ${HOSTILE}\n` };
    return { escalation: this.escalationRecord(), steps: [step] };
  }
  override async transitions(filter: TransitionFilter): Promise<TransitionView[]> {
    const [first] = await super.transitions(filter);
    return first ? [{ ...first, target: `node-${HOSTILE}`, message: `transition ${HOSTILE}` }] : [];
  }
}

/** No element made from the daemon's text, and the texts shown as they are. */
async function expectOnlyText(page: Page, texts: string[]): Promise<void> {
  expect(await page.locator("main img, main script, header img, header script").count()).toBe(0);
  expect(await page.evaluate(() => window.pwned)).toBeUndefined();
  const shown = (await page.locator("main").textContent()) ?? "";
  for (const text of texts) expect(shown).toContain(text);
}

describe.skipIf(!hasChromium())("the dashboard shows the daemon's texts as text", () => {
  let daemon: Awaited<ReturnType<typeof startFakeDaemon>>;
  let browser: Browser;

  beforeAll(async () => {
    daemon = await startFakeDaemon(new HostileEngine());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.close();
  });

  it("escapes check messages, targets, stuck reasons, level descriptions, step output, trigger and plan; shows a bad time as unknown", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${daemon.url}/`);
    await page.locator('#state[data-state="stuck"]').waitFor();
    await page.locator("#latest .timeline").waitFor();
    await page.locator("#latest details summary").click();
    await expectOnlyText(page, [
      `stuck: ${HOSTILE}`,
      `node-${HOSTILE}`,
      `message ${HOSTILE}`,
      `description ${HOSTILE}`,
      `output ${HOSTILE}`,
      `Flapping: web@${HOSTILE}`,
    ]);
    expect(await page.locator('td[data-target="node-late"] .age').textContent()).toBe("unknown time");

    await page.goto(`${daemon.url}/#/escalations/esc-1`);
    await page.locator("#plan").waitFor();
    await expectOnlyText(page, [`outcome ${HOSTILE}`, `— ${HOSTILE}`, `note ${HOSTILE}`, `node-${HOSTILE}`]);

    await page.goto(`${daemon.url}/#/history`);
    await page.locator("#transition-history").waitFor();
    await expectOnlyText(page, [`transition ${HOSTILE}`, `outcome ${HOSTILE}`]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
