import {
  type Argument,
  CucumberExpression,
  type Expression,
  ParameterType,
  ParameterTypeRegistry,
  RegularExpression,
} from "@cucumber/cucumber-expressions";
import { parse as parseTagExpression } from "@cucumber/tag-expressions";
import type { SourceLocation } from "./caller-location.js";
import { World, type WorldConstructor } from "./world.js";

// biome-ignore lint/suspicious/noExplicitAny: step arguments are whatever the expression matched
export type StepFunction = (this: any, ...args: any[]) => unknown;
export interface StepOptions {
  /** Milliseconds before the step fails with a timeout; default 60 s. */
  timeout?: number;
}
export interface HookOptions {
  tags?: string;
  name?: string;
  timeout?: number;
}
export interface ParameterTypeOptions<T = unknown> {
  name: string;
  regexp: RegExp | string | readonly (RegExp | string)[];
  transformer?: (...match: string[]) => T | PromiseLike<T>;
  useForSnippets?: boolean;
  preferForRegexpMatch?: boolean;
}
export type HookKind = "before" | "after" | "beforeAll" | "afterAll";

export interface StepDefinitionEntry {
  id: string;
  pattern: string | RegExp;
  expression: Expression | undefined;
  fn: StepFunction;
  options: StepOptions;
  location: SourceLocation | undefined;
}
export interface HookEntry {
  id: string;
  kind: HookKind;
  options: HookOptions;
  fn: StepFunction;
  location: SourceLocation | undefined;
  appliesTo(tags: readonly string[]): boolean;
}
export interface ParameterTypeEntry {
  id: string;
  options: ParameterTypeOptions;
  location: SourceLocation | undefined;
}
/** Everything registered, in registration order, for the definition envelopes. */
export type Definition =
  | { kind: "step"; entry: StepDefinitionEntry }
  | { kind: "hook"; entry: HookEntry }
  | { kind: "parameterType"; entry: ParameterTypeEntry };

export interface StepMatch {
  definition: StepDefinitionEntry;
  args: readonly Argument[];
}

type Recorded = (registry: SupportCodeRegistry) => void;

/**
 * The step registry of one run: step definitions, hooks, parameter types and the World class.
 * Expressions are built in `finalize()`, once all support code is loaded, so a parameter type may
 * be defined after the steps that use it (as in cucumber-js).
 */
export class SupportCodeRegistry {
  readonly parameterTypeRegistry = new ParameterTypeRegistry();
  readonly definitions: Definition[] = [];
  readonly undefinedParameterTypes: { name: string; expression: string }[] = [];
  /** Problems found while finalizing (bad tag expressions, bad parameter types). */
  readonly errors: { location: SourceLocation | undefined; message: string }[] = [];
  worldConstructor: WorldConstructor = World;
  /** Every registration call, so a cached support file can be replayed into a later registry. */
  readonly recorded: Recorded[] = [];

  constructor(private readonly newId: () => string) {}

  defineStep(
    pattern: string | RegExp,
    options: StepOptions,
    fn: StepFunction,
    location?: SourceLocation,
  ): void {
    // A helper step file imported by another step file is evaluated a second time by the loader;
    // the same pattern with the same body is that module again, not an ambiguity.
    const key = String(pattern);
    const body = fn.toString();
    const again = this.definitions.some(
      (d) => d.kind === "step" && String(d.entry.pattern) === key && d.entry.fn.toString() === body,
    );
    if (again) return;
    this.recorded.push((r) => r.defineStep(pattern, options, fn, location));
    const entry = { id: this.newId(), pattern, expression: undefined, fn, options, location };
    this.definitions.push({ kind: "step", entry });
  }

  defineHook(kind: HookKind, options: HookOptions, fn: StepFunction, location?: SourceLocation): void {
    this.recorded.push((r) => r.defineHook(kind, options, fn, location));
    let appliesTo = (_tags: readonly string[]) => true;
    if (options.tags !== undefined && options.tags.trim() !== "") {
      try {
        const node = parseTagExpression(options.tags);
        appliesTo = (tags) => node.evaluate([...tags]);
      } catch (error) {
        this.errors.push({
          location,
          message: `Invalid hook tag expression "${options.tags}": ${String(error)}`,
        });
      }
    }
    this.definitions.push({
      kind: "hook",
      entry: { id: this.newId(), kind, options, fn, location, appliesTo },
    });
  }

  defineParameterType(options: ParameterTypeOptions, location?: SourceLocation): void {
    this.recorded.push((r) => r.defineParameterType(options, location));
    const regexps = Array.isArray(options.regexp) ? options.regexp : [options.regexp as RegExp | string];
    try {
      this.parameterTypeRegistry.defineParameterType(
        new ParameterType(
          options.name,
          regexps,
          null,
          options.transformer ?? ((...match: string[]) => match[0]),
          options.useForSnippets ?? true,
          options.preferForRegexpMatch ?? false,
        ),
      );
      this.definitions.push({ kind: "parameterType", entry: { id: this.newId(), options, location } });
    } catch (error) {
      this.errors.push({ location, message: error instanceof Error ? error.message : String(error) });
    }
  }

  setWorldConstructor(ctor: WorldConstructor): void {
    this.recorded.push((r) => r.setWorldConstructor(ctor));
    this.worldConstructor = ctor;
  }

  /** Builds step expressions; a step naming an unknown parameter type is dropped and reported. */
  finalize(): void {
    for (const definition of this.definitions) {
      if (definition.kind !== "step") continue;
      const { entry } = definition;
      try {
        entry.expression =
          typeof entry.pattern === "string"
            ? new CucumberExpression(entry.pattern, this.parameterTypeRegistry)
            : new RegularExpression(entry.pattern, this.parameterTypeRegistry);
      } catch (error) {
        const name = (error as { undefinedParameterTypeName?: unknown }).undefinedParameterTypeName;
        if (typeof name === "string") {
          this.undefinedParameterTypes.push({ name, expression: String(entry.pattern) });
        } else {
          this.errors.push({
            location: entry.location,
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }
    }
  }

  /** Step definitions that can run (their expression compiled), in registration order. */
  stepDefinitions(): StepDefinitionEntry[] {
    return this.definitions.flatMap((d) => (d.kind === "step" && d.entry.expression ? [d.entry] : []));
  }

  hooks(kind: HookKind): HookEntry[] {
    return this.definitions.flatMap((d) => (d.kind === "hook" && d.entry.kind === kind ? [d.entry] : []));
  }

  match(text: string): StepMatch[] {
    const matches: StepMatch[] = [];
    for (const definition of this.stepDefinitions()) {
      const args = definition.expression?.match(text);
      if (args) matches.push({ definition, args });
    }
    return matches;
  }
}

const CURRENT = Symbol.for("escalator.features.currentRegistry");
type Holder = { [CURRENT]?: SupportCodeRegistry };

/**
 * The registry that `Given`, `Before` and friends register into. It lives on globalThis so that
 * step files importing `escalator` from dist and a runner loaded from src share it.
 */
export function currentRegistry(): SupportCodeRegistry {
  const registry = (globalThis as Holder)[CURRENT];
  if (!registry)
    throw new Error("Step definitions can only be registered while Escalator loads support code");
  return registry;
}

export function setCurrentRegistry(registry: SupportCodeRegistry | undefined): void {
  if (registry) (globalThis as Holder)[CURRENT] = registry;
  else delete (globalThis as Holder)[CURRENT];
}
