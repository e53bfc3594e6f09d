import { type Envelope, TimeConversion } from "@cucumber/messages";
import { scenarioStatusOf, TestCaseResults } from "./formatters/test-case-results.js";
import type { RunSummary, ScenarioStatus } from "./types.js";

const PROBLEM_STATUSES: ReadonlySet<ScenarioStatus> = new Set([
  "FAILED",
  "AMBIGUOUS",
  "UNDEFINED",
  "PENDING",
]);

export function emptyCounts(): Record<ScenarioStatus, number> {
  return { PASSED: 0, FAILED: 0, UNDEFINED: 0, PENDING: 0, AMBIGUOUS: 0, SKIPPED: 0 };
}

/**
 * Folds a Cucumber Messages stream into a {@link RunSummary}. A scenario's status is its worst step
 * (FAILED > AMBIGUOUS > UNDEFINED > PENDING > SKIPPED > PASSED, hooks included); step counts leave
 * hooks out, as Cucumber does. Attempts that will be retried do not count; only the last one does.
 */
export class MessageSummary {
  private readonly results = new TestCaseResults();
  private readonly summary: RunSummary = {
    scenarios: emptyCounts(),
    steps: emptyCounts(),
    durationMs: 0,
    problems: [],
    errors: [],
  };
  private startedMs: number | undefined;
  private readonly runHooks = new Map<string, string>();

  add(envelope: Envelope): void {
    this.results.add(envelope);
    if (envelope.testRunStarted) {
      this.startedMs = TimeConversion.timestampToMillisecondsSinceEpoch(envelope.testRunStarted.timestamp);
    } else if (envelope.testCaseFinished) {
      this.addTestCase(envelope.testCaseFinished);
    } else if (envelope.parseError) {
      const { source, message } = envelope.parseError;
      const line = source.location?.line;
      this.summary.errors.push({ uri: source.uri ?? "", ...(line !== undefined ? { line } : {}), message });
    } else if (envelope.testRunHookStarted) {
      this.runHooks.set(envelope.testRunHookStarted.id, envelope.testRunHookStarted.hookId);
    } else if (envelope.testRunHookFinished) {
      const { result, testRunHookStartedId } = envelope.testRunHookFinished;
      const status = scenarioStatusOf(result.status);
      if (PROBLEM_STATUSES.has(status)) {
        const hook = this.results.hookDescription(this.runHooks.get(testRunHookStartedId) ?? "");
        const message = result.message ?? result.exception?.message ?? status.toLowerCase();
        this.summary.problems.push({
          status,
          uri: hook.uri,
          line: hook.line,
          scenario: "",
          step: hook.name,
          message,
        });
      }
    } else if (envelope.testRunFinished) {
      const finished = envelope.testRunFinished;
      if (this.startedMs !== undefined) {
        const endMs = TimeConversion.timestampToMillisecondsSinceEpoch(finished.timestamp);
        this.summary.durationMs = Math.max(0, endMs - this.startedMs);
      }
      // An error outside any test case: the run itself broke.
      const broke = finished.exception?.message ?? finished.message;
      if (!finished.success && broke !== undefined) this.summary.errors.push({ uri: "", message: broke });
    }
  }

  /** The summary so far; complete once testRunFinished has been added. */
  get(): RunSummary {
    return this.summary;
  }

  private addTestCase(finished: NonNullable<Envelope["testCaseFinished"]>): void {
    if (finished.willBeRetried) return;
    const outcome = this.results.testCaseOutcome(finished.testCaseStartedId, finished);
    this.summary.scenarios[outcome.status]++;
    for (const step of outcome.steps) {
      if (step.kind === "step") this.summary.steps[step.status]++;
      if (PROBLEM_STATUSES.has(step.status)) {
        this.summary.problems.push({
          status: step.status,
          uri: step.uri,
          line: step.line,
          scenario: outcome.scenarioName,
          step:
            step.kind === "step"
              ? `${step.keyword}${step.text}`
              : `${step.keyword} hook${step.text ? ` "${step.text}"` : ""}`,
          message: step.message,
        });
      }
    }
  }
}

/** {@link MessageSummary} over a finished stream. */
export function summarizeMessages(envelopes: Iterable<Envelope>): RunSummary {
  const summary = new MessageSummary();
  for (const envelope of envelopes) summary.add(envelope);
  return summary.get();
}
