import { performance } from "node:perf_hooks";
import * as messages from "@cucumber/messages";
import { DataTable } from "./data-table.js";
import type { PlannedStep, PlannedTestCase } from "./plan-test-case.js";
import { snippetsFor } from "./snippets.js";
import type { StepFunction, SupportCodeRegistry } from "./support-code.js";
import type { WorldParameters } from "./world.js";

const { TestStepResultStatus: Status, TimeConversion } = messages;
const DEFAULT_TIMEOUT_MS = 60_000;

export interface TestCaseContext {
  registry: SupportCodeRegistry;
  newId: () => string;
  emit: (envelope: messages.Envelope) => void;
  gherkinDocument: messages.GherkinDocument | undefined;
  parameters: WorldParameters;
  signal: AbortSignal | undefined;
  /** How to name a step definition in messages: pattern and file:line. */
  describe: (step: {
    pattern: string | RegExp;
    location?: { file: string; line: number } | undefined;
  }) => string;
}

export interface StepOutcome {
  step: PlannedStep;
  result: messages.TestStepResult;
}

export interface TestCaseOutcome {
  status: messages.TestStepResultStatus;
  steps: StepOutcome[];
}

const now = () => TimeConversion.millisecondsSinceEpochToTimestamp(Date.now());

function failure(error: unknown): Pick<messages.TestStepResult, "message" | "exception"> {
  if (error instanceof Error) {
    return {
      message: error.message,
      exception: {
        type: error.constructor?.name ?? error.name,
        message: error.message,
        ...(error.stack ? { stackTrace: error.stack } : {}),
      },
    };
  }
  return { message: String(error), exception: { type: typeof error, message: String(error) } };
}

async function invoke(fn: StepFunction, world: object, args: unknown[], timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`Function timed out, ensure the promise resolves within ${timeoutMs} milliseconds`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn.apply(world, args)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function statusOf(returned: unknown): messages.TestStepResultStatus {
  if (returned === "pending") return Status.PENDING;
  if (returned === "skipped") return Status.SKIPPED;
  return Status.PASSED;
}

/** Runs one test case on a fresh World and emits its testCaseStarted … testCaseFinished messages. */
export async function runTestCase(plan: PlannedTestCase, ctx: TestCaseContext): Promise<TestCaseOutcome> {
  const testCaseStartedId = ctx.newId();
  ctx.emit({
    testCaseStarted: { id: testCaseStartedId, testCaseId: plan.testCase.id, attempt: 0, timestamp: now() },
  });
  const World = ctx.registry.worldConstructor;
  // A World constructor that throws fails this scenario (its first step), not the whole run.
  let world: object;
  let worldError: unknown;
  try {
    world = new World({ parameters: { ...ctx.parameters } });
  } catch (error) {
    worldError = error;
    world = {};
  }
  const outcomes: StepOutcome[] = [];
  let skipping = false;

  for (const step of plan.steps) {
    ctx.emit({ testStepStarted: { testCaseStartedId, testStepId: step.id, timestamp: now() } });
    const started = performance.now();
    let result: Omit<messages.TestStepResult, "duration">;
    const aborted = ctx.signal?.aborted ?? false;
    if (worldError !== undefined) {
      result =
        outcomes.length === 0
          ? {
              status: Status.FAILED,
              ...failure(
                new Error(
                  `World constructor failed: ${String((worldError as Error)?.message ?? worldError)}`,
                ),
              ),
            }
          : { status: Status.SKIPPED };
    } else if (step.kind === "hook") {
      const isAfter = step.hook.kind === "after";
      if ((skipping && !isAfter) || aborted) {
        result = { status: Status.SKIPPED };
      } else {
        const worst = messages.getWorstTestStepResult(outcomes.map((o) => o.result));
        const hookArg = {
          pickle: plan.pickle,
          gherkinDocument: ctx.gherkinDocument,
          testCaseStartedId,
          result: worst,
        };
        try {
          const returned = await invoke(
            step.hook.fn,
            world,
            [hookArg],
            step.hook.options.timeout ?? DEFAULT_TIMEOUT_MS,
          );
          result = { status: statusOf(returned) };
        } catch (error) {
          result = { status: Status.FAILED, ...failure(error) };
        }
      }
    } else if (step.matches.length === 0) {
      const snippets = snippetsFor(step.pickleStep, () => ctx.registry.parameterTypeRegistry.parameterTypes);
      ctx.emit({
        suggestion: {
          id: ctx.newId(),
          pickleStepId: step.pickleStep.id,
          snippets: snippets.map((code) => ({ language: "typescript", code })),
        },
      });
      result = {
        status: Status.UNDEFINED,
        message: `Undefined step. Implement with the following snippet:\n\n${snippets[0] ?? ""}`,
      };
    } else if (step.matches.length > 1) {
      const names = step.matches.map((m) => `  ${ctx.describe(m.definition)}`).join("\n");
      result = {
        status: Status.AMBIGUOUS,
        message: `Multiple step definitions match "${step.pickleStep.text}":\n${names}`,
      };
    } else if (skipping || aborted) {
      result = { status: Status.SKIPPED };
    } else {
      const match = step.matches[0] as (typeof step.matches)[number];
      try {
        const args: unknown[] = [];
        for (const arg of match.args) args.push(await arg.getValue(world));
        const argument = step.pickleStep.argument;
        if (argument?.docString) args.push(argument.docString.content);
        if (argument?.dataTable) args.push(new DataTable(argument.dataTable));
        const timeoutMs = match.definition.options.timeout ?? DEFAULT_TIMEOUT_MS;
        result = { status: statusOf(await invoke(match.definition.fn, world, args, timeoutMs)) };
      } catch (error) {
        result = { status: Status.FAILED, ...failure(error) };
      }
    }
    const testStepResult: messages.TestStepResult = {
      ...result,
      duration: TimeConversion.millisecondsToDuration(performance.now() - started),
    };
    if (testStepResult.status !== Status.PASSED) skipping = true;
    outcomes.push({ step, result: testStepResult });
    ctx.emit({
      testStepFinished: { testCaseStartedId, testStepId: step.id, testStepResult, timestamp: now() },
    });
  }
  ctx.emit({ testCaseFinished: { testCaseStartedId, timestamp: now(), willBeRetried: false } });
  const worst = messages.getWorstTestStepResult(outcomes.map((o) => o.result)).status;
  const status = worst === Status.UNKNOWN ? Status.PASSED : worst;
  return { status, steps: outcomes };
}
