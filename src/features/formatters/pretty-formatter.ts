import { MessageSummary } from "../summarize-messages.js";
import type { Formatter, ScenarioStatus } from "../types.js";
import { indent, paint, summaryText } from "./summary-text.js";
import { type TestCaseOutcome, TestCaseResults } from "./test-case-results.js";
import type { FormatterOptions } from "./types.js";

const MARKS: Record<ScenarioStatus, string> = {
  PASSED: "✔",
  FAILED: "✖",
  AMBIGUOUS: "✖",
  UNDEFINED: "?",
  PENDING: "?",
  SKIPPED: "-",
};

/**
 * Features, scenarios and steps with a status mark each, and why a step did not pass under it;
 * then the counts. A scenario is printed whole when it finishes, so parallel runs do not interleave.
 */
export function createPrettyFormatter(options: FormatterOptions): Formatter {
  const results = new TestCaseResults();
  const summary = new MessageSummary();
  const color = options.color;
  let lastUri: string | undefined;
  let lastRule: string | undefined;
  return {
    onMessage(envelope) {
      results.add(envelope);
      summary.add(envelope);
      const finished = envelope.testCaseFinished;
      if (!finished) return;
      const outcome = results.testCaseOutcome(finished.testCaseStartedId, finished);
      const lines: string[] = [];
      if (outcome.uri !== lastUri) {
        lines.push(`Feature: ${outcome.featureName}`, "");
        lastUri = outcome.uri;
        lastRule = undefined;
      }
      if (outcome.ruleName !== undefined && outcome.ruleName !== lastRule)
        lines.push(`  Rule: ${outcome.ruleName}`, "");
      lastRule = outcome.ruleName;
      const depth = outcome.ruleName !== undefined ? "  " : "";
      lines.push(...scenarioLines(outcome, color).map((line) => (line ? `${depth}${line}` : line)));
      options.write(`${lines.join("\n")}\n`);
    },
    async finish() {
      const result = summary.get();
      const errors = result.errors.map((e) =>
        paint("FAILED", `Error: ${e.uri}${e.line !== undefined ? `:${e.line}` : ""} ${e.message}`, color),
      );
      options.write(`${errors.map((e) => `${e}\n`).join("")}${summaryText(result, color)}`);
    },
  };
}

function scenarioLines(outcome: TestCaseOutcome, color: boolean | undefined): string[] {
  const retry = outcome.willBeRetried ? ` (attempt ${outcome.attempt + 1}, retried)` : "";
  const lines = [`  Scenario: ${outcome.scenarioName}${retry} # ${outcome.uri}:${outcome.line}`];
  for (const step of outcome.steps) {
    // Hooks only show when they go wrong.
    if (step.kind === "hook" && (step.status === "PASSED" || step.status === "SKIPPED")) continue;
    const label =
      step.kind === "step" ? `${step.keyword}${step.text}` : `${step.keyword} hook ${step.text}`.trimEnd();
    lines.push(
      `    ${paint(step.status, `${MARKS[step.status]} ${label}`, color)} # ${step.uri}:${step.line}`,
    );
    if (step.message) lines.push(paint(step.status, indent(step.message, "        "), color));
  }
  lines.push("");
  return lines;
}
