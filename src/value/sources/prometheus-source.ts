import type { PrometheusSourceConfig } from "../../config/values-schema.js";
import { errorMessage } from "../../util/errors.js";
import { oneLine } from "../../util/http-text.js";
import { type PromSample, queryPrometheus } from "../../util/prometheus-query.js";
import type { MeasureContext, Measurement, MetricSource } from "../types.js";
import { windowText } from "./measurement.js";

/** Releases that may go into PromQL: no quote, backslash, brace or space can reach the query. */
export const SAFE_RELEASE = /^[A-Za-z0-9._:+~^-]{1,128}$/;

/**
 * A metric read from Prometheus: `query` (and `exposure`) evaluated as instant queries at the end
 * of the window, with `$release` and `$window` (whole seconds, "600s") substituted.
 */
export function prometheusSource(config: PrometheusSourceConfig, timeoutMs: number): MetricSource {
  return {
    kind: "prometheus",
    async measure(ctx: MeasureContext): Promise<Measurement> {
      if (!SAFE_RELEASE.test(ctx.release)) {
        throw new Error(
          `refusing to put release ${JSON.stringify(ctx.release)} into PromQL: a release for a Prometheus metric uses only letters, digits and . _ : + ~ ^ - (at most 128)`,
        );
      }
      const fill = (query: string) =>
        query.replace(/\$(release|window)\b/g, (_, name: string) =>
          name === "release" ? ctx.release : windowText(ctx.windowMs),
        );
      const ask = (query: string, role: string) =>
        instantValue(config.url, fill(query), ctx.until, timeoutMs, ctx.signal).catch((error: unknown) => {
          throw new Error(`${role}: ${errorMessage(error)}`, { cause: error });
        });
      const [value, exposure] = await Promise.all([
        ask(config.query, "query"),
        config.exposure === undefined ? undefined : ask(config.exposure, "exposure query"),
      ]);
      return { value, ...(exposure === undefined ? {} : { exposure }) };
    },
  };
}

/** Runs one instant query at `time` and returns its single value; throws a worded Error otherwise. */
export async function instantValue(
  base: string,
  query: string,
  time: Date,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number> {
  const answer = await queryPrometheus({ url: base, query, time, timeoutMs, signal });
  if (!answer.ok) throw new Error(answer.message);
  return singleValue(answer.samples, query, time);
}

function singleValue(samples: readonly PromSample[], query: string, time: Date): number {
  if (samples.length === 0) {
    throw new Error(
      `the query matched no series at ${time.toISOString()}: ${oneLine(query)}; if no data means zero, append "or vector(0)"`,
    );
  }
  if (samples.length > 1) {
    const shown = samples.slice(0, 3).map((s) => labelSet(s.labels));
    const more = samples.length > 3 ? `, and ${samples.length - 3} more` : "";
    throw new Error(
      `the query returned ${samples.length} series, expected one: ${shown.join(", ")}${more}; aggregate it, e.g. sum(...)`,
    );
  }
  const [only] = samples as [PromSample];
  if (!Number.isFinite(only.value)) {
    throw new Error(
      `the query returned ${only.raw} (e.g. a division by zero); it must return a finite number`,
    );
  }
  return only.value;
}

function labelSet(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{${pairs.join(", ")}}`;
}
