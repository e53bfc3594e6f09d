/**
 * What step files import: `import { Given, When, Then } from "escalator"`, with the names and
 * call shapes of cucumber-js. Kept free of the engine and its HTTP client on purpose: a step
 * file loaded as CommonJS must not load a second copy of them. The engine is "escalator/library".
 */

export type { HookOptions, ParameterTypeOptions, StepFunction, StepOptions } from "./features/dsl.js";
export {
  After,
  AfterAll,
  Before,
  BeforeAll,
  DataTable,
  defineParameterType,
  defineStep,
  Given,
  ParameterType,
  setWorldConstructor,
  Then,
  When,
  World,
} from "./features/dsl.js";
export type { ValueContext, ValueFunction } from "./value/define-value.js";
export { defineValue } from "./value/define-value.js";
export type { Measurement } from "./value/types.js";
