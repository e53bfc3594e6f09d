import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeEngineControl } from "../src/server/fake-engine-control.js";
import type { VerdictView } from "../src/server/types.js";
import { startFakeDaemon } from "./helpers/fake-daemon.js";
import { hasChromium, launchChromium } from "./helpers/launch-chromium.js";

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

const verdict = (release: string, verdict: string, statement: string, evaluatedAt: number): VerdictView => ({
  id: evaluatedAt,
  environment: "test",
  featureUri: "features/checkout.feature",
  featureName: "Checkout",
  statement,
  metric: "orders",
  release,
  evaluatedAt,
  since: evaluatedAt - 3_600_000,
  until: evaluatedAt,
  verdict,
  verdictCase: verdict === "delivered" ? "bound holds" : "bound broken",
  baselineRelease: release === "2.0.0" ? "1.0.0" : null,
  measurement: { value: 0.0123, exposure: 5000 },
  result: {},
});

describe.skipIf(!hasChromium())("the value verdicts page", () => {
  let browser: Browser;
  const withVerdicts = new FakeEngineControl();
  withVerdicts.features = { verdicts: true };
  withVerdicts.verdictRows = [
    verdict("2.0.0", "not delivered", "In order to sell more, checkout errors stay below 1%", 3_000_000),
    verdict("1.0.0", "delivered", "In order to sell more, checkout errors stay below 1%", 2_000_000),
    verdict("1.0.0", "inconclusive", "In order to keep customers, search answers within 300 ms", 1_000_000),
  ];
  let daemon: Awaited<ReturnType<typeof startFakeDaemon>>;
  let plain: Awaited<ReturnType<typeof startFakeDaemon>>;

  beforeAll(async () => {
    daemon = await startFakeDaemon(withVerdicts);
    plain = await startFakeDaemon(new FakeEngineControl());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.close();
    await plain?.close();
  });

  it("is linked only when value verdicts are configured", async () => {
    const page = await browser.newPage();
    await page.goto(`${plain.url}/`);
    await page.locator("#state").waitFor();
    expect(await page.getByRole("link", { name: "Value" }).count()).toBe(0);
    await page.goto(`${daemon.url}/`);
    await page.locator("#state").waitFor();
    await page.getByRole("link", { name: "Value" }).waitFor();
    await page.close();
  });

  it("lists each statement's verdict per release, in words, and filters by release", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${daemon.url}/`);
    await page.getByRole("link", { name: "Value" }).click();
    await page.locator("#verdicts").waitFor();
    const verdicts = await page
      .locator("#verdicts tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-verdict")));
    expect(verdicts).toEqual(["not delivered", "delivered", "inconclusive"]);
    expect(await page.locator("#verdicts tbody tr").first().textContent()).toContain("bound broken");
    await page.getByLabel("Release").selectOption("1.0.0");
    await page.getByRole("button", { name: "Show release" }).click();
    await page.locator('main[data-params="release=1.0.0"]').waitFor();
    expect(await page.locator("#verdicts tbody tr").count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-verdicts.png"), fullPage: true });
    const tree = await page.locator("body").ariaSnapshot();
    const unnamed = tree
      .split("\n")
      .filter((line) => /^\s*- (button|link|combobox)\s*(\[.*\])?:?$/.test(line));
    expect(unnamed).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
