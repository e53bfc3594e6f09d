import { JSONPath } from "jsonpath-plus";
import { request } from "undici";
import type { HttpSourceConfig } from "../../config/values-schema.js";
import { formatDuration } from "../../util/duration.js";
import { errorMessage } from "../../util/errors.js";
import { innermostMessage, oneLine } from "../../util/http-text.js";
import type { MeasureContext, Measurement, MetricSource } from "../types.js";
import { describe, toNumber, windowText } from "./measurement.js";
import { BodyTooLargeError, hidePassword, readBody } from "./shared.js";

/**
 * A metric read from a JSON endpoint: GET `url` with `$release` and `$window` ("600s")
 * substituted URL-encoded, then `json_path` (the value), `exposure_path` and `samples_path`
 * (an array of numbers, or every number the path matches). Without json_path the value is the
 * number of samples.
 */
export function httpSource(config: HttpSourceConfig, timeoutMs: number): MetricSource {
  return {
    kind: "http",
    async measure(ctx: MeasureContext): Promise<Measurement> {
      const url = config.url.replace(/\$(release|window)\b/g, (_, name: string) =>
        encodeURIComponent(name === "release" ? ctx.release : windowText(ctx.windowMs)),
      );
      const json = await getJson(url, config.headers ?? {}, timeoutMs, ctx.signal);
      const samples = config.samples_path === undefined ? undefined : readSamples(json, config.samples_path);
      const value =
        config.json_path === undefined
          ? (samples?.length ?? 0)
          : readNumber(json, config.json_path, "json_path");
      const exposure =
        config.exposure_path === undefined
          ? undefined
          : readNumber(json, config.exposure_path, "exposure_path");
      return {
        value,
        ...(exposure === undefined ? {} : { exposure }),
        ...(samples === undefined ? {} : { samples }),
      };
    },
  };
}

async function getJson(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<unknown> {
  const shown = hidePassword(url);
  const timeout = AbortSignal.timeout(timeoutMs);
  let status: number;
  let body: string;
  try {
    const response = await request(url, {
      method: "GET",
      headers: { accept: "application/json", ...headers },
      signal: AbortSignal.any([signal, timeout]),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    status = response.statusCode;
    body = await readBody(response.body, shown);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    if (timeout.aborted) throw new Error(`no answer from ${shown} within ${formatDuration(timeoutMs)}`);
    if (signal.aborted) throw new Error(`aborted while requesting ${shown}`);
    throw new Error(`cannot GET ${shown}: ${innermostMessage(error)}`, { cause: error });
  }
  if (status < 200 || status > 299) {
    throw new Error(`GET ${shown} answered HTTP ${status}: ${oneLine(body) || "(empty body)"}`);
  }
  try {
    return JSON.parse(body);
  } catch {
    throw new Error(`GET ${shown} answered HTTP ${status} with a body that is not JSON: ${oneLine(body)}`);
  }
}

function query(json: unknown, path: string, key: string): unknown[] {
  if (!path.startsWith("$")) {
    throw new Error(`${key} ${JSON.stringify(path)} is not a JSONPath; start it with "$", e.g. "$.errors"`);
  }
  try {
    return JSONPath({ path, json: json as object, wrap: true }) as unknown[];
  } catch (error) {
    throw new Error(`${key} ${JSON.stringify(path)} is not a valid JSONPath: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

function readNumber(json: unknown, path: string, key: string): number {
  const matches = query(json, path, key);
  if (matches.length === 0) throw new Error(`${key} ${path} matches nothing in ${describe(json)}`);
  if (matches.length > 1) {
    throw new Error(`${key} ${path} matches ${matches.length} values; it must match exactly one number`);
  }
  return toNumber(matches[0], `the value at ${key} ${path}`);
}

function readSamples(json: unknown, path: string): number[] {
  const matches = query(json, path, "samples_path");
  const [only] = matches;
  const values = matches.length === 1 && Array.isArray(only) ? only : matches;
  return values.map((v, i) => toNumber(v, `sample ${i + 1} at samples_path ${path}`));
}
