import path from "node:path";
import type { Argument } from "@cucumber/cucumber-expressions";
import * as messages from "@cucumber/messages";
import { registerBuiltinSteps } from "../features/builtin/builtin-steps.js";
import { DataTable } from "../features/data-table.js";
import { type LoadError, loadFeatures } from "../features/load-features.js";
import { loadSupport } from "../features/load-support.js";
import { planTestCase } from "../features/plan-test-case.js";
import type { HookEntry, StepFunction, SupportCodeRegistry } from "../features/support-code.js";
import type { WorldConstructor } from "../features/world.js";

/** As in `escalator test`: a step or hook without its own timeout fails after 60 s. */
export const DEFAULT_STEP_TIMEOUT_MS = 60_000;

/** One planned step of a journey: the step definition already matched, its arguments prepared. */
export interface JourneyStep {
  kind: "step" | "before" | "after";
  /** The step text (the key of per-step statistics), or "Before hook" / "After hook". */
  text: string;
  fn: StepFunction;
  /** The arguments, computed once when every parameter is of a built-in type (pure transformers). */
  args: unknown[] | undefined;
  /** Otherwise the matched arguments, transformed per run with the World as `this` (as cucumber-js does). */
  matched: readonly Argument[];
  /** A doc string's content or a DataTable (immutable: raw() copies), passed after the matched arguments. */
  trailing: unknown[];
  timeoutMs: number;
}

/** A scenario (pickle) run as a unit of load. */
export interface Journey {
  /** Position in the loaded journeys (the same in every worker). */
  index: number;
  /** Unique among the journeys: the scenario's name, with its file:line when two share a name. */
  name: string;
  uri: string;
  line: number;
  /** From `@weight:N` (any case) on the scenario (wins) or its feature; default 1; 0 leaves the journey out. */
  weight: number;
  pickle: messages.Pickle;
  gherkinDocument: messages.GherkinDocument | undefined;
  steps: JourneyStep[];
}

export interface LoadJourneysOptions {
  paths: readonly string[];
  cwd: string;
  tags?: string;
  require?: readonly string[];
}

export interface LoadedJourneys {
  journeys: Journey[];
  worldConstructor: WorldConstructor;
  registry: SupportCodeRegistry;
  /** Parse and load errors, bad weights, undefined and ambiguous steps: nothing meaningful can run. */
  errors: LoadError[];
}

/** `@weight:N`, the prefix in any case (`@Weight:5` counts like `@weight:5`). */
const WEIGHT_TAG = /^@weight:(.*)$/i;

/**
 * The journey's weight: the last `@weight:N` tag of the pickle wins (pickle tags list the feature's
 * first). The `@weight:` prefix is matched case-insensitively.
 */
export function weightOf(tags: readonly string[]): { weight: number } | { error: string } {
  let weight = 1;
  for (const tag of tags) {
    const match = WEIGHT_TAG.exec(tag);
    if (!match) continue;
    const text = match[1] ?? "";
    if (!/^\d+(\.\d+)?$/.test(text))
      return { error: `${tag} is not a weight; write @weight:N with N a number such as 70` };
    weight = Number(text);
  }
  return { weight };
}

function stepOf(
  kind: JourneyStep["kind"],
  text: string,
  fn: StepFunction,
  matched: readonly Argument[],
  trailing: unknown[],
  timeoutMs: number | undefined,
): JourneyStep {
  const pure = matched.every((arg) => arg.parameterType.builtin === true);
  return {
    kind,
    text,
    fn,
    args: pure ? [...matched.map((arg) => arg.getValue(null)), ...trailing] : undefined,
    matched,
    trailing,
    timeoutMs: timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
  };
}

function hookStep(hook: HookEntry): JourneyStep {
  const kind = hook.kind === "before" ? "before" : "after";
  return stepOf(
    kind,
    kind === "before" ? "Before hook" : "After hook",
    hook.fn,
    [],
    [],
    hook.options.timeout,
  );
}

function describeDefinition(
  cwd: string,
  d: { pattern: string | RegExp; location?: { file: string; line: number } | undefined },
) {
  const where = d.location ? ` - ${path.relative(cwd, d.location.file)}:${d.location.line}` : "";
  return `${String(d.pattern)}${where}`;
}

/**
 * Loads the features and step files (the built-in steps included) exactly as `escalator test`
 * does, and plans every selected scenario once: hooks and step definitions matched, arguments
 * prepared. Undefined or ambiguous steps are errors, since such a journey could never pass.
 */
export async function loadJourneys(options: LoadJourneysOptions): Promise<LoadedJourneys> {
  const newId = messages.IdGenerator.incrementing();
  const features = await loadFeatures({
    paths: options.paths,
    cwd: options.cwd,
    newId,
    ...(options.tags ? { tags: options.tags } : {}),
  });
  const support = await loadSupport({
    cwd: options.cwd,
    featureDirs: features.featureDirs,
    newId,
    supportCode: [registerBuiltinSteps],
    ...(options.require && options.require.length > 0 ? { require: options.require } : {}),
  });
  const errors: LoadError[] = [...features.errors, ...support.errors];
  const { registry } = support;
  const journeys: Journey[] = [];
  if (errors.length > 0) return { journeys, worldConstructor: registry.worldConstructor, registry, errors };

  const lineOf = (astNodeId: string | undefined) =>
    (astNodeId === undefined ? undefined : features.locations.get(astNodeId)?.line) ?? 0;
  for (const pickle of features.pickles) {
    const line = pickle.location?.line ?? lineOf(pickle.astNodeIds[0]);
    const weight = weightOf(pickle.tags.map((tag) => tag.name));
    if ("error" in weight) {
      errors.push({ uri: pickle.uri, line, message: weight.error });
      continue;
    }
    const plan = planTestCase(pickle, registry, newId, "load");
    const steps: JourneyStep[] = [];
    const errorsBefore = errors.length;
    for (const planned of plan.steps) {
      if (planned.kind === "hook") {
        steps.push(hookStep(planned.hook));
        continue;
      }
      const { pickleStep, matches } = planned;
      const at = { uri: pickle.uri, line: lineOf(pickleStep.astNodeIds[0]) };
      const match = matches[0];
      if (match === undefined) {
        errors.push({ ...at, message: `Undefined step "${pickleStep.text}" in "${pickle.name}"` });
        continue;
      }
      if (matches.length > 1) {
        const names = matches.map((m) => `  ${describeDefinition(options.cwd, m.definition)}`).join("\n");
        errors.push({ ...at, message: `Multiple step definitions match "${pickleStep.text}":\n${names}` });
        continue;
      }
      const trailing: unknown[] = [];
      const argument = pickleStep.argument;
      if (argument?.docString) trailing.push(argument.docString.content);
      if (argument?.dataTable) trailing.push(new DataTable(argument.dataTable));
      steps.push(
        stepOf(
          "step",
          pickleStep.text,
          match.definition.fn,
          match.args,
          trailing,
          match.definition.options.timeout,
        ),
      );
    }
    if (weight.weight === 0 || errors.length > errorsBefore) continue;
    journeys.push({
      index: journeys.length,
      name: pickle.name,
      uri: pickle.uri,
      line,
      weight: weight.weight,
      pickle,
      gherkinDocument: features.gherkinDocuments.get(pickle.uri),
      steps,
    });
  }
  if (errors.length === 0 && journeys.length === 0) {
    errors.push({
      uri: options.paths.join(" "),
      message: `no scenarios to run${options.tags ? ` (tags: ${options.tags})` : ""}; a journey is a scenario with a weight above 0`,
    });
  }
  uniqueNames(journeys);
  return { journeys, worldConstructor: registry.worldConstructor, registry, errors };
}

/** Names are the keys of the statistics: scenarios sharing a name (outline rows) get their file:line. */
function uniqueNames(journeys: Journey[]): void {
  const counts = new Map<string, number>();
  for (const j of journeys) counts.set(j.name, (counts.get(j.name) ?? 0) + 1);
  for (const j of journeys) {
    if (j.name === "") j.name = `${j.uri}:${j.line}`;
    else if ((counts.get(j.name) ?? 0) > 1) j.name = `${j.name} (${j.uri}:${j.line})`;
  }
}

/**
 * Smooth weighted round-robin (as nginx balances upstreams): deterministic, and over any run of
 * picks each journey's share is within one pick of its weight's share, so 70/20/10 is exact over time.
 */
export class WeightedPicker<T extends { weight: number }> {
  readonly #items: readonly T[];
  readonly #current: Float64Array;
  readonly #total: number;

  constructor(items: readonly T[]) {
    if (items.length === 0) throw new Error("WeightedPicker needs at least one item");
    this.#items = items;
    this.#current = new Float64Array(items.length);
    this.#total = items.reduce((sum, item) => sum + item.weight, 0);
  }

  next(): T {
    const items = this.#items;
    const current = this.#current;
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < items.length; i++) {
      const value = (current[i] as number) + (items[i] as T).weight;
      current[i] = value;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    current[best] = bestValue - this.#total;
    return items[best] as T;
  }
}
