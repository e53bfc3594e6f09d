import { MessageSummary } from "../summarize-messages.js";
import type { Formatter, ScenarioStatus } from "../types.js";
import { type TestCaseOutcome, TestCaseResults } from "./test-case-results.js";
import type { FormatterOptions } from "./types.js";
import { xmlAttribute, xmlCdata } from "./xml-text.js";

const SKIPPED_REASON: Partial<Record<ScenarioStatus, string>> = {
  SKIPPED: "skipped",
  PENDING: "pending",
  UNDEFINED: "undefined step",
};

/**
 * JUnit XML as CI servers read it: one testsuite, one testcase per scenario (per example row for
 * outlines) with the feature as classname. FAILED and AMBIGUOUS are failures; SKIPPED, PENDING and
 * UNDEFINED are skipped, with the reason in the message. Only the last attempt of a retried case counts.
 */
export function createJunitFormatter(options: FormatterOptions): Formatter {
  const results = new TestCaseResults();
  const summary = new MessageSummary();
  const cases: TestCaseOutcome[] = [];
  return {
    onMessage(envelope) {
      results.add(envelope);
      summary.add(envelope);
      const finished = envelope.testCaseFinished;
      if (finished && !finished.willBeRetried)
        cases.push(results.testCaseOutcome(finished.testCaseStartedId, finished));
    },
    async finish() {
      options.write(junitXml(cases, summary.get().durationMs));
    },
  };
}

function junitXml(cases: readonly TestCaseOutcome[], durationMs: number): string {
  const failures = cases.filter((c) => c.status === "FAILED" || c.status === "AMBIGUOUS").length;
  const skipped = cases.filter((c) => SKIPPED_REASON[c.status] !== undefined).length;
  const names = uniqueNames(cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="Escalator" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${seconds(durationMs)}">`,
  ];
  cases.forEach((outcome, i) => {
    const open = `  <testcase classname="${xmlAttribute(outcome.featureName)}" name="${xmlAttribute(names[i] ?? "")}" time="${seconds(outcome.durationMs)}"`;
    const worst = outcome.steps.find((step) => step.status === outcome.status);
    const message = worst?.message ?? "";
    const firstLine = message.split("\n")[0] ?? "";
    const body: string[] = [];
    if (outcome.status === "FAILED" || outcome.status === "AMBIGUOUS") {
      const type = outcome.status === "AMBIGUOUS" ? "AmbiguousStep" : "Failure";
      body.push(
        `    <failure type="${type}" message="${xmlAttribute(firstLine)}">${xmlCdata(message)}</failure>`,
      );
    } else {
      const reason = SKIPPED_REASON[outcome.status];
      if (reason !== undefined) {
        const text = outcome.status === "SKIPPED" ? reason : `${reason}${firstLine ? `: ${firstLine}` : ""}`;
        body.push(`    <skipped message="${xmlAttribute(text)}"/>`);
      }
    }
    body.push(`    <system-out>${xmlCdata(stepsText(outcome))}</system-out>`);
    lines.push(`${open}>`, ...body, "  </testcase>");
  });
  lines.push("</testsuite>", "");
  return lines.join("\n");
}

function stepsText(outcome: TestCaseOutcome): string {
  return outcome.steps
    .filter((step) => step.kind === "step" || step.status !== "PASSED")
    .map((step) => {
      const label =
        step.kind === "step" ? `${step.keyword}${step.text}` : `${step.keyword} hook ${step.text}`.trim();
      return `${label}${".".repeat(Math.max(3, 76 - label.length))}${step.status.toLowerCase()}`;
    })
    .join("\n");
}

/** Rule-qualified scenario names, with the line added where two would be the same (outline rows). */
function uniqueNames(cases: readonly TestCaseOutcome[]): string[] {
  const base = cases.map((c) => (c.ruleName ? `${c.ruleName} - ${c.scenarioName}` : c.scenarioName));
  const seen = new Map<string, number>();
  for (const [i, name] of base.entries()) {
    const key = `${cases[i]?.featureName}\u0000${name}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return base.map((name, i) => {
    const outcome = cases[i];
    const key = `${outcome?.featureName}\u0000${name}`;
    return (seen.get(key) ?? 0) > 1 ? `${name} (line ${outcome?.line})` : name;
  });
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
