import type { MetricConfig } from "../../config/values-schema.js";
import { EscalatorError, wrapPluginError } from "../../util/errors.js";
import type { ValueFunctionRegistry } from "../load-value-functions.js";
import type { MeasureContext, Measurement, MetricSource } from "../types.js";
import { commandSource } from "./command-source.js";
import { functionSource } from "./function-source.js";
import { httpSource } from "./http-source.js";
import { prometheusSource } from "./prometheus-source.js";
import { sqlSource } from "./sql-source.js";

/**
 * The source that measures a metric, from its definition in values.yaml. Relative paths (a sqlite
 * file, a command's ./program) resolve against `dir`, the values file's folder. Every error the
 * source throws comes out as an EscalatorError PLUGIN_FAILED whose message names the metric and
 * the source kind, with the original error as its `cause`.
 */
export function metricSourceFor(
  name: string,
  metric: MetricConfig,
  dir: string,
  functions: ValueFunctionRegistry,
): MetricSource {
  const source = sourceOf(name, metric, dir, functions);
  return {
    kind: source.kind,
    async measure(ctx: MeasureContext): Promise<Measurement> {
      try {
        return await source.measure(ctx);
      } catch (error) {
        throw wrapPluginError(`metric "${name}" (${source.kind} source)`, error);
      }
    },
  };
}

function sourceOf(
  name: string,
  metric: MetricConfig,
  dir: string,
  functions: ValueFunctionRegistry,
): MetricSource {
  const timeoutMs = metric.timeout;
  if (metric.prometheus) return prometheusSource(metric.prometheus, timeoutMs);
  if (metric.sql) return sqlSource(metric.sql, dir, timeoutMs);
  if (metric.http) return httpSource(metric.http, timeoutMs);
  if (metric.command) return commandSource(metric.command, dir, timeoutMs);
  if (metric.function) return functionSource(name, functions, timeoutMs);
  throw new EscalatorError(
    "CONFIG_INVALID",
    `metric "${name}" has no source: give it one of prometheus, sql, http, command or function`,
  );
}
