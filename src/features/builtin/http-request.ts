import { performance } from "node:perf_hooks";
import { request } from "undici";
import { truncate } from "./failure-text.js";
import type { HttpResponseRecord, HttpWorld, HttpWorldParameters } from "./http-world.js";
import { substituteUrlVariables, substituteVariables } from "./step-variables.js";

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
export const STEP_TIMEOUT_ENV = "ESCALATOR_STEP_TIMEOUT_MS";

export type HttpMethod = "GET" | "DELETE" | "HEAD" | "POST" | "PUT";

export interface OutgoingBody {
  contentType: string;
  text: string;
  /** The caller already substituted `{{name}}` (form fields, substituted before encoding). */
  preSubstituted?: boolean;
}

/** The request timeout: the world's `stepTimeoutMs`, else ESCALATOR_STEP_TIMEOUT_MS, else 10 s. */
export function resolveStepTimeoutMs(
  parameters: HttpWorldParameters | undefined,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (parameters?.stepTimeoutMs !== undefined) return positive(parameters.stepTimeoutMs, "stepTimeoutMs");
  const fromEnv = env[STEP_TIMEOUT_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return positive(Number(fromEnv), STEP_TIMEOUT_ENV);
  return DEFAULT_STEP_TIMEOUT_MS;
}

function positive(value: number, source: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${source} must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks a base URL given to `Given the base URL is ...` or `--target`. */
export function parseBaseUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `${source} ${JSON.stringify(text)} is not an absolute URL; write it like "https://shop.example"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`${source} ${JSON.stringify(text)} must use http or https, not ${url.protocol}`);
  }
  return url;
}

/**
 * An absolute http(s) URL is used as it is. Anything else is appended to the base URL, keeping
 * the base's path: with base "https://shop.example/store", "/cart" is "https://shop.example/store/cart".
 */
export function resolveRequestUrl(target: string, world: HttpWorld): URL {
  if (/^https?:\/\//i.test(target)) return parseBaseUrl(target, "the URL");
  const base = world.http.baseUrl ?? world.parameters?.target;
  if (base === undefined || base === "") {
    throw new Error(
      `cannot request the relative path ${JSON.stringify(target)}: no base URL is set; add a step 'Given the base URL is "https://..."' or run with --target URL`,
    );
  }
  const baseUrl = parseBaseUrl(base, world.http.baseUrl === undefined ? "--target" : "the base URL");
  const baseText = baseUrl.href.replace(/\/+$/, "");
  if (target === "" || target.startsWith("?") || target.startsWith("#"))
    return new URL(`${baseText}${target}`);
  return new URL(`${baseText}/${target.replace(/^\/+/, "")}`);
}

/** Sends one request for a step and records the response as the scenario's last response. */
export async function sendStepRequest(
  world: HttpWorld,
  method: HttpMethod,
  target: string,
  body?: OutgoingBody,
): Promise<HttpResponseRecord> {
  const state = world.http;
  const url = resolveRequestUrl(substituteUrlVariables(target, state.variables), world);
  const timeoutMs = resolveStepTimeoutMs(world.parameters);
  const label = `${method} ${url.href}`;

  const headers: Record<string, string> = {};
  for (const [name, value] of state.headers) headers[name] = substituteVariables(value, state.variables);
  const cookies = state.cookies.cookieHeader(url);
  if (cookies !== undefined) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookies}` : cookies;
  if (body !== undefined && headers["content-type"] === undefined) headers["content-type"] = body.contentType;

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const started = performance.now();
  try {
    const response = await request(url, {
      method,
      headers,
      body:
        body === undefined
          ? undefined
          : body.preSubstituted
            ? body.text
            : substituteVariables(body.text, state.variables),
      signal: controller.signal,
    });
    const text = await response.body.text();
    const elapsedMs = performance.now() - started;
    const setCookie = response.headers["set-cookie"];
    if (setCookie !== undefined) state.cookies.store(url, Array.isArray(setCookie) ? setCookie : [setCookie]);
    const record = responseRecord(method, url.href, response.statusCode, response.headers, text, elapsedMs);
    state.response = record;
    return record;
  } catch (error) {
    if (timedOut) throw new Error(`${label} timed out after ${timeoutMs} ms`, { cause: error });
    const reason = error instanceof Error ? describeNetworkError(error) : String(error);
    throw new Error(`${label} failed: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function describeNetworkError(error: Error): string {
  const cause = error.cause instanceof Error ? error.cause : undefined;
  return cause && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message;
}

function responseRecord(
  method: string,
  url: string,
  status: number,
  headers: HttpResponseRecord["headers"],
  body: string,
  elapsedMs: number,
): HttpResponseRecord {
  let parsed: { value: unknown } | undefined;
  return {
    method,
    url,
    status,
    headers,
    body,
    elapsedMs,
    json() {
      if (parsed === undefined) {
        try {
          parsed = { value: JSON.parse(body) };
        } catch (error) {
          const type = headers["content-type"] ?? "no content-type";
          throw new Error(
            `the response from ${method} ${url} is not JSON (${String(type)}): ${(error as Error).message}; the body was: ${truncate(body)}`,
          );
        }
      }
      return parsed.value;
    },
  };
}
