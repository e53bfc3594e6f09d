/**
 * What value files import: `import { defineValue } from "escalator"`. Kept free of any runtime
 * import, like the step DSL, so a value file loaded as CommonJS loads nothing else.
 */
import type { Measurement } from "./types.js";

/** What a value function is asked: the release, and the window it is measured over. */
export interface ValueContext {
  release: string;
  /** The window as Prometheus writes it, in whole seconds: "600s". */
  window: string;
  windowMs: number;
  since: Date;
  until: Date;
  /** Aborted when the measurement times out or the run stops. */
  signal: AbortSignal;
}

/** Measures a metric for one release: a number (the value) or a whole Measurement. */
export type ValueFunction = (ctx: ValueContext) => Promise<number | Measurement> | number | Measurement;

/** What defineValue registers into while Escalator loads value files. */
export interface ValueFunctionSink {
  define(name: string, fn: ValueFunction): void;
}

const CURRENT = Symbol.for("escalator.value.currentFunctionRegistry");
type Holder = { [CURRENT]?: ValueFunctionSink };

/**
 * Defines how a metric marked `function: true` in values.yaml is measured:
 *
 * ```ts
 * import { defineValue } from "escalator";
 * defineValue("widgets sold", async ({ release, since, until }) => countSales(release, since, until));
 * ```
 *
 * Only callable while Escalator loads `features/**\/values/*.ts`.
 */
export function defineValue(name: string, fn: ValueFunction): void {
  if (typeof name !== "string" || name.trim() === "") {
    throw new TypeError("defineValue needs the metric's name as written in values.yaml");
  }
  if (typeof fn !== "function") throw new TypeError(`defineValue("${name}") needs a function`);
  currentValueRegistry().define(name, fn);
}

/** The registry defineValue registers into. It lives on globalThis so dist and src copies share it. */
export function currentValueRegistry(): ValueFunctionSink {
  const registry = (globalThis as Holder)[CURRENT];
  if (!registry) {
    throw new Error(
      "defineValue can only be called while Escalator loads value files (features/**/values/*.ts)",
    );
  }
  return registry;
}

/** Makes a registry current, or none. Used by the loader only. */
export function setCurrentValueRegistry(registry: ValueFunctionSink | undefined): void {
  if (registry) (globalThis as Holder)[CURRENT] = registry;
  else delete (globalThis as Holder)[CURRENT];
}
