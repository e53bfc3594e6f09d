import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeEngineControl, sampleStatus } from "../src/server/fake-engine-control.js";
import type { StatusView } from "../src/server/types.js";
import { startFakeDaemon } from "./helpers/fake-daemon.js";
import { hasChromium, launchChromium } from "./helpers/launch-chromium.js";

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const TOKEN = "right-token";

/** An engine waiting for a human to approve level "service" of escalation esc-1. */
class AwaitingApproval extends FakeEngineControl {
  override async status(): Promise<StatusView> {
    await super.status();
    return {
      ...sampleStatus,
      state: "awaiting-approval",
      detail: { escalationId: "esc-1", level: "service" },
      awaitingApproval: { escalationId: "esc-1", level: "service", since: Date.now() },
    };
  }
}

describe.skipIf(!hasChromium())("the dashboard's approval controls", () => {
  let browser: Browser;
  const control = new AwaitingApproval();
  let daemon: Awaited<ReturnType<typeof startFakeDaemon>>;

  beforeAll(async () => {
    daemon = await startFakeDaemon(control, [TOKEN]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.close();
  });

  it("approves and rejects the waiting level, asking again when the token is refused", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${daemon.url}/`);
    await page.locator('#state[data-state="awaiting-approval"]').waitFor();
    expect(await page.locator("#state .state-label").textContent()).toBe("Awaiting approval");
    expect(await page.locator(".state-why").textContent()).toContain("Level service waits for approval");
    const approve = page.getByRole("button", { name: "Approve" });
    expect(await approve.isEnabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Resume" }).isDisabled()).toBe(true);

    await approve.click();
    const dialog = page.getByRole("dialog", { name: "API token needed" });
    await dialog.getByLabel("API token").fill("wrong-token");
    await dialog.getByRole("button", { name: "Use token" }).click();
    // The daemon refused it (401): the dialog comes back and says so.
    await page.locator("#token-message", { hasText: "That token was not accepted." }).waitFor();
    await dialog.getByLabel("API token").fill(TOKEN);
    await dialog.getByRole("button", { name: "Use token" }).click();
    await page.locator("#notice", { hasText: "Done: done" }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-approval.png"), fullPage: true });

    // The token is kept for the tab: rejecting asks nothing.
    await page.getByRole("button", { name: "Reject" }).click();
    await expect.poll(() => control.changes.map((c) => c.method)).toEqual(["approve", "reject"]);
    expect(await dialog.isVisible()).toBe(false);
    expect(control.changes).toEqual([
      { method: "approve", args: ["esc-1", "dashboard"] },
      { method: "reject", args: ["esc-1", "dashboard", "rejected from the dashboard"] },
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
