import type { Dispatcher } from "undici";
import { CookieJar } from "./cookie-jar.js";

/** The last response a scenario received, kept for the `Then` steps. */
export interface HttpResponseRecord {
  method: string;
  url: string;
  status: number;
  /** Header names in lower case; repeated headers keep every value. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** From sending the request to reading the last byte of the body. */
  elapsedMs: number;
  /** The body parsed as JSON, on first use; throws a clear error when it is not JSON. */
  json(): unknown;
}

/** What the built-in HTTP steps remember within one scenario. */
export interface HttpState {
  /** Set by `Given the base URL is ...`; otherwise the world's `target` parameter is used. */
  baseUrl?: string;
  /** Request headers set by `Given the request header ...`, sent with every later request. */
  headers: Map<string, string>;
  cookies: CookieJar;
  /** Values saved by `When I save the JSON at ... as ...`, used as `{{name}}`. */
  variables: Map<string, unknown>;
  response?: HttpResponseRecord;
  /** Set once `parameters.startDelayMs` has been charged to a request (only the scenario's first gets it). */
  startDelayCharged?: boolean;
}

/**
 * One request the built-in steps sent, as reported to `onRequest` (used by `escalator load`).
 * `name` is "METHOD /path": no host, no query string, so URLs that differ only in their query
 * are one name. `ok` follows the usual load-testing rule: a response with a status below 400.
 * A 4xx or 5xx response is not ok even when the scenario expected it (the step decides whether
 * the scenario passes; this only describes the request). A network error or timeout has no
 * status, and `error` says what happened.
 */
export interface HttpRequestReport {
  name: string;
  /**
   * From sending the request to reading the last byte of the body (or to the failure). For the
   * scenario's first request, plus `parameters.startDelayMs` when that is set (see there).
   */
  ms: number;
  ok: boolean;
  status?: number;
  error?: string;
}

export interface HttpWorldParameters {
  /** Base URL from `--target`, used when no `Given the base URL is ...` step ran. */
  target?: string;
  /** Per-request timeout; otherwise ESCALATOR_STEP_TIMEOUT_MS, otherwise 10 s. */
  stepTimeoutMs?: number;
  /** The undici dispatcher to send through (a load test's connection pool); default undici's global one. */
  dispatcher?: Dispatcher;
  /** Told about every request the built-in steps send, after it completed or failed. */
  onRequest?: (report: HttpRequestReport) => void;
  /**
   * Set by `escalator load` in the open model, per journey: how late the journey started, in ms
   * (its actual start minus its intended start on the arrival schedule; absent when it started on
   * time or early). In the closed model a journey's intended start is its actual start, read just
   * before the runner is called, so this is at most the microsecond or so between the two clock
   * reads, and `escalator test` never sets it. The first
   * request the built-in steps send in the scenario is reported to `onRequest` as taking this much
   * longer, i.e. measured from when it would have been sent had the journey started on time. So a
   * late start (a busy event loop, the in-flight cap) shows in request latency, as it does in the
   * journey's, rather than being hidden (coordinated omission). Only the first request is charged:
   * later ones follow on from it, as a real user's would. The response's own `elapsedMs` is not
   * changed.
   */
  startDelayMs?: number;
}

/** The World the built-in HTTP steps run against; a fresh one per scenario. */
export interface HttpWorld {
  parameters: HttpWorldParameters;
  http: HttpState;
}

export function createHttpState(): HttpState {
  return { headers: new Map(), cookies: new CookieJar(), variables: new Map() };
}

export function createHttpWorld(parameters: HttpWorldParameters = {}): HttpWorld {
  return { parameters, http: createHttpState() };
}
