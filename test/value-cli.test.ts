import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

/**
 * The metric source every test uses: `node source.mjs METRIC RELEASE` prints the measurement that
 * data.json holds for that metric and release, and exits 1 (with a reason on stderr) when it holds
 * none. Every call, and the exact release argument it got, is appended to calls.log.
 */
const SOURCE = `import { appendFileSync, readFileSync } from "node:fs";
const [metric, release] = process.argv.slice(2);
appendFileSync("calls.log", JSON.stringify([metric, release]) + "\\n");
const data = JSON.parse(readFileSync("data.json", "utf8"));
const measurement = data[metric]?.[release];
if (measurement === undefined) {
  console.error("database unreachable: no " + metric + " for " + release);
  process.exit(1);
}
console.log(JSON.stringify(measurement));
`;

const VALUES = `metrics:
  silly mistakes:
    aliases: [mistakes]
    command: [node, source.mjs, mistakes, "{{release}}"]
  checkout errors:
    command: [node, source.mjs, checkout, "{{release}}"]
`;

const ADDITION = `Feature: Addition
  In order to make fewer silly mistakes
  As a math idiot
  I want to be told the sum of two numbers

  Scenario: add
    Given I have entered 50 into the calculator
`;

const CHECKOUT = `Feature: Checkout
  In order to keep checkout errors below 1%

  Scenario: buy
    Given a basket
`;

const VAGUE = `Feature: Vague
  In order to avoid silly mistakes
  In order to sell more widgets

  Scenario: x
    Given y
`;

type Measurements = Record<string, Record<string, { value: number; exposure?: number }>>;

const DATA: Measurements = {
  mistakes: {
    v1: { value: 31, exposure: 9800 },
    v2: { value: 12, exposure: 10000 },
    v3: { value: 60, exposure: 10000 },
  },
  checkout: {
    good: { value: 3, exposure: 2000 },
    bad: { value: 300, exposure: 2000 },
    "v1.4.2+build.7": { value: 3, exposure: 2000 },
  },
};

interface ValueJson {
  release: string;
  since: string;
  until: string;
  summary: Record<"delivered" | "not delivered" | "inconclusive" | "not executable", number>;
  exitCode: number;
  results: {
    featureUri: string;
    featureName: string;
    line: number;
    statement: string;
    verdict: string;
    case: string;
    explanation: string;
    metric?: string;
    suggestions?: string[];
    details?: {
      measured: { value: number; exposure?: number };
      baseline?: { value: number; exposure?: number; release?: string };
      threshold?: number;
      test: string;
      pValue?: number;
    };
  }[];
  errors: { uri: string; message: string }[];
}

const dirs: ReturnType<typeof tmpDir>[] = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

interface Project {
  path: string;
  cli(...args: string[]): ReturnType<typeof runCli>;
  json(...args: string[]): Promise<ValueJson>;
  /** The stored verdicts, oldest first; [] when no store was created. */
  stored(db?: string): { release: string; verdict: string; baseline_release: string | null }[];
  calls(): [string, string][];
  write(file: string, text: string): string;
}

/** A folder with features/, values.yaml, source.mjs and data.json. */
function project(
  features: Record<string, string>,
  options: { values?: string | false; data?: Measurements } = {},
): Project {
  const dir = tmpDir("escalator-value-cli-");
  dirs.push(dir);
  const write = (file: string, text: string) => {
    const full = join(dir.path, file);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  for (const [name, text] of Object.entries(features)) write(join("features", name), text);
  write("source.mjs", SOURCE);
  write("data.json", JSON.stringify(options.data ?? DATA));
  if (options.values !== false) write("values.yaml", options.values ?? VALUES);
  const cli = (...args: string[]) => runCli(args, { cwd: dir.path });
  return {
    path: dir.path,
    write,
    cli,
    async json(...args) {
      const result = await cli("--json", "value", ...args);
      expect(result.stderr).toBe("");
      return JSON.parse(result.stdout) as ValueJson;
    },
    stored(db = join(".escalator", "values.db")) {
      const file = join(dir.path, db);
      if (!existsSync(file)) return [];
      const database = new BetterSqlite3(file, { readonly: true });
      try {
        return database
          .prepare("select release, verdict, baseline_release from value_evaluations order by id")
          .all() as { release: string; verdict: string; baseline_release: string | null }[];
      } finally {
        database.close();
      }
    },
    calls() {
      const log = join(dir.path, "calls.log");
      if (!existsSync(log)) return [];
      return readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as [string, string]);
    },
  };
}

describe("escalator value", () => {
  it("--help lists the options, verdicts, exit codes and examples", async () => {
    const result = await runCli(["value", "--help"]);
    expect(result.code).toBe(0);
    for (const option of [
      "--release <release>",
      "--baseline <release>",
      "--window <duration>",
      "--since <time>",
      "--until <time>",
      "--values <file>",
      "--format <format>",
      "--strict",
    ])
      expect(result.stdout).toContain(option);
    expect(result.stdout).toMatch(/Verdicts: delivered, not delivered, inconclusive/);
    expect(result.stdout).toMatch(/Exit codes: 0/);
    expect(result.stdout).toContain("Examples:");
    expect(result.stdout).toContain("escalator value --release v2 --window 1h");
  });

  it("a bound that holds is delivered: exit 0, pretty and JSON reports", async () => {
    const p = project({ "checkout.feature": CHECKOUT });
    const pretty = await p.cli("value", "--release", "good");
    expect(pretty.stderr).toBe("");
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toMatch(/^Release good: \d{4}-.*Z → \d{4}-.*Z$/m);
    expect(pretty.stdout).toContain("Checkout  features/checkout.feature");
    expect(pretty.stdout).toContain("✔ delivered  In order to keep checkout errors below 1%  (line 2)");
    expect(pretty.stdout).toContain(
      "Delivered: 3 checkout errors in 2,000 (0.15%), significantly below the bound of 1%",
    );
    expect(pretty.stdout).toMatch(/measured 3 \/ 2,000 exposure · threshold 0\.01 · exact binomial, p/);
    expect(pretty.stdout).toContain(
      "1 statement: 1 delivered, 0 not delivered, 0 inconclusive, 0 not executable",
    );

    const before = Date.now();
    const viaGlobal = await p.json("--release", "good", "--window", "10m");
    const viaFormat = await p.cli("value", "--release", "good", "--format", "json");
    expect(viaFormat.code).toBe(0);
    for (const doc of [viaGlobal, JSON.parse(viaFormat.stdout) as ValueJson]) {
      expect(doc.release).toBe("good");
      expect(doc.summary).toEqual({ delivered: 1, "not delivered": 0, inconclusive: 0, "not executable": 0 });
      expect(doc.exitCode).toBe(0);
      expect(doc.errors).toEqual([]);
      expect(doc.results).toHaveLength(1);
      expect(doc.results[0]).toMatchObject({
        featureUri: "features/checkout.feature",
        featureName: "Checkout",
        line: 2,
        statement: "keep checkout errors below 1%",
        verdict: "delivered",
        case: "bound holds",
        metric: "checkout errors",
        details: { measured: { value: 3, exposure: 2000 }, threshold: 0.01, test: "exact binomial" },
      });
      expect(doc.results[0]?.explanation).toMatch(/^Delivered: /);
      expect(doc.results[0]?.details?.pValue).toBeLessThan(0.05);
    }
    const until = Date.parse(viaGlobal.until);
    expect(until).toBeGreaterThanOrEqual(before - 1000);
    expect(until - Date.parse(viaGlobal.since)).toBe(10 * 60_000);
    expect(p.calls()).toEqual([
      ["checkout", "good"],
      ["checkout", "good"],
      ["checkout", "good"],
    ]);
  });

  it("a broken bound is not delivered: exit 1 and a JUnit failure written whole", async () => {
    const p = project({ "checkout.feature": CHECKOUT, "addition.feature": ADDITION });
    const result = await p.cli(
      "value",
      "--release",
      "bad",
      "features/checkout.feature",
      "--format",
      "pretty",
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✘ not delivered  In order to keep checkout errors below 1%");
    expect(result.stdout).toMatch(/Not delivered: 300 checkout errors in 2,000 \(15%\)/);

    const junit = await p.cli(
      "value",
      "--release",
      "bad",
      "features/checkout.feature",
      "--format",
      "junit:reports/v.xml",
    );
    expect(junit.code).toBe(1);
    // JUnit alone still prints the report for the person at the terminal.
    expect(junit.stdout).toContain("not delivered");
    expect(readdirSync(join(p.path, "reports"))).toEqual(["v.xml"]);
    const xml = readFileSync(join(p.path, "reports", "v.xml"), "utf8");
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml.trimEnd().endsWith("</testsuites>")).toBe(true);
    expect(xml).toMatch(/<testsuite name="value bad" tests="1" failures="1" skipped="0"/);
    const testcases = xml.match(/<testcase [^>]*>[\s\S]*?<\/testcase>/g) ?? [];
    expect(testcases).toHaveLength(1);
    expect(testcases[0]).toContain('name="In order to keep checkout errors below 1%"');
    expect(testcases[0]).toContain('file="features/checkout.feature:2"');
    expect(testcases[0]).toMatch(/<failure message="not delivered" type="bound broken">/);
    expect(testcases[0]).toContain("Not delivered: 300 checkout errors");
  });

  it("a JUnit file that cannot be written is a usage error and leaves no temporary file", async () => {
    const p = project({ "checkout.feature": CHECKOUT });
    mkdirSync(join(p.path, "reports"));
    const result = await p.cli("value", "--release", "good", "--format", "junit:reports");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^escalator: cannot write the JUnit report reports: /);
    expect(readdirSync(p.path).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a relative claim compares each release with the one evaluated before it", async () => {
    const p = project({ "addition.feature": ADDITION });

    const first = await p.cli("value", "--release", "v1");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("? inconclusive  In order to make fewer silly mistakes");
    expect(first.stdout).toContain("there is no baseline release to compare silly mistakes against");
    const strict = await p.cli("value", "--release", "v1", "--strict");
    expect(strict.code).toBe(1);
    const junit = await p.cli("value", "--release", "v1", "--format", "junit:v1.xml");
    expect(readFileSync(join(p.path, "v1.xml"), "utf8")).toMatch(/<skipped message="inconclusive: /);

    const second = await p.json("--release", "v2");
    expect(junit.code).toBe(0);
    expect(second.exitCode).toBe(0);
    expect(second.results[0]).toMatchObject({
      verdict: "delivered",
      metric: "silly mistakes",
      details: {
        measured: { value: 12, exposure: 10000 },
        baseline: { value: 31, exposure: 9800, release: "v1" },
      },
    });
    expect(second.results[0]?.explanation).toContain("for v1");

    const third = await p.cli("value", "--release", "v3");
    expect(third.code).toBe(1);
    expect(third.stdout).toContain("✘ not delivered  In order to make fewer silly mistakes");
    expect(third.stdout).toMatch(/against 12 in 10,000 \(0\.12%\) for v2/);
    expect(third.stdout).toContain("baseline v2 12 / 10,000");

    // An explicit baseline: v3 against v1 is still more mistakes.
    const explicit = await p.json("--release", "v3", "--baseline", "v1");
    expect(explicit.results[0]?.details?.baseline?.release).toBe("v1");
    expect(explicit.results[0]?.verdict).toBe("not delivered");
    expect(explicit.exitCode).toBe(1);

    // Re-judging v2 after v3 keeps comparing with v2's own predecessor, v1.
    const again = await p.json("--release", "v2");
    expect(again.results[0]?.details?.baseline?.release).toBe("v1");
    expect(again.results[0]?.verdict).toBe("delivered");

    expect(p.stored().map((r) => [r.release, r.verdict, r.baseline_release])).toEqual([
      ["v1", "inconclusive", null],
      ["v1", "inconclusive", null],
      ["v1", "inconclusive", null],
      ["v2", "delivered", "v1"],
      ["v3", "not delivered", "v2"],
      ["v3", "not delivered", "v1"],
      ["v2", "delivered", "v1"],
    ]);
  });

  it("an explicit baseline that was never stored is measured for the same window", async () => {
    const p = project({ "addition.feature": ADDITION });
    const result = await p.json("--release", "v2", "--baseline", "v1");
    expect(result.results[0]).toMatchObject({
      verdict: "delivered",
      details: { baseline: { value: 31, exposure: 9800, release: "v1" } },
    });
    expect(p.calls()).toEqual([
      ["mistakes", "v2"],
      ["mistakes", "v1"],
    ]);
    const missing = await p.json("--release", "v2", "--baseline", "v0");
    expect(missing.results[0]).toMatchObject({ verdict: "inconclusive", case: "source failed" });
    expect(missing.results[0]?.explanation).toContain("for baseline v0 could not be measured");
  });

  it("statements that cannot be executed say why; they fail only with --strict", async () => {
    const p = project({ "vague.feature": VAGUE });
    const result = await p.cli("value", "--release", "v1");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("! not executable  In order to avoid silly mistakes  (line 2)");
    expect(result.stdout).toContain(
      'Try: "In order to make 0 silly mistakes" or "In order to make fewer silly mistakes".',
    );
    expect(result.stdout).toContain("! not executable  In order to sell more widgets  (line 3)");
    expect(result.stdout).toContain(
      'no metric "widgets" is defined. Add it under metrics: in the values file (defined: silly mistakes, checkout errors).',
    );
    expect(result.stdout).toContain(
      "2 statements: 0 delivered, 0 not delivered, 0 inconclusive, 2 not executable",
    );
    expect(p.calls()).toEqual([]);

    const doc = await p.json("--release", "v1");
    expect(doc.results.map((r) => [r.verdict, r.case])).toEqual([
      ["not executable", "not understood"],
      ["not executable", "no metric definition"],
    ]);
    expect(doc.results[0]?.suggestions).toEqual(["make 0 silly mistakes", "make fewer silly mistakes"]);
    expect((await p.cli("value", "--release", "v1", "--strict")).code).toBe(1);
  });

  it("a metric source that fails is inconclusive and says why", async () => {
    const p = project({ "checkout.feature": CHECKOUT });
    const result = await p.cli("value", "--release", "unknown-release");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("? inconclusive  In order to keep checkout errors below 1%");
    expect(result.stdout).toContain("checkout errors could not be measured");
    // The source's last output stays indented under its verdict.
    expect(result.stdout).toContain(
      "; last output:\n    database unreachable: no checkout for unknown-release\n",
    );
    const doc = await p.json("--release", "unknown-release");
    expect(doc.results[0]).toMatchObject({ verdict: "inconclusive", case: "source failed" });
    expect(doc.results[0]?.explanation).toContain("exited with code 1");
    expect(doc.results[0]?.details).toBeUndefined();
    expect((await p.cli("value", "--release", "unknown-release", "--strict")).code).toBe(1);
  });

  describe("usage and config errors exit 2, say what is wrong and store nothing", () => {
    const cases: [string, string[], RegExp][] = [
      ["no --release", [], /required option '--release <release>' not specified/],
      [
        "a release with a space",
        ["--release", "v1 beta"],
        /--release must be 1 to 128 letters.*got "v1 beta"/,
      ],
      ["a hostile release", ["--release", "$(touch pwned)"], /--release must be .*got "\$\(touch pwned\)"/],
      ["a release with ;", ["--release", "v1;touch pwned"], /--release must be/],
      ["a release with a backquote", ["--release", "v1`touch pwned`"], /--release must be/],
      [
        "--baseline the same as --release",
        ["--release", "v2", "--baseline", "v2"],
        /--baseline must be another release than --release v2/,
      ],
      ["a hostile baseline", ["--release", "v2", "--baseline", "v1|sh"], /--baseline must be .*got "v1\|sh"/],
      [
        "--window and --since",
        ["--release", "v1", "--window", "10m", "--since", "1h"],
        /give --window or --since, not both/,
      ],
      [
        "a bad --window",
        ["--release", "v1", "--window", "soon"],
        /--window must be a duration such as 10m or 1h, got "soon"/,
      ],
      ["a bad --since", ["--release", "v1", "--since", "yesterday"], /--since must be an ISO 8601 time/],
      [
        "a bare number for --since",
        ["--release", "v1", "--since", "5"],
        /--since must be an ISO 8601 time .*got "5"/,
      ],
      ["an empty window", ["--release", "v1", "--since", "1h", "--until", "2h"], /the window is empty/],
      [
        "a bad --format",
        ["--release", "v1", "--format", "xml"],
        /--format must be pretty, json or junit:FILE, got "xml"/,
      ],
      [
        "junit: without a file",
        ["--release", "v1", "--format", "junit:"],
        /--format must be pretty, json or junit:FILE/,
      ],
      ["a missing --values file", ["--release", "v1", "--values", "nope.yaml"], /nope\.yaml: no such file/],
    ];
    for (const [what, args, message] of cases)
      it.concurrent(what, async ({ expect }) => {
        const p = project({ "checkout.feature": CHECKOUT });
        const result = await p.cli("value", ...args);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(result.stdout).toBe("");
        expect(existsSync(join(p.path, ".escalator"))).toBe(false);
        expect(existsSync(join(p.path, "pwned"))).toBe(false);
        expect(p.calls()).toEqual([]);
      });

    it("a values.yaml with a typo'd key names values.yaml:LINE:COL", async () => {
      const p = project(
        { "checkout.feature": CHECKOUT },
        { values: 'metrics:\n  checkout errors:\n    comand: [node, source.mjs, checkout, "{{release}}"]\n' },
      );
      const result = await p.cli("value", "--release", "good");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'values.yaml:3:5 metrics.checkout errors.comand: unknown key "comand" (did you mean "command"?)',
      );
      expect(result.stderr).toMatch(/problems?; nothing was run\./);
      expect(result.stdout).toBe("");
      expect(existsSync(join(p.path, ".escalator"))).toBe(false);
    });

    it("a values.yaml with two sources on one metric", async () => {
      const p = project(
        { "checkout.feature": CHECKOUT },
        {
          values:
            'metrics:\n  checkout errors:\n    command: [node, source.mjs, checkout, "{{release}}"]\n    http: { url: "http://127.0.0.1:9/x", json_path: "$.n" }\n',
        },
      );
      const result = await p.cli("value", "--release", "good");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "values.yaml:3:5 metrics.checkout errors: has http and command; a metric has exactly one source",
      );
      expect(existsSync(join(p.path, ".escalator"))).toBe(false);
      expect(p.calls()).toEqual([]);
    });

    it("no metric definitions at all", async () => {
      const p = project({ "checkout.feature": CHECKOUT }, { values: false });
      const result = await p.cli("value", "--release", "good");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "escalator: no metric definitions: pass --values FILE, add values: to escalator.yaml, or create ./values.yaml",
      );
      expect(existsSync(join(p.path, ".escalator"))).toBe(false);
    });

    it("a feature path that does not exist: nothing is measured or stored", async () => {
      const p = project({ "checkout.feature": CHECKOUT });
      const result = await p.cli("value", "--release", "good", "features", "missing.feature");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("No such feature file or folder: missing.feature");
      expect(result.stdout).not.toContain("delivered");
      expect(p.calls()).toEqual([]);
      expect(p.stored()).toEqual([]);
      const json = await p.cli("--json", "value", "--release", "good", "missing.feature");
      expect(json.code).toBe(2);
      const doc = JSON.parse(json.stdout) as ValueJson;
      expect(doc.exitCode).toBe(2);
      expect(doc.errors[0]?.message).toContain("missing.feature");
    });

    it("a feature file that does not parse: nothing is measured or stored", async () => {
      const p = project({
        "checkout.feature": CHECKOUT,
        "broken.feature":
          "Feature: broken\n  In order to make fewer silly mistakes\n  Scenario: x\n    Given ok\n    | a |\n    | b | c |\n",
      });
      const result = await p.cli("value", "--release", "v1", "--format", "junit:v.xml");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("features/broken.feature:6");
      expect(result.stderr).toContain("inconsistent cell count");
      expect(p.calls()).toEqual([]);
      expect(p.stored()).toEqual([]);
      expect(existsSync(join(p.path, "v.xml"))).toBe(false);
    });
  });

  it("values: in escalator.yaml is used, and verdicts go to that config's store", async () => {
    const p = project({ "addition.feature": ADDITION }, { values: false });
    p.write(
      "escalator.yaml",
      `environment: shop
store: sqlite:data/shop.db
levels:
  - name: rollback
    run: [node, -e, "0"]
values:
  metrics:
    silly mistakes:
      command: [node, source.mjs, mistakes, "{{release}}"]
`,
    );
    const first = await p.cli("-c", "escalator.yaml", "value", "--release", "v1");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("no baseline release");
    // ./escalator.yaml is found without -c too.
    const second = await p.json("--release", "v2");
    expect(second.results[0]?.verdict).toBe("delivered");
    expect(second.results[0]?.details?.baseline?.release).toBe("v1");
    expect(existsSync(join(p.path, ".escalator"))).toBe(false);
    expect(p.stored(join("data", "shop.db")).map((r) => r.release)).toEqual(["v1", "v2"]);

    // --values wins over values: in the config; the store stays the config's.
    p.write("other.yaml", VALUES.replace("silly mistakes:", "silly mistakes:\n    description: other"));
    const third = await p.cli("-c", "escalator.yaml", "value", "--release", "v3", "--values", "other.yaml");
    expect(third.code).toBe(1);
    expect(third.stdout).toContain("for v2");
    expect(p.stored(join("data", "shop.db")).map((r) => r.release)).toEqual(["v1", "v2", "v3"]);
  });

  it("a release string is one argument to the source, whatever it contains", async () => {
    const p = project({ "checkout.feature": CHECKOUT });
    const result = await p.cli("value", "--release", "v1.4.2+build.7");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Release v1.4.2+build.7:");
    expect(result.stdout).toContain("✔ delivered");
    expect(p.calls()).toEqual([["checkout", "v1.4.2+build.7"]]);
    expect(p.stored().map((r) => r.release)).toEqual(["v1.4.2+build.7"]);
  });
});
