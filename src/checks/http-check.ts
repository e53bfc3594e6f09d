import { performance } from "node:perf_hooks";
import { request } from "undici";
import type { CheckState } from "../config/schema.js";
import { formatDuration } from "../util/duration.js";
import { errorMessage } from "../util/errors.js";
import { isTimeoutReason } from "../util/is-timeout-reason.js";
import { substitute, substituteUrl, type TemplateValues } from "../util/template.js";
import type { Check, CheckContext, CheckResult, PerfDatum } from "./types.js";

/** Body bytes kept for the `contains` test; the size is counted in full. */
const BODY_LIMIT = 1024 * 1024;

/** Requests a URL; OK when the status is as expected and the body contains the expected text. */
export const httpCheck: Check = {
  kind: "http",
  async run(ctx: CheckContext, signal: AbortSignal): Promise<CheckResult> {
    const started = performance.now();
    const probe = ctx.check.http;
    const result = (state: CheckState, message: string, perfdata: PerfDatum[] = []): CheckResult => ({
      state,
      message,
      perfdata,
      durationMs: performance.now() - started,
    });
    if (!probe) return result("UNKNOWN", "http check without an http probe");

    const values: TemplateValues = { environment: ctx.environment, level: ctx.check.level };
    if (ctx.target !== undefined) values.target = ctx.target;
    const substituted = substituteUrl(probe.url, values);
    if ("error" in substituted) return result("UNKNOWN", `HTTP UNKNOWN - ${substituted.error}`);
    const url = substituted.url;
    if (!URL.canParse(url)) return result("UNKNOWN", `HTTP UNKNOWN - not a valid URL: ${url}`);
    const headers = Object.fromEntries(
      Object.entries(probe.headers ?? {}).map(([name, value]) => [name, substitute(value, values)]),
    );
    const timeoutMs = probe.timeout ?? ctx.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);

    let status: number;
    let size = 0;
    let body = "";
    try {
      const response = await request(url, {
        method: probe.method,
        headers,
        signal: AbortSignal.any([signal, timeout]),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        // A fresh connection per probe: a pooled one would hide connect failures.
        reset: true,
      });
      status = response.statusCode;
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (size < BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
      }
      body = Buffer.concat(chunks).toString("utf8");
    } catch (error) {
      if (timeout.aborted || isTimeoutReason(signal.reason)) {
        return result("CRITICAL", `HTTP CRITICAL - timed out after ${formatDuration(timeoutMs)} on ${url}`);
      }
      if (signal.aborted) return result("UNKNOWN", `HTTP UNKNOWN - aborted: ${url}`);
      return result("CRITICAL", `HTTP CRITICAL - ${describeError(error)} (${url})`);
    }

    const seconds = (performance.now() - started) / 1000;
    const perfdata: PerfDatum[] = [
      { label: "time", value: Number(seconds.toFixed(6)), uom: "s", min: 0 },
      { label: "size", value: size, uom: "B", min: 0 },
    ];
    if (!statusMatches(status, probe.status)) {
      const expected = describeExpected(probe.status);
      return result("CRITICAL", `HTTP CRITICAL - HTTP ${status} from ${url}, expected ${expected}`, perfdata);
    }
    if (probe.contains !== undefined && !body.includes(probe.contains)) {
      const message = `HTTP CRITICAL - HTTP ${status} from ${url}, body does not contain ${JSON.stringify(probe.contains)}`;
      return result("CRITICAL", message, perfdata);
    }
    const ms = (seconds * 1000).toFixed(1);
    return result("OK", `HTTP OK - HTTP ${status} from ${url}, ${size} bytes in ${ms} ms`, perfdata);
  },
};

function statusMatches(status: number, expected: number | number[] | undefined): boolean {
  if (expected === undefined) return status >= 200 && status < 400;
  return Array.isArray(expected) ? expected.includes(status) : status === expected;
}

function describeExpected(expected: number | number[] | undefined): string {
  if (expected === undefined) return "2xx or 3xx";
  if (!Array.isArray(expected)) return String(expected);
  return expected.length === 1 ? String(expected[0]) : `one of ${expected.join(", ")}`;
}

/** undici may wrap the socket error; the innermost one says what happened ("connect ECONNREFUSED ..."). */
function describeError(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0];
  return errorMessage(current);
}
