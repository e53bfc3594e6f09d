import type { RunSummary } from "./types.js";

export type MonitorExitCode = 0 | 1 | 2 | 3;

const STATES = ["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const;

/**
 * A run as Nagios plugin output. The first line is
 * `ESCALATOR <STATE> - <p> passed, <f> failed, <u> undefined | passed=<p>;;;; failed=<f>;;;; undefined=<u>;;;; time=<seconds>s;;;;`
 * counting scenarios: failed includes ambiguous, undefined includes pending. Each further line is one
 * failing (then undefined or pending) step with its file:line, or an error.
 *
 * Exit codes: 3 UNKNOWN for parse or load errors; 2 CRITICAL for any failure (a failing BeforeAll
 * hook included); 3 UNKNOWN when no scenario ran at all, since a monitor that checks nothing must not
 * say OK; 1 WARNING for undefined or pending steps; 0 OK.
 */
export function monitorOutput(
  summary: RunSummary,
  durationSeconds: number,
): { exitCode: MonitorExitCode; text: string } {
  const s = summary.scenarios;
  const passed = s.PASSED;
  const failed = s.FAILED + s.AMBIGUOUS;
  const undefinedCount = s.UNDEFINED + s.PENDING;
  const total = passed + failed + undefinedCount + s.SKIPPED;
  const failing = summary.problems.filter((p) => p.status === "FAILED" || p.status === "AMBIGUOUS");
  const warning = summary.problems.filter((p) => p.status === "UNDEFINED" || p.status === "PENDING");
  const nothingRan = total === 0 && failing.length === 0;
  const exitCode: MonitorExitCode =
    summary.errors.length > 0
      ? 3
      : failed > 0 || failing.length > 0
        ? 2
        : nothingRan
          ? 3
          : undefinedCount > 0 || warning.length > 0
            ? 1
            : 0;
  const seconds = Number.isFinite(durationSeconds) && durationSeconds > 0 ? durationSeconds : 0;
  const first =
    `ESCALATOR ${STATES[exitCode]} - ${passed} passed, ${failed} failed, ${undefinedCount} undefined` +
    ` | passed=${passed};;;; failed=${failed};;;; undefined=${undefinedCount};;;; time=${seconds.toFixed(3)}s;;;;`;
  const lines = [first];
  for (const error of summary.errors) {
    lines.push(
      `ERROR ${error.uri || "(run)"}${error.line !== undefined ? `:${error.line}` : ""} ${firstLine(error.message)}`,
    );
  }
  if (nothingRan && summary.errors.length === 0)
    lines.push("No scenario ran: check the paths and the tag expression.");
  for (const p of [...failing, ...warning]) {
    const where = `${p.uri}:${p.line}`;
    const what = p.scenario ? `${p.scenario} › ${p.step}` : p.step;
    lines.push(`${p.status} ${where} ${what}${p.message ? `: ${firstLine(p.message)}` : ""}`);
  }
  // A "|" in a later line would start perfdata; plugin readers would misparse the rest.
  return {
    exitCode,
    text: `${lines.map((line, i) => (i === 0 ? line : line.replaceAll("|", "¦"))).join("\n")}\n`,
  };
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim() !== "") ?? "").trim();
}
