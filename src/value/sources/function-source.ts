import { formatDuration } from "../../util/duration.js";
import type { ValueFunctionRegistry } from "../load-value-functions.js";
import type { MeasureContext, Measurement, MetricSource } from "../types.js";
import { toMeasurement, windowText } from "./measurement.js";

/**
 * A metric measured by `defineValue(name, fn)` in a value file. The function is looked up when
 * measuring, gets an abort signal that fires on timeout, and must return a number or a
 * Measurement; when it ignores the signal, its late answer is dropped.
 */
export function functionSource(
  name: string,
  functions: ValueFunctionRegistry,
  timeoutMs: number,
): MetricSource {
  return {
    kind: "function",
    async measure(ctx: MeasureContext): Promise<Measurement> {
      const entry = functions.find(name);
      if (entry === undefined) {
        throw new Error(
          `no value function for "${name}": define it with defineValue("${name}", ...) in a file under features/**/values/`,
        );
      }
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = AbortSignal.any([ctx.signal, timeout]);
      const where = entry.file === undefined ? "" : ` in ${entry.file}`;
      const result = await untilAborted(
        Promise.resolve().then(() =>
          entry.fn({
            release: ctx.release,
            window: windowText(ctx.windowMs),
            windowMs: ctx.windowMs,
            since: ctx.since,
            until: ctx.until,
            signal,
          }),
        ),
        signal,
        () =>
          timeout.aborted
            ? `defineValue("${entry.name}")${where} did not finish within ${formatDuration(timeoutMs)}`
            : `defineValue("${entry.name}")${where} was aborted`,
      );
      return toMeasurement(result, `defineValue("${entry.name}")${where} returned`);
    },
  };
}

/** The promise's outcome, or a rejection with `reason()` as soon as the signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, reason: () => string): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error(reason()));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(reason()));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
