import {
  type Envelope,
  getWorstTestStepResult,
  type Hook,
  type Pickle,
  type PickleStep,
  type StepDefinition,
  type TestCase,
  type TestCaseStarted,
  type TestStep,
  type TestStepFinished,
  type TestStepResult,
  TestStepResultStatus,
  TimeConversion,
} from "@cucumber/messages";
import type { ScenarioStatus } from "../types.js";

/** One step (or hook) of one test case attempt, resolved to where it is written. */
export interface StepOutcome {
  kind: "step" | "hook";
  /** "Given ", "And ", ... for steps; "Before", "After" for hooks. */
  keyword: string;
  /** The pickle step text, or the hook's name. */
  text: string;
  uri: string;
  line: number;
  status: ScenarioStatus;
  durationMs: number;
  /** Why it did not pass; "" when it did. */
  message: string;
}

/** One finished attempt of one test case (a pickle: a scenario or an example row). */
export interface TestCaseOutcome {
  testCaseStartedId: string;
  attempt: number;
  willBeRetried: boolean;
  uri: string;
  featureName: string;
  ruleName?: string;
  scenarioName: string;
  /** The scenario's line, or the example row's for an outline. */
  line: number;
  status: ScenarioStatus;
  durationMs: number;
  steps: StepOutcome[];
}

interface AstNode {
  line: number;
  keyword: string;
  ruleName?: string;
}

interface Attempt {
  started: TestCaseStarted;
  results: Map<string, TestStepResult>;
}

const STATUS: Record<TestStepResultStatus, ScenarioStatus> = {
  [TestStepResultStatus.PASSED]: "PASSED",
  [TestStepResultStatus.FAILED]: "FAILED",
  [TestStepResultStatus.AMBIGUOUS]: "AMBIGUOUS",
  [TestStepResultStatus.UNDEFINED]: "UNDEFINED",
  [TestStepResultStatus.PENDING]: "PENDING",
  [TestStepResultStatus.SKIPPED]: "SKIPPED",
  // Never run: for counting, the same as skipped.
  [TestStepResultStatus.UNKNOWN]: "SKIPPED",
};

export function scenarioStatusOf(status: TestStepResultStatus): ScenarioStatus {
  return STATUS[status];
}

export function durationMsOf(duration: { seconds: number; nanos: number }): number {
  return TimeConversion.durationToMilliseconds(duration);
}

/**
 * Indexes a Cucumber Messages stream so that each step result and each finished test case can be
 * told in Gherkin terms: feature, rule, scenario, step text and file:line. Feed it every envelope
 * with `add`, in order; it holds no opinion on how results are shown.
 */
export class TestCaseResults {
  private readonly featureNames = new Map<string, string>();
  private readonly astNodes = new Map<string, AstNode>();
  private readonly pickles = new Map<string, Pickle>();
  private readonly pickleSteps = new Map<string, PickleStep>();
  private readonly testCases = new Map<string, TestCase>();
  private readonly testSteps = new Map<string, { testStep: TestStep; testCase: TestCase }>();
  private readonly hooks = new Map<string, Hook>();
  private readonly stepDefinitions = new Map<string, StepDefinition>();
  private readonly snippets = new Map<string, string>();
  private readonly attempts = new Map<string, Attempt>();

  add(envelope: Envelope): void {
    if (envelope.gherkinDocument) this.addDocument(envelope);
    else if (envelope.pickle) {
      this.pickles.set(envelope.pickle.id, envelope.pickle);
      for (const step of envelope.pickle.steps) this.pickleSteps.set(step.id, step);
    } else if (envelope.testCase) {
      const testCase = envelope.testCase;
      this.testCases.set(testCase.id, testCase);
      for (const testStep of testCase.testSteps) this.testSteps.set(testStep.id, { testStep, testCase });
    } else if (envelope.hook) this.hooks.set(envelope.hook.id, envelope.hook);
    else if (envelope.stepDefinition)
      this.stepDefinitions.set(envelope.stepDefinition.id, envelope.stepDefinition);
    else if (envelope.suggestion) {
      const code = envelope.suggestion.snippets.map((s) => s.code).join("\n\n");
      this.snippets.set(envelope.suggestion.pickleStepId, code);
    } else if (envelope.testCaseStarted) {
      this.attempts.set(envelope.testCaseStarted.id, {
        started: envelope.testCaseStarted,
        results: new Map(),
      });
    } else if (envelope.testStepFinished) {
      const finished = envelope.testStepFinished;
      this.attempts
        .get(finished.testCaseStartedId)
        ?.results.set(finished.testStepId, finished.testStepResult);
    }
  }

  /** The step a testStepFinished message reports on. */
  stepOutcome(finished: TestStepFinished): StepOutcome {
    return this.describeStep(finished.testStepId, finished.testStepResult);
  }

  /** The whole attempt; call it for a testCaseFinished message (after `add`). */
  testCaseOutcome(
    testCaseStartedId: string,
    finish: { willBeRetried: boolean; timestamp: { seconds: number; nanos: number } },
  ): TestCaseOutcome {
    const attempt = this.attempts.get(testCaseStartedId);
    const testCase = attempt ? this.testCases.get(attempt.started.testCaseId) : undefined;
    const pickle = testCase ? this.pickles.get(testCase.pickleId) : undefined;
    const results = attempt?.results ?? new Map<string, TestStepResult>();
    const steps = (testCase?.testSteps ?? []).map((testStep) => {
      const result = results.get(testStep.id) ?? {
        status: TestStepResultStatus.UNKNOWN,
        duration: { seconds: 0, nanos: 0 },
      };
      return this.describeStep(testStep.id, result);
    });
    const worst = getWorstTestStepResult([...results.values()]);
    const scenarioNode = pickle ? this.astNodes.get(pickle.astNodeIds[0] ?? "") : undefined;
    const uri = pickle?.uri ?? "";
    const outcome: TestCaseOutcome = {
      testCaseStartedId,
      attempt: attempt?.started.attempt ?? 0,
      willBeRetried: finish.willBeRetried,
      uri,
      featureName: this.featureNames.get(uri) ?? uri,
      scenarioName: pickle?.name ?? "",
      line: pickle?.location?.line ?? scenarioNode?.line ?? 0,
      // A test case without steps passes, as in Cucumber.
      status: worst.status === TestStepResultStatus.UNKNOWN ? "PASSED" : scenarioStatusOf(worst.status),
      durationMs: attempt
        ? Math.max(
            0,
            TimeConversion.timestampToMillisecondsSinceEpoch(finish.timestamp) -
              TimeConversion.timestampToMillisecondsSinceEpoch(attempt.started.timestamp),
          )
        : 0,
      steps,
    };
    if (scenarioNode?.ruleName !== undefined) outcome.ruleName = scenarioNode.ruleName;
    return outcome;
  }

  /** Where a global hook (BeforeAll/AfterAll) is defined, and what to call it. */
  hookDescription(hookId: string): { name: string; uri: string; line: number } {
    const hook = this.hooks.get(hookId);
    const kind =
      hook?.type === "AFTER_TEST_RUN" ? "AfterAll" : hook?.type === "BEFORE_TEST_RUN" ? "BeforeAll" : "Hook";
    return {
      name: hook?.name ? `${kind} hook "${hook.name}"` : `${kind} hook`,
      uri: hook?.sourceReference.uri ?? "",
      line: hook?.sourceReference.location?.line ?? 0,
    };
  }

  private describeStep(testStepId: string, result: TestStepResult): StepOutcome {
    const entry = this.testSteps.get(testStepId);
    const testStep = entry?.testStep;
    const pickle = entry ? this.pickles.get(entry.testCase.pickleId) : undefined;
    const status = scenarioStatusOf(result.status);
    const durationMs = durationMsOf(result.duration);
    if (testStep?.hookId !== undefined) {
      const hook = this.hooks.get(testStep.hookId);
      const kind = hook?.type === "AFTER_TEST_CASE" ? "After" : "Before";
      return {
        kind: "hook",
        keyword: kind,
        text: hook?.name ?? "",
        uri: hook?.sourceReference.uri ?? pickle?.uri ?? "",
        line: hook?.sourceReference.location?.line ?? pickle?.location?.line ?? 0,
        status,
        durationMs,
        message: this.messageOf(result, testStep),
      };
    }
    const pickleStep = testStep?.pickleStepId ? this.pickleSteps.get(testStep.pickleStepId) : undefined;
    const node = this.astNodes.get(pickleStep?.astNodeIds[0] ?? "");
    return {
      kind: "step",
      keyword: node?.keyword ?? "* ",
      text: pickleStep?.text ?? "",
      uri: pickle?.uri ?? "",
      line: node?.line ?? 0,
      status,
      durationMs,
      message: testStep ? this.messageOf(result, testStep) : (result.message ?? ""),
    };
  }

  private messageOf(result: TestStepResult, testStep: TestStep): string {
    const given = result.message ?? result.exception?.message;
    switch (result.status) {
      case TestStepResultStatus.PASSED:
        return "";
      case TestStepResultStatus.FAILED:
        return result.message ?? result.exception?.stackTrace ?? given ?? "Failed";
      case TestStepResultStatus.AMBIGUOUS: {
        if (given) return given;
        const matches = (testStep.stepDefinitionIds ?? []).map((id) => {
          const definition = this.stepDefinitions.get(id);
          const where = definition?.sourceReference;
          return `"${definition?.pattern.source ?? id}" (${where?.uri ?? "?"}:${where?.location?.line ?? "?"})`;
        });
        return `${matches.length} step definitions match: ${matches.join(", ")}`;
      }
      case TestStepResultStatus.UNDEFINED: {
        if (given) return given;
        const snippet = testStep.pickleStepId ? this.snippets.get(testStep.pickleStepId) : undefined;
        return snippet ? `Undefined step. Implement it with:\n${snippet}` : "Undefined step";
      }
      case TestStepResultStatus.PENDING:
        return given ?? "Pending";
      default:
        return given ?? "";
    }
  }

  private addDocument(envelope: Envelope): void {
    const document = envelope.gherkinDocument;
    const feature = document?.feature;
    if (!document?.uri || !feature) return;
    this.featureNames.set(document.uri, feature.name);
    const addSteps = (
      steps: readonly { id: string; keyword: string; location: { line: number } }[],
      ruleName?: string,
    ) => {
      for (const step of steps) this.setNode(step.id, step.location.line, step.keyword, ruleName);
    };
    const addChildren = (children: typeof feature.children, ruleName?: string) => {
      for (const child of children) {
        if (child.background) addSteps(child.background.steps, ruleName);
        if (child.scenario) {
          const scenario = child.scenario;
          this.setNode(scenario.id, scenario.location.line, scenario.keyword, ruleName);
          addSteps(scenario.steps, ruleName);
          for (const examples of scenario.examples) {
            for (const row of examples.tableBody) this.setNode(row.id, row.location.line, "", ruleName);
          }
        }
        if (child.rule) addChildren(child.rule.children, child.rule.name);
      }
    };
    addChildren(feature.children);
  }

  private setNode(id: string, line: number, keyword: string, ruleName: string | undefined): void {
    this.astNodes.set(id, ruleName === undefined ? { line, keyword } : { line, keyword, ruleName });
  }
}
