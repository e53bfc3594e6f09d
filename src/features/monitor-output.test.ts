import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Envelope } from "@cucumber/messages";
import { describe, expect, it } from "vitest";
import { parseNagiosOutput } from "../checks/nagios-output.js";
import { monitorOutput } from "./monitor-output.js";
import { summarizeMessages } from "./summarize-messages.js";
import type { RunSummary } from "./types.js";

const kit = dirname(createRequire(import.meta.url).resolve("@cucumber/compatibility-kit/package.json"));
function sampleSummary(name: string): RunSummary {
  const text = readFileSync(join(kit, "features", name, `${name}.ndjson`), "utf8");
  return summarizeMessages(
    text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Envelope),
  );
}

// The format, with the perfdata grammar: label=value[UOM];warn;crit;min;max, numbers with a dot.
const FIRST_LINE =
  /^ESCALATOR (OK|WARNING|CRITICAL|UNKNOWN) - (\d+) passed, (\d+) failed, (\d+) undefined \| passed=\2;;;; failed=\3;;;; undefined=\4;;;; time=\d+(\.\d+)?s;;;;$/;

describe("monitorOutput", () => {
  const cases: [string, 0 | 1 | 2 | 3, string, [number, number, number]][] = [
    ["minimal", 0, "OK", [1, 0, 0]],
    ["rules", 0, "OK", [3, 0, 0]],
    ["undefined", 1, "WARNING", [0, 0, 4]],
    ["pending", 1, "WARNING", [0, 0, 3]],
    ["ambiguous", 2, "CRITICAL", [0, 1, 0]],
    ["all-statuses", 2, "CRITICAL", [1, 2, 2]],
    ["examples-tables", 2, "CRITICAL", [5, 2, 0]],
    ["global-hooks-beforeall-error", 2, "CRITICAL", [0, 0, 0]],
    ["test-run-exception", 3, "UNKNOWN", [0, 0, 0]],
  ];
  it.each(cases)("%s → exit %i (%s) in the Nagios plugin format", (name, exitCode, state, [p, f, u]) => {
    const output = monitorOutput(sampleSummary(name), 1.25);
    expect(output.exitCode).toBe(exitCode);
    const [first = ""] = output.text.split("\n");
    const match = FIRST_LINE.exec(first);
    expect(match, first).not.toBeNull();
    expect(match?.[1]).toBe(state);
    const parsed = parseNagiosOutput(output.text);
    expect(parsed.message).toBe(`ESCALATOR ${state} - ${p} passed, ${f} failed, ${u} undefined`);
    expect(parsed.perfdata).toEqual([
      { label: "passed", value: p, uom: "" },
      { label: "failed", value: f, uom: "" },
      { label: "undefined", value: u, uom: "" },
      { label: "time", value: 1.25, uom: "s" },
    ]);
  });

  it("lists each failing step with its file:line after the first line", () => {
    const output = monitorOutput(sampleSummary("all-statuses"), 0.5);
    const lines = output.text.trimEnd().split("\n").slice(1);
    expect(lines[0]).toBe(
      "FAILED samples/all-statuses/all-statuses.feature:13 Failing › And a failing step: whoops",
    );
    expect(
      lines.some((line) => line.startsWith("AMBIGUOUS samples/all-statuses/all-statuses.feature:33 ")),
    ).toBe(true);
    expect(
      lines.some((line) => line.startsWith("UNDEFINED samples/all-statuses/all-statuses.feature:28 ")),
    ).toBe(true);
    expect(
      lines.some((line) => line.startsWith("PENDING samples/all-statuses/all-statuses.feature:18 ")),
    ).toBe(true);
  });

  it("is UNKNOWN for parse errors, naming each with file:line, whatever else happened", () => {
    const summary = sampleSummary("all-statuses");
    summary.errors.push({
      uri: "features/broken.feature",
      line: 4,
      message: "(4:3): expected: #EOF, #TableRow",
    });
    const output = monitorOutput(summary, 0.1);
    expect(output.exitCode).toBe(3);
    expect(output.text).toMatch(/^ESCALATOR UNKNOWN - /);
    expect(output.text).toContain("ERROR features/broken.feature:4 (4:3): expected: #EOF, #TableRow");
  });

  it("is UNKNOWN when no scenario ran, so that a monitor checking nothing never says OK", () => {
    const output = monitorOutput(sampleSummary("empty"), 0);
    expect(output.exitCode).toBe(0);
    const nothing: RunSummary = {
      scenarios: { PASSED: 0, FAILED: 0, UNDEFINED: 0, PENDING: 0, AMBIGUOUS: 0, SKIPPED: 0 },
      steps: { PASSED: 0, FAILED: 0, UNDEFINED: 0, PENDING: 0, AMBIGUOUS: 0, SKIPPED: 0 },
      durationMs: 0,
      problems: [],
      errors: [],
    };
    const none = monitorOutput(nothing, 0);
    expect(none.exitCode).toBe(3);
    expect(none.text.split("\n")[0]).toMatch(FIRST_LINE);
  });

  it("keeps a '|' in a failure message out of the perfdata", () => {
    const summary = sampleSummary("minimal");
    summary.scenarios.PASSED = 0;
    summary.scenarios.FAILED = 1;
    summary.problems.push({
      status: "FAILED",
      uri: "f.feature",
      line: 3,
      scenario: "s",
      step: "Then x",
      message: "a|b=1",
    });
    const output = monitorOutput(summary, 2);
    expect(output.exitCode).toBe(2);
    const parsed = parseNagiosOutput(output.text);
    expect(parsed.perfdata.map((d) => d.label)).toEqual(["passed", "failed", "undefined", "time"]);
    expect(parsed.longOutput).toContain("f.feature:3");
  });
});
