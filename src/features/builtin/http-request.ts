import { performance } from "node:perf_hooks";
import { type Dispatcher, getGlobalDispatcher } from "undici";
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

/** The last base URL checked, and its href without trailing slashes (a load test uses one base throughout). */
let lastBase: { base: string | undefined; text: string } = { base: undefined, text: "" };

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
  let baseText = lastBase.base === base ? lastBase.text : undefined;
  if (baseText === undefined) {
    const baseUrl = parseBaseUrl(base, world.http.baseUrl === undefined ? "--target" : "the base URL");
    baseText = baseUrl.href.replace(/\/+$/, "");
    lastBase = { base, text: baseText };
  }
  if (target === "" || target.startsWith("?") || target.startsWith("#"))
    return new URL(`${baseText}${target}`);
  return new URL(`${baseText}/${target.replace(/^\/+/, "")}`);
}

/**
 * Sends one request for a step and records the response as the scenario's last response. It goes
 * through `parameters.dispatcher` when one is given, and is reported to `parameters.onRequest`
 * (see HttpRequestReport for what counts as ok). The scenario's first request is reported with
 * `parameters.startDelayMs` added (a load test's late journey start; see HttpWorldParameters).
 */
export async function sendStepRequest(
  world: HttpWorld,
  method: HttpMethod,
  target: string,
  body?: OutgoingBody,
): Promise<HttpResponseRecord> {
  const state = world.http;
  const parameters = world.parameters;
  const url = resolveRequestUrl(
    target.includes("{{") ? substituteUrlVariables(target, state.variables) : target,
    world,
  );
  const timeoutMs = resolveStepTimeoutMs(parameters);
  const onRequest = parameters?.onRequest;

  const headers: Record<string, string> = {};
  if (state.headers.size > 0)
    for (const [name, value] of state.headers) headers[name] = substituteVariables(value, state.variables);
  const cookies = state.cookies.cookieHeader(url);
  if (cookies !== undefined) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookies}` : cookies;
  if (body !== undefined && headers["content-type"] === undefined) headers["content-type"] = body.contentType;

  const payload =
    body === undefined
      ? null
      : body.preSubstituted
        ? body.text
        : substituteVariables(body.text, state.variables);

  // The first request of a journey that started late is measured from when it was due.
  let charged = 0;
  if (onRequest !== undefined && state.startDelayCharged !== true) {
    state.startDelayCharged = true;
    const delay = parameters?.startDelayMs;
    if (delay !== undefined && delay > 0) charged = delay;
  }
  const started = performance.now();
  let status: number | undefined;
  try {
    const response = await dispatchRequest(
      parameters?.dispatcher ?? getGlobalDispatcher(),
      { origin: url.origin, path: `${url.pathname}${url.search}`, method, headers, body: payload },
      timeoutMs,
    );
    status = response.status;
    const elapsedMs = performance.now() - started;
    const setCookie = response.headers["set-cookie"];
    if (setCookie !== undefined) state.cookies.store(url, Array.isArray(setCookie) ? setCookie : [setCookie]);
    const record = responseRecord(method, url.href, status, response.headers, response.text, elapsedMs);
    state.response = record;
    onRequest?.({ name: `${method} ${url.pathname}`, ms: elapsedMs + charged, ok: status < 400, status });
    return record;
  } catch (error) {
    const label = `${method} ${url.href}`;
    const failure =
      error instanceof RequestTimeout
        ? new Error(`${label} timed out after ${timeoutMs} ms`, { cause: error })
        : new Error(
            `${label} failed: ${error instanceof Error ? describeNetworkError(error) : String(error)}`,
            { cause: error },
          );
    onRequest?.({
      name: `${method} ${url.pathname}`,
      ms: performance.now() - started + charged,
      ok: false,
      ...(status === undefined ? {} : { status }),
      error: failure.message,
    });
    throw failure;
  }
}

class RequestTimeout extends Error {}

interface RawResponse {
  status: number;
  headers: HttpResponseRecord["headers"];
  text: string;
}

/**
 * One request through undici's dispatch API, the body collected as UTF-8 text (a BOM skipped, as
 * undici's `request().body.text()` does). Lower level than `request()`: no stream and no
 * AbortSignal per request, which matters when a load test sends tens of thousands a second.
 * After `timeoutMs` it rejects with RequestTimeout and aborts the request.
 */
function dispatchRequest(
  dispatcher: Dispatcher,
  options: {
    origin: string;
    path: string;
    method: string;
    headers: Record<string, string>;
    body: string | null;
  },
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new ResponseCollector(resolve, reject, timeoutMs));
  });
}

class ResponseCollector implements Dispatcher.DispatchHandler {
  #status = 0;
  #headers: HttpResponseRecord["headers"] = {};
  #chunks: Buffer[] = [];
  #length = 0;
  #controller: Dispatcher.DispatchController | undefined;
  #reason: Error | undefined;
  #settled = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (response: RawResponse) => void,
    private readonly reject: (error: Error) => void,
    timeoutMs: number,
  ) {
    this.#timer = setTimeout(() => this.#timeout(timeoutMs), timeoutMs);
  }

  #timeout(ms: number): void {
    this.#reason = new RequestTimeout(`timed out after ${ms} ms`);
    this.#controller?.abort(this.#reason);
    this.#fail(this.#reason);
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.reject(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#reason) controller.abort(this.#reason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: RawResponse["headers"],
  ): void {
    if (statusCode < 200) return;
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    const chunks = this.#chunks;
    const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#length);
    const bom = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
    this.resolve({
      status: this.#status,
      headers: this.#headers,
      text: buffer.toString("utf8", bom ? 3 : 0),
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(error);
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
