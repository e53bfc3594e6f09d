import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Envelope } from "@cucumber/messages";
import { describe, expect, it } from "vitest";
import type { Formatter } from "../types.js";
import { createHtmlFormatter } from "./html-formatter.js";
import { createMessageFormatter } from "./message-formatter.js";
import { createPrettyFormatter } from "./pretty-formatter.js";
import { createProgressFormatter } from "./progress-formatter.js";
import type { FormatterOptions } from "./types.js";

const kit = dirname(createRequire(import.meta.url).resolve("@cucumber/compatibility-kit/package.json"));
function sample(name: string): Envelope[] {
  const text = readFileSync(join(kit, "features", name, `${name}.ndjson`), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Envelope);
}

async function run(
  create: (options: FormatterOptions) => Formatter,
  envelopes: readonly Envelope[],
  color = false,
): Promise<string> {
  let out = "";
  const formatter = create({ write: (text) => (out += text), color });
  for (const envelope of envelopes) formatter.onMessage?.(envelope);
  await formatter.finish?.();
  return out;
}

const SAMPLES = [
  "minimal",
  "all-statuses",
  "failedish-combinations",
  "examples-tables",
  "rules",
  "cdata",
  "attachments",
];

describe("message formatter", () => {
  it.each(SAMPLES)("%s: every line parses back to the envelope received", async (name) => {
    const envelopes = sample(name);
    const out = await run(createMessageFormatter, envelopes);
    expect(out.endsWith("\n")).toBe(true);
    const lines = out.slice(0, -1).split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual(envelopes);
  });
});

describe("html formatter", () => {
  it.each(["minimal", "all-statuses", "cdata"])(
    "%s: a self-contained Cucumber report with the envelopes",
    async (name) => {
      const envelopes = sample(name);
      const html = await run(createHtmlFormatter, envelopes);
      expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(html.trimEnd().endsWith("</html>")).toBe(true);
      const feature = envelopes.find((e) => e.gherkinDocument)?.gherkinDocument?.feature?.name ?? "";
      expect(feature).not.toBe("");
      expect(html).toContain(feature);
      // CSS and script are inlined, not linked.
      expect(html).not.toMatch(/<script[^>]+src=/);
      expect(html).not.toMatch(/<link[^>]+stylesheet/);
      const start = html.indexOf("window.CUCUMBER_MESSAGES = [") + "window.CUCUMBER_MESSAGES = ".length;
      const end = html.indexOf("];\n</script>", start) + 1;
      const embedded = JSON.parse(html.slice(start, end).replaceAll("\\x3C", "\\u003C")) as unknown;
      expect(embedded).toEqual(envelopes);
      // No envelope can close the script element early.
      expect(html.slice(start, end)).not.toContain("</script");
    },
  );

  it("writes a valid, empty report for an empty stream", async () => {
    const html = await run(createHtmlFormatter, []);
    expect(html).toContain("window.CUCUMBER_MESSAGES = [];");
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
  });
});

describe("progress formatter", () => {
  it("all-statuses: one mark per step, then the problems and the counts", async () => {
    const out = await run(createProgressFormatter, sample("all-statuses"));
    const [marks = ""] = out.split("\n");
    expect(marks).toBe("....F-.P-.--.U-.A-");
    expect(out).toContain("Failures:");
    expect(out).toContain("1) Scenario: Failing # samples/all-statuses/all-statuses.feature:13");
    expect(out).toContain("Warnings:");
    expect(out).toContain("6 scenarios (1 passed, 1 failed, 1 ambiguous, 1 undefined, 1 pending, 1 skipped)");
    expect(out).toContain("18 steps (8 passed, 1 failed, 1 ambiguous, 1 undefined, 1 pending, 6 skipped)");
    expect(out).toMatch(/\n0m00\.049s\n$/);
  });

  it("minimal: a dot and 1 scenario (1 passed); colour only when asked", async () => {
    const plain = await run(createProgressFormatter, sample("minimal"));
    expect(plain.startsWith(".\n\n")).toBe(true);
    expect(plain).toContain("1 scenario (1 passed)\n1 step (1 passed)\n");
    expect(plain).not.toContain("\u001b[");
    const colored = await run(createProgressFormatter, sample("minimal"), true);
    expect(colored).toContain("\u001b[32m.\u001b[39m");
  });
});

describe("pretty formatter", () => {
  it("all-statuses: features, scenarios, marked steps, failure messages and the summary", async () => {
    const out = await run(createPrettyFormatter, sample("all-statuses"));
    expect(out.startsWith("Feature: All statuses\n")).toBe(true);
    expect(out).toContain("  Scenario: Passing # samples/all-statuses/all-statuses.feature:6");
    expect(out).toContain("    ✔ Given a step # samples/all-statuses/all-statuses.feature:7");
    expect(out).toContain(
      "    ✖ And a failing step # samples/all-statuses/all-statuses.feature:13\n        whoops",
    );
    expect(out).toContain("    ? And an undefined step # samples/all-statuses/all-statuses.feature:28");
    expect(out).toContain("    - And a step # samples/all-statuses/all-statuses.feature:14");
    expect(out).toContain("6 scenarios (1 passed, 1 failed, 1 ambiguous, 1 undefined, 1 pending, 1 skipped)");
  });

  it("rules and retries are shown", async () => {
    const rules = await run(createPrettyFormatter, sample("rules"));
    expect(rules).toMatch(/\n {2}Rule: .+\n\n {4}Scenario: /);
    const retry = await run(createPrettyFormatter, sample("retry"));
    expect(retry).toContain("(attempt 1, retried)");
    expect(retry).toContain("4 scenarios (3 passed, 1 failed)");
  });

  it("colours when asked: green for passed, red for failed", async () => {
    const out = await run(createPrettyFormatter, sample("all-statuses"), true);
    expect(out).toContain("\u001b[32m✔ Given a step\u001b[39m");
    expect(out).toContain("\u001b[31m✖ And a failing step\u001b[39m");
  });
});
