import { describe, expect, it } from "vitest";
import { formatConfigProblem } from "../util/errors.js";
import { parseConfigText } from "./load-config.js";

/** Problems as printed: "escalator.yaml:LINE:COL message". */
function problemsOf(...lines: string[]): string[] {
  const result = parseConfigText(`${lines.join("\n")}\n`, "escalator.yaml");
  expect(result.config).toBeUndefined();
  return result.problems.map(formatConfigProblem);
}

const HEAD = [
  "environment: shop",
  "targets:",
  "  web: [web-1, web-2]",
  "  db: [db-1]",
  "levels:",
  "  - name: account",
  "    run: [./account.sh]",
  "  - name: node",
  "    for_each: web",
  '    run: [./replace.sh, "{{target}}"]',
]; // lines 1-10

describe("references between levels, checks and targets", () => {
  it("a check whose level does not exist, with a suggestion and the list of levels", () => {
    expect(problemsOf(...HEAD, "checks:", "  - name: up", '    tcp: "h:1"', "    level: acount")).toEqual([
      'escalator.yaml:14:12 checks[0].level: unknown level "acount" (did you mean "account"?); levels are: account, node',
    ]);
  });

  it("a for_each naming a target group that does not exist, in a check and in a level", () => {
    expect(
      problemsOf(
        ...HEAD,
        "  - { name: db, for_each: dbs, run: [./db.sh] }",
        "checks:",
        '  - { name: up, for_each: wb, tcp: "{{target}}:80", level: account }',
      ),
    ).toEqual([
      'escalator.yaml:11:27 levels[2].for_each: unknown target group "dbs" (did you mean "db"?); declared groups: web, db',
      'escalator.yaml:13:27 checks[0].for_each: unknown target group "wb" (did you mean "web"?); declared groups: web, db',
    ]);
  });

  it("a for_each when no target groups are declared", () => {
    expect(problemsOf("environment: shop", "levels:", "  - { name: a, for_each: web, run: [x] }")).toEqual([
      'escalator.yaml:3:26 levels[0].for_each: unknown target group "web"; no target groups are declared under targets:',
    ]);
  });

  it("duplicate level names, check names and targets", () => {
    expect(
      problemsOf(
        "environment: shop",
        "targets:",
        "  web: [web-1, web-2, web-1]",
        "levels:",
        "  - { name: fix, run: [a] }",
        "  - { name: fix, run: [b] }",
        "checks:",
        '  - { name: up, tcp: "h:1", level: fix }',
        '  - { name: up, tcp: "h:2", level: fix }',
      ),
    ).toEqual([
      'escalator.yaml:3:23 targets.web[2]: duplicate target "web-1" in group web',
      'escalator.yaml:6:13 levels[1].name: duplicate level name "fix"',
      'escalator.yaml:9:13 checks[1].name: duplicate check name "up"',
    ]);
  });

  it("a check without for_each mapped to a per-target level, saying why that cannot work", () => {
    expect(problemsOf(...HEAD, "checks:", "  - name: port", '    tcp: "h:1"', "    level: node")).toEqual([
      'escalator.yaml:12:5 checks[0].for_each: check "port" has no for_each but its level "node" runs per target of group web: a failure would not say which target to act on. Add for_each: web, or map the check to an environment-wide level',
    ]);
  });

  it("a check whose for_each group differs from its level's group", () => {
    expect(
      problemsOf(
        ...HEAD,
        "checks:",
        "  - name: pg",
        "    for_each: db",
        '    tcp: "{{target}}:5432"',
        "    level: node",
      ),
    ).toEqual([
      'escalator.yaml:13:15 checks[0].for_each: check "pg" runs per target of group db but its level "node" acts on group web: a failing db target names no web target. Use the same group, or map the check to an environment-wide level',
    ]);
  });

  it("{{target}} in a check or a level that has no for_each", () => {
    expect(
      problemsOf(
        ...HEAD,
        '  - { name: restart, run: [./restart.sh, "{{ target }}"] }',
        "checks:",
        "  - name: port",
        '    tcp: "{{target}}:80"',
        "    level: account",
      ),
    ).toEqual([
      'escalator.yaml:11:5 levels[2]: level "restart" uses {{target}} but has no for_each, so there is no target to substitute; add for_each: GROUP or remove the placeholder',
      'escalator.yaml:13:5 checks[0]: check "port" uses {{target}} but has no for_each, so there is no target to substitute; add for_each: GROUP',
    ]);
  });

  it("refuses {{target}} in a shell script, in a level and in its fallback", () => {
    const refusal =
      'placeholders are never substituted into shell scripts (a target name must not reach a shell); use "$ESCALATOR_TARGET" instead of {{target}}';
    expect(
      problemsOf(
        ...HEAD,
        "  - name: drain",
        "    for_each: web",
        '    shell: "drain {{target}}"',
        '    fallback: { shell: "undrain {{target}}" }',
      ),
    ).toEqual([
      `escalator.yaml:13:12 levels[2].shell: ${refusal}`,
      `escalator.yaml:14:24 levels[2].fallback.shell: ${refusal}`,
    ]);
  });

  it("a level with both run and shell, or neither, and the same for a fallback", () => {
    expect(
      problemsOf(
        "environment: shop",
        "levels:",
        '  - { name: both, run: [./a.sh], shell: "./a.sh" }',
        "  - { name: neither, description: does nothing }",
        "  - { name: fb, run: [x], fallback: { cwd: / } }",
      ),
    ).toEqual([
      "escalator.yaml:3:5 levels[0]: has run and shell; keep exactly one of run, shell or webhook",
      'escalator.yaml:4:5 levels[1]: needs one of run: [argv...], shell: "script" or webhook: {url}',
      'escalator.yaml:5:37 levels[2].fallback: needs one of run: [argv...], shell: "script" or webhook: {url}',
    ]);
  });

  it("a check with two probes, or none", () => {
    expect(
      problemsOf(
        ...HEAD,
        "checks:",
        '  - { name: two, tcp: "h:1", ping: h, level: account }',
        "  - { name: none, level: account }",
      ),
    ).toEqual([
      "escalator.yaml:12:5 checks[0]: has tcp and ping; a check has exactly one probe (split it into several checks)",
      "escalator.yaml:13:5 checks[1]: needs one probe: http, tcp, ping, command, prometheus, scenario or value",
    ]);
  });
});

describe("value checks", () => {
  it("need metric definitions and judge the whole environment, not one target", () => {
    expect(
      problemsOf(
        ...HEAD,
        "checks:",
        "  - name: business-value",
        "    level: account",
        "    for_each: web",
        "    value: { paths: [features], release: { file: RELEASE } }",
      ),
    ).toEqual([
      "escalator.yaml:14:15 checks[0].for_each: a value check judges the release of the whole environment; remove for_each",
      "escalator.yaml:15:12 checks[0].value: a value check needs metric definitions: set value.values to a values.yaml file, or add a values: section to this file",
    ]);
  });
});

describe("several problems in one file", () => {
  it("reports them all, sorted by line, even when the schema also fails", () => {
    expect(
      problemsOf(
        "environment: shop",
        "levels:",
        "  - name: fix",
        "    run: [./fix.sh]",
        "    quiesence: 5m",
        "  - name: fix",
        '    shell: "x"',
        "checks:",
        "  - name: up",
        '    tcp: "h:1"',
        "    level: fxi",
        "    every: often",
        "enviroment: x",
      ),
    ).toEqual([
      'escalator.yaml:5:5 levels[0].quiesence: unknown key "quiesence" (did you mean "quiescence"?)',
      'escalator.yaml:6:11 levels[1].name: duplicate level name "fix"',
      'escalator.yaml:11:12 checks[0].level: unknown level "fxi" (did you mean "fix"?); levels are: fix',
      `escalator.yaml:12:12 checks[0].every: "often" is not a duration; use a number with a unit ms, s, m, h or d, e.g. 500ms, 30s, 5m, 1h30m`,
      'escalator.yaml:13:1 enviroment: unknown key "enviroment" (did you mean "environment"?)',
    ]);
  });

  it("reports a schema problem and a reference problem on the same level", () => {
    // An empty run is too short for zod and, for the reference pass, still a runner besides shell.
    expect(problemsOf("environment: shop", "levels:", "  - { name: a, run: [], shell: x }")).toEqual([
      "escalator.yaml:3:5 levels[0]: has run and shell; keep exactly one of run, shell or webhook",
      "escalator.yaml:3:21 levels[0].run: an argv array needs at least the program to run",
    ]);
  });

  it("skips references it cannot judge when the shape is wrong", () => {
    // levels is not a list: every level reference would be noise.
    expect(
      problemsOf("environment: shop", "levels: fix", "checks:", '  - { name: up, tcp: "h:1", level: fix }'),
    ).toEqual(['escalator.yaml:2:9 levels: expected a list, got "fix"']);
    // A level without a name may be the one the check meant.
    expect(
      problemsOf(
        "environment: shop",
        "levels:",
        "  - nme: fix",
        "    run: [x]",
        "checks:",
        '  - { name: up, tcp: "h:1", level: fix }',
      ),
    ).toEqual(['escalator.yaml:3:5 levels[0].nme: unknown key "nme" (did you mean "name"?)']);
    // targets is not a mapping: group references cannot be judged.
    expect(
      problemsOf(
        "environment: shop",
        "targets: [web-1]",
        "levels:",
        "  - { name: a, for_each: web, run: [x] }",
      ),
    ).toEqual(["escalator.yaml:2:10 targets: expected a mapping, got a list"]);
  });
});
