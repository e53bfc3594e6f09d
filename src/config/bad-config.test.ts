import { describe, expect, it } from "vitest";
import { formatConfigProblem } from "../util/errors.js";
import { parseConfigText } from "./load-config.js";

/** Problems as printed: "escalator.yaml:LINE:COL message". */
function problemsOf(...lines: string[]): string[] {
  const result = parseConfigText(`${lines.join("\n")}\n`, "escalator.yaml");
  expect(result.config).toBeUndefined();
  return result.problems.map(formatConfigProblem);
}

const LEVEL = ["levels:", "  - name: fix", "    run: [./fix.sh]"];

describe("unknown keys", () => {
  it("at the top level, with did-you-mean", () => {
    expect(problemsOf("enviroment: shop", ...LEVEL)).toEqual([
      'escalator.yaml:1:1 enviroment: unknown key "enviroment" (did you mean "environment"?)',
    ]);
  });

  it("inside a level", () => {
    expect(problemsOf("environment: shop", ...LEVEL, "    quiesence: 5m")).toEqual([
      'escalator.yaml:5:5 levels[0].quiesence: unknown key "quiesence" (did you mean "quiescence"?)',
    ]);
  });

  it("inside a check, without also reporting the key it was meant to be as missing", () => {
    expect(
      problemsOf(
        "environment: shop",
        ...LEVEL,
        "checks:",
        "  - name: up",
        "    levle: fix",
        '    tcp: "h:1"',
      ),
    ).toEqual(['escalator.yaml:7:5 checks[0].levle: unknown key "levle" (did you mean "level"?)']);
  });

  it("inside an http probe", () => {
    expect(
      problemsOf(
        "environment: shop",
        ...LEVEL,
        "checks:",
        "  - name: up",
        "    level: fix",
        '    http: { url: "https://x.example", stauts: 200 }',
      ),
    ).toEqual(['escalator.yaml:8:39 checks[0].http.stauts: unknown key "stauts" (did you mean "status"?)']);
  });

  it("without a suggestion when nothing is close", () => {
    expect(problemsOf("environment: shop", "colour: blue", ...LEVEL)).toEqual([
      'escalator.yaml:2:1 colour: unknown key "colour"',
    ]);
  });
});

describe("missing required keys", () => {
  it("environment", () => {
    expect(problemsOf(...LEVEL)).toEqual([
      'escalator.yaml:1:1 environment: missing required key "environment"',
    ]);
  });

  it("levels", () => {
    expect(problemsOf("environment: shop")).toEqual([
      'escalator.yaml:1:1 levels: missing required key "levels"',
    ]);
  });

  it("a level's name, pointing at the level", () => {
    expect(problemsOf("environment: shop", "levels:", "  - run: [./fix.sh]")).toEqual([
      'escalator.yaml:3:5 levels[0].name: missing required key "name"',
    ]);
  });

  it("an empty levels list", () => {
    expect(problemsOf("environment: shop", "levels: []")).toEqual([
      "escalator.yaml:2:9 levels: declare at least one level",
    ]);
  });
});

describe("wrong types and values", () => {
  it('levels: "x"', () => {
    expect(problemsOf("environment: shop", 'levels: "x"')).toEqual([
      'escalator.yaml:2:9 levels: expected a list, got "x"',
    ]);
  });

  it('retries: "two"', () => {
    expect(problemsOf("environment: shop", ...LEVEL, "    retries: two")).toEqual([
      'escalator.yaml:5:14 levels[0].retries: expected a number, got "two"',
    ]);
  });

  it("an empty value", () => {
    expect(problemsOf("environment:", ...LEVEL)).toEqual([
      "escalator.yaml:1:13 environment: expected text, got an empty value",
    ]);
  });

  it("numbers out of range, in words", () => {
    expect(
      problemsOf(
        "environment: shop",
        ...LEVEL,
        "    retries: -1",
        "checks:",
        "  - { name: up, level: fix, tcp: { host: h, port: 70000 }, failures: 1.5 }",
      ),
    ).toEqual([
      "escalator.yaml:5:14 levels[0].retries: must be at least 0 (got -1)",
      "escalator.yaml:7:51 checks[0].tcp.port: must be at most 65535 (got 70000)",
      "escalator.yaml:7:70 checks[0].failures: expected a whole number, got 1.5",
    ]);
  });

  it("a value outside a fixed set, with did-you-mean", () => {
    expect(
      problemsOf(
        "environment: shop",
        ...LEVEL,
        "checks:",
        "  - { name: up, level: fix, tcp: h:1, escalate_on: [critical] }",
      ),
    ).toEqual([
      'escalator.yaml:6:53 checks[0].escalate_on[0]: "critical" is not allowed (did you mean "CRITICAL"?); use one of WARNING, UNKNOWN, CRITICAL',
    ]);
  });

  it("a run that is not an argv array, and an empty one", () => {
    expect(
      problemsOf(
        "environment: shop",
        "levels:",
        "  - { name: a, run: ./fix.sh }",
        "  - { name: b, run: [] }",
      ),
    ).toEqual([
      'escalator.yaml:3:21 levels[0].run: expected an argv array such as ["./ops/deploy.sh", "--fast"] (got "./fix.sh")',
      "escalator.yaml:4:21 levels[1].run: an argv array needs at least the program to run",
    ]);
  });

  it("a bad name", () => {
    expect(problemsOf("environment: my shop", ...LEVEL, "targets:", '  "web servers": [w1]')).toEqual([
      "escalator.yaml:1:14 environment: \"my shop\": names use letters, digits, '.', '_' and '-', starting with a letter or digit",
      "escalator.yaml:6:3 targets: \"web servers\" is not a valid name; names use letters, digits, '.', '_' and '-', starting with a letter or digit",
    ]);
  });

  it("a webhook URL that is not a URL", () => {
    expect(
      problemsOf("environment: shop", ...LEVEL, "notify:", "  - webhook: { url: hooks.example }"),
    ).toEqual([
      'escalator.yaml:6:21 notify[0].webhook.url: "hooks.example" is not a URL; write it in full, e.g. "https://hooks.example/escalator"',
    ]);
  });

  it("union values say which forms are allowed", () => {
    expect(
      problemsOf(
        "environment: shop",
        ...LEVEL,
        "targets:",
        "  web: 5",
        "checks:",
        '  - { name: up, level: fix, http: { url: "https://x.example", status: "200" } }',
        "notify:",
        "  - email: me@example.com",
        "  - { command: [./page.sh], webhook: { url: https://hooks.example } }",
        "  - { command: ./page.sh }",
      ),
    ).toEqual([
      "escalator.yaml:6:8 targets.web: expected a list of target names, or {command: [argv...], every: 1m} (got 5)",
      'escalator.yaml:8:71 checks[0].http.status: expected an HTTP status code such as 200, or a list of them such as [200, 204] (got "200")',
      "escalator.yaml:10:5 notify[0]: expected {command: [argv...]} or {webhook: {url: ...}}, found keys email",
      'escalator.yaml:10:5 notify[0].email: unknown key "email"',
      "escalator.yaml:11:5 notify[1]: expected {command: [argv...]} or {webhook: {url: ...}}, found keys command, webhook",
      'escalator.yaml:12:16 notify[2].command: expected an argv array such as ["./ops/deploy.sh", "--fast"] (got "./page.sh")',
    ]);
  });

  it("a top level that is not a mapping", () => {
    expect(problemsOf("- environment: shop")).toEqual([
      "escalator.yaml:1:1 (top level): expected a mapping, got a list",
    ]);
  });
});

describe("malformed YAML", () => {
  it("a key indented deeper than its siblings", () => {
    expect(problemsOf("environment: shop", "levels:", "  - name: fix", "     run: [./fix.sh]")).toEqual([
      'escalator.yaml:4:6 YAML: bad indentation: "run" is indented deeper than the key above it; keys of one mapping must start in the same column',
    ]);
  });

  it("a key indented less than its siblings", () => {
    expect(problemsOf("environment: shop", "levels:", "  - name: fix", "   run: [./fix.sh]")).toEqual([
      'escalator.yaml:4:4 YAML: bad indentation: "run" lines up with neither the key above it nor a "- " list item; keys of one mapping must start in the same column',
    ]);
  });

  it("an unclosed bracket", () => {
    expect(problemsOf("environment: shop", "levels: [ { name: fix, run: [./fix.sh] }", "checks: []")).toEqual(
      ['escalator.yaml:3:1 YAML: missing "]": a "[" opened earlier is still open here'],
    );
  });

  it("a tab used for indentation", () => {
    expect(problemsOf("environment: shop", "levels:", "\t- name: fix")).toEqual([
      "escalator.yaml:3:1 YAML: a tab is used for indentation; indent with spaces",
    ]);
  });

  it("duplicate keys, in block and flow mappings", () => {
    expect(problemsOf("environment: shop", "environment: shop2", ...LEVEL)).toEqual([
      'escalator.yaml:2:1 YAML: duplicate key "environment"; a key may appear only once in a mapping',
    ]);
    expect(problemsOf("environment: shop", "levels:", "  - { name: a, run: [x], name: b }")).toEqual([
      'escalator.yaml:3:26 YAML: duplicate key "name"; a key may appear only once in a mapping',
    ]);
  });

  it("a second document", () => {
    expect(problemsOf("environment: shop", ...LEVEL, "---", "environment: other")).toEqual([
      'escalator.yaml:5:1 YAML: a "---" line starts a second document; an escalator.yaml holds exactly one',
    ]);
  });
});
