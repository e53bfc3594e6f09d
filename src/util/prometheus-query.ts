import { request } from "undici";
import { z } from "zod";
import { formatDuration } from "./duration.js";
import { innermostMessage, oneLine } from "./http-text.js";
import { isTimeoutReason } from "./is-timeout-reason.js";

/** One float sample of an instant vector, or the scalar (with no labels). */
export interface PromSample {
  labels: Record<string, string>;
  /** The value as Prometheus wrote it: "0.9", "NaN", "+Inf". */
  raw: string;
  value: number;
}

export type PromAnswer =
  | { ok: true; resultType: "vector" | "scalar"; samples: PromSample[]; warnings: string[] }
  | { ok: false; message: string };

export interface InstantQuery {
  /** Prometheus base URL; /api/v1/query is appended to its path. */
  url: string;
  query: string;
  /** The whole request's deadline. Prometheus is asked to give up a little earlier. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Evaluation time; Prometheus's "now" when unset. */
  time?: Date;
}

/** Largest answer read; a bigger one is a query that returns far too many series for a check. */
const BODY_LIMIT = 16 * 1024 * 1024;

const sample = z.tuple([z.number(), z.string()]);
const envelopeSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    data: z.discriminatedUnion("resultType", [
      z.object({
        resultType: z.literal("vector"),
        result: z.array(
          z.object({
            metric: z.record(z.string(), z.string()),
            value: sample.optional(),
            histogram: z.unknown().optional(),
          }),
        ),
      }),
      z.object({ resultType: z.literal("scalar"), result: sample }),
      z.object({ resultType: z.literal("matrix"), result: z.unknown() }),
      z.object({ resultType: z.literal("string"), result: z.unknown() }),
    ]),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({
    status: z.literal("error"),
    errorType: z.string().optional(),
    error: z.string().optional(),
  }),
]);
type Envelope = z.infer<typeof envelopeSchema>;

/**
 * Runs one instant query with POST /api/v1/query (form body) and interprets the answer. Shared by the
 * `prometheus` check kind and the value layer's Prometheus source.
 * Never throws: every failure is `{ ok: false, message }` worded for an operator.
 */
export async function queryPrometheus(q: InstantQuery): Promise<PromAnswer> {
  const target = endpoint(q.url);
  if ("error" in target) return { ok: false, message: target.error };
  const { url, shown, authorization } = target;
  const fail = (message: string): PromAnswer => ({ ok: false, message });

  // Prometheus is given less time, up to 1 s less (half of a short timeout), so that it stops the
  // query itself and its 503 arrives before our own deadline cuts the connection.
  const serverMs = Math.max(1, Math.floor(q.timeoutMs - Math.min(1000, q.timeoutMs / 2)));
  const timeout = AbortSignal.timeout(q.timeoutMs);
  let status: number;
  let contentType: string;
  let body: string;
  try {
    const response = await request(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        ...(authorization ? { authorization } : {}),
      },
      body: new URLSearchParams({
        query: q.query,
        ...(q.time ? { time: (q.time.getTime() / 1000).toFixed(3) } : {}),
        timeout: `${serverMs}ms`,
      }).toString(),
      signal: AbortSignal.any([q.signal, timeout]),
      headersTimeout: q.timeoutMs,
      bodyTimeout: q.timeoutMs,
      // A fresh connection per probe: a pooled one would hide connect failures.
      reset: true,
    });
    status = response.statusCode;
    contentType = String(response.headers["content-type"] ?? "no content type");
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        response.body.destroy();
        return fail(
          `the answer from ${shown} is larger than ${BODY_LIMIT / 1024 / 1024} MiB; narrow the query`,
        );
      }
      chunks.push(chunk);
    }
    body = Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    if (timeout.aborted || isTimeoutReason(q.signal.reason)) {
      return fail(`no answer from Prometheus at ${shown} within ${formatDuration(q.timeoutMs)}`);
    }
    if (q.signal.aborted) return fail(`aborted while querying ${shown}`);
    return fail(`cannot reach Prometheus at ${shown}: ${innermostMessage(error)}`);
  }

  const envelope = parseEnvelope(body);
  const failure = envelope?.status === "error" ? envelope : undefined;
  const code = `HTTP ${status}${failure?.errorType ? ` ${failure.errorType}` : ""}`;
  const text = failure ? oneLine(failure.error ?? "no error text", 500) : snippet(body) || "(empty body)";
  const query = oneLine(q.query, 200);
  if (status === 400) return fail(`Prometheus rejected the query (${code}): ${text}; query: ${query}`);
  if (status === 422) return fail(`Prometheus cannot execute the query (${code}): ${text}; query: ${query}`);
  if (status === 503) {
    return fail(
      `the query timed out or was aborted in Prometheus (${code}): ${text}; it was given ${formatDuration(serverMs)}`,
    );
  }
  if (status < 200 || status > 299) return fail(`${code} from ${shown}: ${text}`);
  if (envelope === undefined) {
    return fail(
      `the answer from ${shown} is not a Prometheus API response (HTTP ${status}, ${contentType}): ${text}`,
    );
  }
  if (envelope.status === "error") return fail(`Prometheus answered ${code} with an error: ${text}`);
  return toSamples(envelope, shown);
}

function toSamples(envelope: Extract<Envelope, { status: "success" }>, shown: string): PromAnswer {
  const warnings = envelope.warnings ?? [];
  const { data } = envelope;
  if (data.resultType === "scalar") {
    const [, raw] = data.result;
    return {
      ok: true,
      resultType: "scalar",
      samples: [{ labels: {}, raw, value: sampleValue(raw) }],
      warnings,
    };
  }
  if (data.resultType === "vector") {
    const samples: PromSample[] = [];
    for (const { metric, value } of data.result) {
      if (value === undefined) {
        return {
          ok: false,
          message: `the query returned native histogram samples; wrap it in a function that returns floats, such as histogram_quantile or histogram_count`,
        };
      }
      samples.push({ labels: metric, raw: value[1], value: sampleValue(value[1]) });
    }
    return { ok: true, resultType: "vector", samples, warnings };
  }
  const kind = data.resultType === "matrix" ? "a range vector (matrix)" : "a string";
  return {
    ok: false,
    message: `the query must return an instant vector or a scalar, but ${shown} returned ${kind}; use an instant selector or a function such as max_over_time()`,
  };
}

/** Prometheus writes Go floats: "0.9", "1e+06", "NaN", "+Inf", "-Inf". Number() knows all but the infinities. */
function sampleValue(raw: string): number {
  if (raw === "+Inf" || raw === "Inf") return Number.POSITIVE_INFINITY;
  if (raw === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

function parseEnvelope(body: string): Envelope | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = envelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The query endpoint, the URL to show in messages (password hidden) and the basic authorization
 * header for credentials written in the URL.
 */
function endpoint(base: string): { url: string; shown: string; authorization?: string } | { error: string } {
  if (!URL.canParse(base)) return { error: `not a valid URL: ${base}` };
  const url = new URL(base);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { error: `not an http(s) URL: ${base}` };
  }
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v1/query`;
  url.search = "";
  url.hash = "";
  const shown = new URL(url);
  if (shown.password !== "") shown.password = "***";
  let authorization: string | undefined;
  if (url.username !== "" || url.password !== "") {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  return { url: url.toString(), shown: shown.toString(), ...(authorization ? { authorization } : {}) };
}

function snippet(body: string): string {
  return oneLine(body, 200);
}
