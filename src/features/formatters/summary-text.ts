import type { RunSummary, ScenarioStatus } from "../types.js";

const ANSI: Record<ScenarioStatus, number> = {
  PASSED: 32,
  FAILED: 31,
  AMBIGUOUS: 31,
  UNDEFINED: 33,
  PENDING: 33,
  SKIPPED: 36,
};

/** Passed first, then worst to least bad. */
const REPORT_ORDER: readonly ScenarioStatus[] = [
  "PASSED",
  "FAILED",
  "AMBIGUOUS",
  "UNDEFINED",
  "PENDING",
  "SKIPPED",
];

/** Text in the colour of a status, when colour is on. */
export function paint(status: ScenarioStatus, text: string, color: boolean | undefined): string {
  return color ? `\u001b[${ANSI[status]}m${text}\u001b[39m` : text;
}

/** "3 scenarios (2 passed, 1 failed)" */
export function countsLine(noun: string, counts: Record<ScenarioStatus, number>, color?: boolean): string {
  const total = REPORT_ORDER.reduce((sum, status) => sum + counts[status], 0);
  const head = `${total} ${noun}${total === 1 ? "" : "s"}`;
  const parts = REPORT_ORDER.filter((status) => counts[status] > 0).map((status) =>
    paint(status, `${counts[status]} ${status.toLowerCase()}`, color),
  );
  return parts.length > 0 ? `${head} (${parts.join(", ")})` : head;
}

/** Cucumber's closing lines: scenarios, steps, and how long the run took ("0m01.250s"). */
export function summaryText(summary: RunSummary, color?: boolean): string {
  const totalSeconds = summary.durationMs / 1000;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = (totalSeconds - minutes * 60).toFixed(3).padStart(6, "0");
  return [
    countsLine("scenario", summary.scenarios, color),
    countsLine("step", summary.steps, color),
    `${minutes}m${seconds}s`,
    "",
  ].join("\n");
}

/** Indents every line of a block of text. */
export function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `${by}${line}`))
    .join("\n");
}
