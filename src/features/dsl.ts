import { callerLocation } from "./caller-location.js";
import {
  currentRegistry,
  type HookKind,
  type HookOptions,
  type ParameterTypeOptions,
  type StepFunction,
  type StepOptions,
} from "./support-code.js";
import type { WorldConstructor } from "./world.js";

/**
 * The step-definition API, with cucumber-js's names and call shapes, so that moving step files
 * over only means changing the import.
 */
export { DataTable } from "./data-table.js";
export type { HookOptions, ParameterTypeOptions, StepFunction, StepOptions } from "./support-code.js";
export { World, type WorldOptions, type WorldParameters } from "./world.js";

export type StepDefiner = {
  (pattern: string | RegExp, fn: StepFunction): void;
  (pattern: string | RegExp, options: StepOptions, fn: StepFunction): void;
};
export type HookDefiner = {
  (fn: StepFunction): void;
  (tagsOrOptions: string | HookOptions, fn: StepFunction): void;
};

function step(): StepDefiner {
  return (pattern: string | RegExp, optionsOrFn: StepOptions | StepFunction, maybeFn?: StepFunction) => {
    const fn = typeof optionsOrFn === "function" ? optionsOrFn : maybeFn;
    const options = typeof optionsOrFn === "function" ? {} : optionsOrFn;
    if (typeof fn !== "function") throw new TypeError(`Step "${String(pattern)}" needs a function`);
    currentRegistry().defineStep(pattern, options, fn, callerLocation());
  };
}

function hook(kind: HookKind): HookDefiner {
  return (tagsOrFn: string | HookOptions | StepFunction, maybeFn?: StepFunction) => {
    const fn = typeof tagsOrFn === "function" ? tagsOrFn : maybeFn;
    let options: HookOptions = {};
    if (typeof tagsOrFn === "string") options = { tags: tagsOrFn };
    else if (typeof tagsOrFn === "object") options = tagsOrFn;
    if (typeof fn !== "function") throw new TypeError("A hook needs a function");
    currentRegistry().defineHook(kind, options, fn, callerLocation());
  };
}

export const Given: StepDefiner = step();
export const When: StepDefiner = step();
export const Then: StepDefiner = step();
/** Keyword-agnostic alias, as in cucumber-js. */
export const defineStep: StepDefiner = step();

export const Before: HookDefiner = hook("before");
export const After: HookDefiner = hook("after");
export const BeforeAll: HookDefiner = hook("beforeAll");
export const AfterAll: HookDefiner = hook("afterAll");

/** A custom parameter type: `{ name, regexp, transformer }`, as in cucumber-js. */
export function defineParameterType<T>(options: ParameterTypeOptions<T>): void {
  currentRegistry().defineParameterType(options as ParameterTypeOptions, callerLocation());
}
export const ParameterType = defineParameterType;

/** Each scenario's World is made with `new ctor({ parameters })`. */
export function setWorldConstructor(ctor: WorldConstructor): void {
  currentRegistry().setWorldConstructor(ctor);
}
