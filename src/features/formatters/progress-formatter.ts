import { MessageSummary } from "../summarize-messages.js";
import type { Formatter, ScenarioStatus } from "../types.js";
import { problemsText } from "./problem-text.js";
import { paint, summaryText } from "./summary-text.js";
import { TestCaseResults } from "./test-case-results.js";
import type { FormatterOptions } from "./types.js";

const MARKS: Record<ScenarioStatus, string> = {
  PASSED: ".",
  FAILED: "F",
  UNDEFINED: "U",
  PENDING: "P",
  AMBIGUOUS: "A",
  SKIPPED: "-",
};

/** One character per step as it finishes (. F U P A -), then the problems and the counts. */
export function createProgressFormatter(options: FormatterOptions): Formatter {
  const results = new TestCaseResults();
  const summary = new MessageSummary();
  return {
    onMessage(envelope) {
      results.add(envelope);
      summary.add(envelope);
      if (envelope.testStepFinished) {
        const step = results.stepOutcome(envelope.testStepFinished);
        // Hooks only show when they go wrong.
        if (step.kind === "hook" && (step.status === "PASSED" || step.status === "SKIPPED")) return;
        options.write(paint(step.status, MARKS[step.status], options.color));
      }
    },
    async finish() {
      const result = summary.get();
      options.write(`\n\n${problemsText(result, options.color)}${summaryText(result, options.color)}`);
    },
  };
}
