import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { checkSchema } from "../config/schema.js";
import { valuesSchema } from "../config/values-schema.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/types.js";
import type { CheckContext, CheckResult } from "./types.js";
import { valueCheck } from "./value-check.js";

/** `node source.mjs METRIC RELEASE`: data.json's measurement, or exit 1. Each call is logged. */
const SOURCE = `import { appendFileSync, readFileSync } from "node:fs";
const [metric, release] = process.argv.slice(2);
appendFileSync("calls.log", metric + " " + release + "\\n");
const measurement = JSON.parse(readFileSync("data.json", "utf8"))[metric]?.[release];
if (measurement === undefined) {
  console.error("database unreachable");
  process.exit(1);
}
console.log(JSON.stringify(measurement));
`;

const VALUES = `metrics:
  silly mistakes:
    command: [node, source.mjs, mistakes, "{{release}}"]
  checkout errors:
    command: [node, source.mjs, checkout, "{{release}}"]
`;

const FEATURES: Record<string, string> = {
  "checkout.feature":
    "Feature: Checkout\n  In order to keep checkout errors below 1%\n\n  Scenario: buy\n    Given a basket\n",
  "addition.feature":
    "Feature: Addition\n  In order to make fewer silly mistakes\n\n  Scenario: add\n    Given 1\n",
  "vague.feature": "Feature: Vague\n  In order to avoid silly mistakes\n\n  Scenario: x\n    Given y\n",
};

type Data = Record<string, Record<string, { value: number; exposure?: number }>>;
const data: Data = {
  checkout: {
    good: { value: 3, exposure: 2000 },
    bad: { value: 300, exposure: 2000 },
  },
  mistakes: {
    v1: { value: 31, exposure: 9800 },
    v2: { value: 12, exposure: 10000 },
  },
};

const dir = tmpDir("escalator-value-check-");
let store: Store;
const WINDOW_MS = 1000;

function writeData(): void {
  writeFileSync(join(dir.path, "data.json"), JSON.stringify(data));
}

beforeAll(async () => {
  mkdirSync(join(dir.path, "features"));
  for (const [name, text] of Object.entries(FEATURES)) writeFileSync(join(dir.path, "features", name), text);
  writeFileSync(join(dir.path, "source.mjs"), SOURCE);
  writeFileSync(join(dir.path, "values.yaml"), VALUES);
  writeData();
  store = await openStore("sqlite:store.db", { baseDir: dir.path });
});

afterAll(async () => {
  await store?.close();
  dir.remove();
});

/** Sources called so far for a metric and release. */
function calls(metric: string, release: string): number {
  const log = join(dir.path, "calls.log");
  if (!existsSync(log)) return 0;
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line === `${metric} ${release}`).length;
}

/** The serving release, in release-NAME.txt. */
function serve(name: string, release: string): void {
  writeFileSync(join(dir.path, `release-${name}.txt`), `${release}\n`);
}

/** A value check named `name` (windows are per name), its release read from release-NAME.txt. */
function valueCheckNamed(
  name: string,
  value: Record<string, unknown> = {},
  extra: Partial<CheckContext> = {},
): () => Promise<CheckResult> {
  const check = checkSchema.parse({
    name,
    level: "rollback",
    value: {
      paths: ["features/checkout.feature"],
      values: "values.yaml",
      release: { file: `release-${name}.txt` },
      window: "1s",
      ...value,
    },
  });
  const ctx: CheckContext = {
    check,
    environment: "test",
    cwd: dir.path,
    timeoutMs: 10_000,
    values: { store },
    ...extra,
  };
  return () => valueCheck.run(ctx, new AbortController().signal);
}

/** Runs once to open the window, waits it out, and runs again. */
async function afterWindow(run: () => Promise<CheckResult>): Promise<CheckResult> {
  const opening = await run();
  expect(opening.state).toBe("OK");
  expect(opening.message).toMatch(/judged when its 1s window ends/);
  await sleep(WINDOW_MS + 50);
  return run();
}

describe("value check", () => {
  it("is OK while the window runs, without measuring anything", async () => {
    serve("during", "good");
    const run = valueCheckNamed("during", { window: "10m" });
    const first = await run();
    expect(first.state).toBe("OK");
    expect(first.message).toMatch(
      /^ESCALATOR VALUE OK - release good serving for \d+ms; judged when its 10m window ends, in \d+m\d*s?$/,
    );
    const second = await run();
    expect(second.state).toBe("OK");
    expect(second.message).toMatch(/judged when its 10m window ends/);
    expect(calls("checkout", "good")).toBe(0);
  });

  it("delivered is OK, and the verdict is kept for the release without measuring again", async () => {
    serve("delivered", "good");
    const run = valueCheckNamed("delivered");
    const result = await afterWindow(run);
    expect(result.state).toBe("OK");
    expect(result.message).toBe(
      "ESCALATOR VALUE OK - release good: 1 delivered, 0 not delivered, 0 inconclusive, 0 not executable",
    );
    expect(result.perfdata.map((d) => [d.label, d.value])).toEqual([
      ["delivered", 1],
      ["not_delivered", 0],
      ["inconclusive", 0],
      ["not_executable", 0],
    ]);
    expect(result.longOutput).toContain(
      "delivered: In order to keep checkout errors below 1% (features/checkout.feature:2)",
    );
    expect(calls("checkout", "good")).toBe(1);
    const again = await run();
    expect(again.message).toBe(result.message);
    expect(calls("checkout", "good")).toBe(1);
    const stored = await store.listValueEvaluations("test", { release: "good" });
    expect(stored.map((e) => e.verdict)).toEqual(["delivered"]);
    // The window judged is the fixed one after the release started serving.
    const [evaluation] = stored;
    expect((evaluation?.until ?? 0) - (evaluation?.since ?? 0)).toBe(WINDOW_MS);
  });

  it("not delivered is CRITICAL and names the statement", async () => {
    serve("critical", "bad");
    const result = await afterWindow(valueCheckNamed("critical"));
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toMatch(
      /^ESCALATOR VALUE CRITICAL - release bad does not deliver: In order to keep checkout errors below 1%: Not delivered: 300 checkout errors in 2,000 \(15%\).* \(0 delivered, 1 not delivered, 0 inconclusive, 0 not executable\)$/,
    );
  });

  it("not executable is WARNING, with the suggestions", async () => {
    serve("warning", "good");
    const result = await afterWindow(valueCheckNamed("warning", { paths: ["features/vague.feature"] }));
    expect(result.state).toBe("WARNING");
    expect(result.message).toContain(
      "ESCALATOR VALUE WARNING - release good: In order to avoid silly mistakes:",
    );
    expect(result.message).toContain('Try: "In order to make 0 silly mistakes"');
  });

  it("inconclusive is OK and says so; a new release starts a new window and compares with the last", async () => {
    serve("relative", "v1");
    const run = valueCheckNamed("relative", { paths: ["features/addition.feature"] });
    const first = await afterWindow(run);
    expect(first.state).toBe("OK");
    expect(first.message).toContain("0 delivered, 0 not delivered, 1 inconclusive, 0 not executable");
    expect(first.message).toContain(
      "In order to make fewer silly mistakes: Inconclusive: there is no baseline",
    );

    serve("relative", "v2");
    const opening = await run();
    expect(opening.state).toBe("OK");
    expect(opening.message).toMatch(/release v2 serving for \d+ms; judged when its 1s window ends/);
    expect(calls("mistakes", "v2")).toBe(0);
    await sleep(WINDOW_MS + 50);
    const second = await run();
    expect(second.message).toBe(
      "ESCALATOR VALUE OK - release v2: 1 delivered, 0 not delivered, 0 inconclusive, 0 not executable",
    );
    expect(second.longOutput).toContain("for v1");
    expect(calls("mistakes", "v1")).toBe(1);
    expect(calls("mistakes", "v2")).toBe(1);
  });

  it("a source that fails is asked again on the next run, over the same window", async () => {
    serve("retry", "later");
    const run = valueCheckNamed("retry");
    const failed = await afterWindow(run);
    expect(failed.state).toBe("OK");
    expect(failed.message).toContain("1 inconclusive");
    expect(failed.message).toContain("checkout errors could not be measured");
    expect(failed.message).toMatch(/exited with code 1; last output: database unreachable$/);
    expect(failed.message).not.toContain("\n");
    expect(calls("checkout", "later")).toBe(1);

    data.checkout = { ...data.checkout, later: { value: 300, exposure: 2000 } };
    writeData();
    const judged = await run();
    expect(judged.state).toBe("CRITICAL");
    expect(calls("checkout", "later")).toBe(2);
    expect(await run()).toBe(judged);
    expect(calls("checkout", "later")).toBe(2);
    const stored = await store.listValueEvaluations("test", { release: "later" });
    expect(new Set(stored.map((e) => `${e.since}-${e.until}`)).size).toBe(1);
  });

  it("uses the config's values: section when the probe names no values file", async () => {
    serve("config-values", "good");
    const parsed = valuesSchema.parse({
      metrics: { "checkout errors": { command: ["node", "source.mjs", "checkout", "{{release}}"] } },
    });
    const run = valueCheckNamed(
      "config-values",
      { values: undefined },
      { values: { config: parsed, store } },
    );
    const result = await afterWindow(run);
    expect(result.state).toBe("OK");
    expect(result.message).toContain("1 delivered");
  });

  describe("UNKNOWN when it cannot judge", () => {
    it("the release file cannot be read, naming it", async () => {
      const result = await valueCheckNamed("no-release-file")();
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toMatch(/^ESCALATOR VALUE UNKNOWN - cannot read the release now serving: /);
      expect(result.message).toContain("release-no-release-file.txt");
    });

    it("the release command prints a hostile string", async () => {
      const run = valueCheckNamed("hostile", {
        release: { command: ["node", "-e", "console.log('v1; rm -rf /')"] },
      });
      const result = await run();
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toBe(
        'ESCALATOR VALUE UNKNOWN - cannot read the release now serving: the release must be 1 to 128 letters, digits or . _ : + ~ ^ -, got "v1; rm -rf /"',
      );
    });

    it("the release command fails", async () => {
      const run = valueCheckNamed("release-fails", {
        release: { command: ["node", "-e", "console.error('no deploy found'); process.exit(3)"] },
      });
      const result = await run();
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toContain("cannot read the release now serving: release command node -e");
      expect(result.message).toContain("exited 3: no deploy found");
    });

    it("a release read from a command: v1.4.2+build.7 is fine", async () => {
      const run = valueCheckNamed("release-command", {
        release: { command: ["node", "-e", "console.log('v1.4.2+build.7\\nignored')"] },
        window: "10m",
      });
      const result = await run();
      expect(result.state).toBe("OK");
      expect(result.message).toMatch(/^ESCALATOR VALUE OK - release v1\.4\.2\+build\.7 serving for/);
    });

    it("the values file is invalid: UNKNOWN naming file:line:col, then judged once fixed", async () => {
      writeFileSync(
        join(dir.path, "typo.yaml"),
        'metrics:\n  checkout errors:\n    comand: [node, source.mjs, checkout, "{{release}}"]\n',
      );
      serve("typo", "good");
      const run = valueCheckNamed("typo", { values: "typo.yaml" });
      const result = await afterWindow(run);
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toContain(
        `${join(dir.path, "typo.yaml")}:3:5 metrics.checkout errors.comand: unknown key`,
      );
      expect(result.message).toMatch(/ \(and 1 more problem\)$/);
      expect(result.message).not.toContain("\n");
      expect(result.longOutput).toContain("metrics.checkout errors: needs a source");
      writeFileSync(join(dir.path, "typo.yaml"), VALUES);
      expect((await run()).state).toBe("OK");
    });

    it("no metric definitions at all", async () => {
      serve("no-values", "good");
      const result = await afterWindow(valueCheckNamed("no-values", { values: undefined }));
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toContain("no metric definitions");
    });

    it("a feature path is missing: nothing is measured, and it is judged once the path exists", async () => {
      serve("missing-feature", "good");
      const run = valueCheckNamed("missing-feature", {
        paths: ["features/checkout.feature", "features/later.feature"],
      });
      const before = calls("checkout", "good");
      const result = await afterWindow(run);
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toBe(
        "ESCALATOR VALUE UNKNOWN - release good: No such feature file or folder: features/later.feature",
      );
      expect(calls("checkout", "good")).toBe(before);
      writeFileSync(
        join(dir.path, "features", "later.feature"),
        "Feature: Later\n  Scenario: x\n    Given y\n",
      );
      const judged = await run();
      expect(judged.state).toBe("OK");
      expect(judged.message).toContain("1 delivered");
      expect(calls("checkout", "good")).toBe(before + 1);
    });
  });
});
