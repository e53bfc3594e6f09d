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
const DURATION_HELP = "use a number with a unit ms, s, m, h or d, e.g. 500ms, 30s, 5m, 1h30m";

describe("durations", () => {
  it.each([
    ["5 minutes", '"5 minutes"'],
    ['"30"', '"30"'],
    ['""', '""'],
  ])("refuses %s and says what is valid", (written, shown) => {
    expect(problemsOf(`quiescence: ${written}`, "environment: shop", ...LEVEL)).toEqual([
      `escalator.yaml:1:13 quiescence: ${shown} is not a duration; ${DURATION_HELP}`,
    ]);
  });

  it("refuses a bare number, asking for a unit", () => {
    expect(problemsOf("environment: shop", ...LEVEL, "    timeout: 30")).toEqual([
      'escalator.yaml:5:14 levels[0].timeout: expected a duration string with a unit, e.g. "30s", "5m", "500ms" (got 30)',
    ]);
  });

  it("refuses a bad duration where a default would apply", () => {
    expect(
      problemsOf(
        "environment: shop",
        ...LEVEL,
        "checks:",
        "  - { name: up, level: fix, tcp: h:1, every: 1 min }",
      ),
    ).toEqual([`escalator.yaml:6:46 checks[0].every: "1 min" is not a duration; ${DURATION_HELP}`]);
  });
});

describe("duration ranges", () => {
  const TOO_LONG = "is longer than the longest timer Node.js supports (24d20h31m); use 24d or less";
  it("refuses intervals that would spin, zero timeouts and durations no timer can wait", () => {
    expect(
      problemsOf(
        "environment: shop",
        "quiescence: 25d",
        ...LEVEL,
        "    timeout: 0.4ms",
        "targets:",
        "  web: { command: [./list.sh], every: 500ms }",
        "checks:",
        "  - { name: up, level: fix, tcp: h:1, every: 50ms, timeout: 0s }",
        '  - { name: web, level: fix, http: { url: "https://x.example", timeout: 30d } }',
        "notify:",
        "  - { command: [./page.sh], timeout: 0ms }",
      ),
    ).toEqual([
      `escalator.yaml:2:13 quiescence: "25d" ${TOO_LONG}`,
      'escalator.yaml:6:14 levels[0].timeout: "0.4ms" is a zero timeout, which would mean no timeout at all; use at least 1ms',
      'escalator.yaml:8:39 targets.web.every: "500ms" is shorter than the shortest interval for re-reading targets (1s); use 1s or more',
      'escalator.yaml:10:46 checks[0].every: "50ms" is shorter than the shortest check interval (100ms); use 100ms or more',
      'escalator.yaml:10:61 checks[0].timeout: "0s" is a zero timeout, which would mean no timeout at all; use at least 1ms',
      `escalator.yaml:11:73 checks[1].http.timeout: "30d" ${TOO_LONG}`,
      'escalator.yaml:13:38 notify[0].timeout: "0ms" is a zero timeout, which would mean no timeout at all; use at least 1ms',
    ]);
  });

  it("accepts the limits themselves", () => {
    const text = [
      "environment: shop",
      "quiescence: 24d20h31m23s647ms",
      ...LEVEL,
      "    timeout: 1ms",
      "targets:",
      "  web: { command: [./list.sh], every: 1s }",
      "checks:",
      "  - { name: up, level: fix, tcp: h:1, every: 100ms, timeout: 1ms }",
    ].join("\n");
    const { config, problems } = parseConfigText(text, "escalator.yaml");
    expect(problems).toEqual([]);
    expect(config?.quiescence).toBe(2_147_483_647);
    expect(config?.checks[0]?.every).toBe(100);
    expect(config?.levels[0]?.timeout).toBe(1);
    expect(config?.targets.web).toEqual({ command: ["./list.sh"], every: 1000, timeout: 30_000 });
  });
});

describe("history retention", () => {
  it("may be longer than a timer, but not shorter than an hour", () => {
    expect(
      parseConfigText(`environment: shop\nretention: 400d\n${LEVEL.join("\n")}\n`, "escalator.yaml").problems,
    ).toEqual([]);
    expect(problemsOf("environment: shop", "retention: 10m", ...LEVEL)).toEqual([
      'escalator.yaml:2:12 retention: "10m" is shorter than the shortest history retention (1h); use 1h or more',
    ]);
  });
});

describe("maintenance windows", () => {
  it("refuse a cron expression that does not parse, saying what is valid", () => {
    expect(
      problemsOf("environment: shop", ...LEVEL, "maintenance:", '  - cron: "61 2 * * *"', "    duration: 1h"),
    ).toEqual([
      'escalator.yaml:6:11 maintenance[0].cron: Invalid value for minute: 61; use five fields "minute hour day-of-month month day-of-week", e.g. "0 2 * * SUN"',
    ]);
  });
});
