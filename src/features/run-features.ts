import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import * as messages from "@cucumber/messages";
import { loadFeatures } from "./load-features.js";
import { loadSupport } from "./load-support.js";
import { OrderedOutput } from "./ordered-output.js";
import { type PlannedTestCase, planTestCase } from "./plan-test-case.js";
import { runTestCase, type TestCaseOutcome } from "./run-test-case.js";
import type { SupportCodeRegistry } from "./support-code.js";
import type { RunFeaturesOptions, RunSummary, ScenarioStatus } from "./types.js";

const { TimeConversion } = messages;
const now = () => TimeConversion.millisecondsSinceEpochToTimestamp(Date.now());
const STATUSES: ScenarioStatus[] = ["PASSED", "FAILED", "UNDEFINED", "PENDING", "AMBIGUOUS", "SKIPPED"];
const counts = () => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<ScenarioStatus, number>;
const toSummaryStatus = (status: string): ScenarioStatus =>
  (STATUSES as string[]).includes(status) ? (status as ScenarioStatus) : "FAILED";

function meta(): messages.Meta {
  return {
    protocolVersion: messages.version,
    implementation: { name: "escalator" },
    runtime: { name: "node.js", version: process.versions.node },
    os: { name: process.platform, version: os.release() },
    cpu: { name: process.arch },
  };
}

function definitionEnvelopes(
  registry: SupportCodeRegistry,
  uriOf: (file: string) => string,
): messages.Envelope[] {
  const ref = (location: { file: string; line: number } | undefined): messages.SourceReference =>
    location ? { uri: uriOf(location.file), location: { line: location.line } } : {};
  const envelopes: messages.Envelope[] = [];
  for (const d of registry.definitions) {
    if (d.kind === "parameterType") {
      const { options } = d.entry;
      const regexps = Array.isArray(options.regexp) ? options.regexp : [options.regexp as RegExp | string];
      envelopes.push({
        parameterType: {
          id: d.entry.id,
          name: options.name,
          regularExpressions: regexps.map((r) => (typeof r === "string" ? r : r.source)),
          preferForRegularExpressionMatch: options.preferForRegexpMatch ?? false,
          useForSnippets: options.useForSnippets ?? true,
          sourceReference: ref(d.entry.location),
        },
      });
    } else if (d.kind === "step") {
      if (!d.entry.expression) continue;
      const { pattern } = d.entry;
      envelopes.push({
        stepDefinition: {
          id: d.entry.id,
          pattern:
            typeof pattern === "string"
              ? { type: messages.StepDefinitionPatternType.CUCUMBER_EXPRESSION, source: pattern }
              : { type: messages.StepDefinitionPatternType.REGULAR_EXPRESSION, source: pattern.source },
          sourceReference: ref(d.entry.location),
        },
      });
    } else {
      const types = {
        before: messages.HookType.BEFORE_TEST_CASE,
        after: messages.HookType.AFTER_TEST_CASE,
        beforeAll: messages.HookType.BEFORE_TEST_RUN,
        afterAll: messages.HookType.AFTER_TEST_RUN,
      };
      const { name, tags } = d.entry.options;
      envelopes.push({
        hook: {
          id: d.entry.id,
          type: types[d.entry.kind],
          ...(name ? { name } : {}),
          ...(tags ? { tagExpression: tags } : {}),
          sourceReference: ref(d.entry.location),
        },
      });
    }
  }
  for (const undefinedParameterType of registry.undefinedParameterTypes)
    envelopes.push({ undefinedParameterType });
  return envelopes;
}

async function runTestRunHooks(
  registry: SupportCodeRegistry,
  kind: "beforeAll" | "afterAll",
  testRunStartedId: string,
  newId: () => string,
  emit: (e: messages.Envelope) => void,
): Promise<string[]> {
  const failures: string[] = [];
  const hooks = kind === "beforeAll" ? registry.hooks(kind) : registry.hooks(kind).reverse();
  for (const hook of hooks) {
    const id = newId();
    emit({ testRunHookStarted: { id, testRunStartedId, hookId: hook.id, timestamp: now() } });
    const started = performance.now();
    let result: Omit<messages.TestStepResult, "duration"> = { status: messages.TestStepResultStatus.PASSED };
    try {
      await hook.fn.apply({}, []);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${kind} hook failed: ${message}`);
      result = { status: messages.TestStepResultStatus.FAILED, message };
    }
    const duration = TimeConversion.millisecondsToDuration(performance.now() - started);
    emit({
      testRunHookFinished: { testRunHookStartedId: id, result: { ...result, duration }, timestamp: now() },
    });
  }
  return failures;
}

/**
 * Runs feature files as behaviour tests: load → configure → run, emitting Cucumber Messages.
 * Parse and load errors are collected into the summary (and the run does not start), never thrown.
 */
export async function runFeatures(options: RunFeaturesOptions): Promise<RunSummary> {
  const started = performance.now();
  const newId = options.newId ?? messages.IdGenerator.uuid();
  const emit = options.onMessage;
  const uriOf = (file: string) => path.relative(options.cwd, file).split(path.sep).join("/");
  const summary: RunSummary = {
    scenarios: counts(),
    steps: counts(),
    durationMs: 0,
    problems: [],
    errors: [],
  };

  emit({ meta: meta() });
  const features = await loadFeatures({
    paths: options.paths,
    cwd: options.cwd,
    newId,
    ...(options.tags ? { tags: options.tags } : {}),
  });
  for (const envelope of features.envelopes) emit(envelope);
  summary.errors.push(...features.errors);

  const support = await loadSupport({
    cwd: options.cwd,
    featureDirs: features.featureDirs,
    newId,
    ...(options.require ? { require: options.require } : {}),
    ...(options.supportCode ? { supportCode: options.supportCode } : {}),
  });
  summary.errors.push(...support.errors);
  const { registry } = support;
  for (const envelope of definitionEnvelopes(registry, uriOf)) emit(envelope);

  const testRunStartedId = newId();
  emit({ testRunStarted: { id: testRunStartedId, timestamp: now() } });
  if (summary.errors.length > 0) {
    const message = summary.errors
      .map((e) => `${e.uri}${e.line ? `:${e.line}` : ""}: ${e.message}`)
      .join("\n");
    emit({ testRunFinished: { testRunStartedId, timestamp: now(), success: false, message } });
    summary.durationMs = performance.now() - started;
    return summary;
  }

  const plans: PlannedTestCase[] = features.pickles.map((p) =>
    planTestCase(p, registry, newId, testRunStartedId),
  );
  for (const plan of plans) emit({ testCase: plan.testCase });

  const runFailures = await runTestRunHooks(registry, "beforeAll", testRunStartedId, newId, emit);
  const outcomes: (TestCaseOutcome | undefined)[] = [];
  const output = new OrderedOutput(emit);
  const parameters = {
    ...(options.worldParameters ?? {}),
    ...(options.target ? { target: options.target } : {}),
  };
  const describe = (d: { pattern: string | RegExp; location?: { file: string; line: number } | undefined }) =>
    `${String(d.pattern)}${d.location ? ` - ${uriOf(d.location.file)}:${d.location.line}` : ""}`;
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < plans.length) {
      const index = nextIndex++;
      const plan = plans[index] as PlannedTestCase;
      if (runFailures.length > 0) {
        output.finish(index);
        continue;
      }
      outcomes[index] = await runTestCase(plan, {
        registry,
        newId,
        emit: (envelope) => output.emit(index, envelope),
        gherkinDocument: features.gherkinDocuments.get(plan.pickle.uri),
        parameters,
        signal: options.signal,
        describe,
      });
      output.finish(index);
    }
  };
  const width = Math.max(1, Math.min(options.parallel ?? 1, plans.length));
  await Promise.all(Array.from({ length: width }, worker));
  runFailures.push(...(await runTestRunHooks(registry, "afterAll", testRunStartedId, newId, emit)));

  let success = runFailures.length === 0;
  // A failing BeforeAll/AfterAll hook fails the run: count it, so `test` and `monitor` say so.
  for (const failure of runFailures) {
    summary.problems.push({
      status: "FAILED",
      uri: "(support code)",
      line: 0,
      scenario: "(test run hooks)",
      step: failure.split(":")[0] ?? "hook",
      message: failure,
    });
  }
  plans.forEach((plan, index) => {
    const outcome = outcomes[index];
    if (!outcome) return;
    const status = toSummaryStatus(outcome.status);
    summary.scenarios[status] += 1;
    if (status !== "PASSED" && status !== "SKIPPED") success = false;
    for (const { step, result } of outcome.steps) {
      const stepStatus = toSummaryStatus(result.status);
      if (step.kind === "step") summary.steps[stepStatus] += 1;
      if (stepStatus === "PASSED" || stepStatus === "SKIPPED") continue;
      const astId = step.kind === "step" ? step.pickleStep.astNodeIds[0] : plan.pickle.astNodeIds[0];
      summary.problems.push({
        status: stepStatus,
        uri: plan.pickle.uri,
        line: (astId && features.locations.get(astId)?.line) || plan.pickle.location?.line || 0,
        scenario: plan.pickle.name,
        step:
          step.kind === "step"
            ? step.pickleStep.text
            : `${step.hook.kind === "before" ? "Before" : "After"} hook`,
        message: result.message ?? stepStatus,
      });
    }
  });
  emit({
    testRunFinished: {
      testRunStartedId,
      timestamp: now(),
      success,
      ...(runFailures.length > 0 ? { message: runFailures.join("\n") } : {}),
    },
  });
  summary.durationMs = performance.now() - started;
  return summary;
}
