import { request } from "undici";
import { z } from "zod";
import type { PrometheusSourceConfig } from "../../config/values-schema.js";
import { formatDuration } from "../../util/duration.js";
import { errorMessage } from "../../util/errors.js";
import type { MeasureContext, Measurement, MetricSource } from "../types.js";
import { windowText } from "./measurement.js";
import { BodyTooLargeError, innermostMessage, oneLine, readBody } from "./shared.js";

/** Releases that may go into PromQL: no quote, backslash, brace or space can reach the query. */
export const SAFE_RELEASE = /^[A-Za-z0-9._:+~^-]{1,128}$/;

const sample = z.tuple([z.number(), z.string()]);
const envelopeSchema = z.object({
  status: z.enum(["success", "error"]),
  data: z
    .object({
      resultType: z.string(),
      result: z.unknown(),
    })
    .optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});
const vectorSchema = z.array(
  z.object({
    metric: z.record(z.string(), z.string()),
    value: sample.optional(),
    histogram: z.unknown().optional(),
  }),
);

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
  const { url, shown, headers } = endpoint(base);
  const timeout = AbortSignal.timeout(timeoutMs);
  // Prometheus is given a little less time, so that its own error arrives before our deadline.
  const serverMs = Math.max(1, Math.floor(timeoutMs - Math.min(1000, timeoutMs / 2)));
  let status: number;
  let body: string;
  try {
    const response = await request(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        ...headers,
      },
      body: new URLSearchParams({
        query,
        time: (time.getTime() / 1000).toFixed(3),
        timeout: `${serverMs}ms`,
      }).toString(),
      signal: AbortSignal.any([signal, timeout]),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    status = response.statusCode;
    body = await readBody(response.body, shown);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    if (timeout.aborted)
      throw new Error(`no answer from Prometheus at ${shown} within ${formatDuration(timeoutMs)}`);
    if (signal.aborted) throw new Error(`aborted while querying ${shown}`);
    throw new Error(`cannot reach Prometheus at ${shown}: ${innermostMessage(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new Error(
      `the answer from ${shown} (HTTP ${status}) is not a Prometheus API response: ${oneLine(body)}`,
    );
  }
  const { data, error, errorType } = envelope.data;
  if (envelope.data.status === "error" || status < 200 || status > 299 || data === undefined) {
    throw new Error(
      `Prometheus answered HTTP ${status}${errorType ? ` ${errorType}` : ""}: ${error ?? "no error text"}; query: ${oneLine(query)}`,
    );
  }
  return singleValue(data.resultType, data.result, query, time);
}

function singleValue(resultType: string, result: unknown, query: string, time: Date): number {
  let raw: string;
  if (resultType === "scalar") {
    raw = shaped(sample, result)[1];
  } else if (resultType === "vector") {
    const series = shaped(vectorSchema, result);
    if (series.length === 0) {
      throw new Error(
        `the query matched no series at ${time.toISOString()}: ${oneLine(query)}; if no data means zero, append "or vector(0)"`,
      );
    }
    if (series.length > 1) {
      const shown = series.slice(0, 3).map((s) => labelSet(s.metric));
      const more = series.length > 3 ? `, and ${series.length - 3} more` : "";
      throw new Error(
        `the query returned ${series.length} series, expected one: ${shown.join(", ")}${more}; aggregate it, e.g. sum(...)`,
      );
    }
    const [only] = series;
    if (only?.value === undefined) {
      throw new Error(
        "the query returned a native histogram; wrap it in histogram_count() or histogram_quantile()",
      );
    }
    raw = only.value[1];
  } else {
    const kind = resultType === "matrix" ? "a range vector (matrix)" : `a ${resultType}`;
    throw new Error(`the query must return one series or a scalar, but returned ${kind}: ${oneLine(query)}`);
  }
  const value = raw === "+Inf" || raw === "Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
  if (!Number.isFinite(value)) {
    throw new Error(`the query returned ${raw} (e.g. a division by zero); it must return a finite number`);
  }
  return value;
}

function shaped<T>(schema: z.ZodType<T>, result: unknown): T {
  const parsed = schema.safeParse(result);
  if (parsed.success) return parsed.data;
  throw new Error(
    `Prometheus answered with an unexpected result shape: ${oneLine(JSON.stringify(result) ?? "")}`,
  );
}

function labelSet(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{${pairs.join(", ")}}`;
}

/** The query endpoint, the base URL as shown in messages (password hidden), and basic auth from the URL. */
function endpoint(base: string): { url: URL; shown: string; headers: Record<string, string> } {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v1/query`;
  url.search = "";
  url.hash = "";
  const shown = new URL(base);
  if (shown.password !== "") shown.password = "***";
  const headers: Record<string, string> = {};
  if (url.username !== "" || url.password !== "") {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  return { url, shown: shown.toString(), headers };
}
