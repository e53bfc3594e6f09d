import type { Group } from "@cucumber/cucumber-expressions";
import type * as messages from "@cucumber/messages";
import type { HookEntry, StepMatch, SupportCodeRegistry } from "./support-code.js";

export type PlannedStep =
  | { kind: "hook"; id: string; hook: HookEntry }
  | { kind: "step"; id: string; pickleStep: messages.PickleStep; matches: StepMatch[] };

export interface PlannedTestCase {
  pickle: messages.Pickle;
  testCase: messages.TestCase;
  steps: PlannedStep[];
}

function toGroup(group: Group): messages.Group {
  return {
    ...(group.start === undefined ? {} : { start: group.start }),
    value: group.value,
    ...(group.children ? { children: group.children.map(toGroup) } : {}),
  };
}

/** A pickle's test steps: matching Before hooks, its steps (matched), then After hooks in reverse order. */
export function planTestCase(
  pickle: messages.Pickle,
  registry: SupportCodeRegistry,
  newId: () => string,
  testRunStartedId: string,
): PlannedTestCase {
  const tags = pickle.tags.map((tag) => tag.name);
  const steps: PlannedStep[] = [];
  for (const hook of registry.hooks("before")) {
    if (hook.appliesTo(tags)) steps.push({ kind: "hook", id: newId(), hook });
  }
  for (const pickleStep of pickle.steps) {
    steps.push({ kind: "step", id: newId(), pickleStep, matches: registry.match(pickleStep.text) });
  }
  for (const hook of registry.hooks("after").reverse()) {
    if (hook.appliesTo(tags)) steps.push({ kind: "hook", id: newId(), hook });
  }
  const testSteps: messages.TestStep[] = steps.map((step) =>
    step.kind === "hook"
      ? { id: step.id, hookId: step.hook.id }
      : {
          id: step.id,
          pickleStepId: step.pickleStep.id,
          stepDefinitionIds: step.matches.map((m) => m.definition.id),
          stepMatchArgumentsLists: step.matches.map((m) => ({
            stepMatchArguments: m.args.map((arg) => ({
              group: toGroup(arg.group),
              ...(arg.parameterType.name ? { parameterTypeName: arg.parameterType.name } : {}),
            })),
          })),
        },
  );
  return { pickle, steps, testCase: { id: newId(), pickleId: pickle.id, testSteps, testRunStartedId } };
}
