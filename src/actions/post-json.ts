import { request } from "undici";
import { formatDuration } from "../util/duration.js";
import { errorMessage } from "../util/errors.js";
import { TailBuffer } from "../util/tail-buffer.js";

export interface PostJsonOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Response bytes kept. Default 64 KiB. */
  bodyLimit?: number;
  onBody?: (chunk: string) => void;
}

export interface PostJsonOutcome {
  /** HTTP status, or null when no response came. */
  status: number | null;
  /** Tail of the response body. */
  body: string;
  timedOut: boolean;
  aborted: boolean;
  /** Why no response came, e.g. "connect ECONNREFUSED 127.0.0.1:9" or "timed out after 30s". */
  error?: string;
}

/** POSTs a JSON document with undici. Never throws. */
export async function postJson(
  url: string,
  document: unknown,
  options: PostJsonOptions,
): Promise<PostJsonOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const body = new TailBuffer(options.bodyLimit ?? 64 * 1024);
  let status: number | null = null;
  try {
    const response = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body: JSON.stringify(document),
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    status = response.statusCode;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      body.write(chunk);
      options.onBody?.(chunk.toString("utf8"));
    }
    return { status, body: body.toString(), timedOut: false, aborted: false };
  } catch (error) {
    const timedOut = timeout.aborted;
    const aborted = !timedOut && (options.signal?.aborted ?? false);
    const message = timedOut
      ? `timed out after ${formatDuration(options.timeoutMs)}`
      : aborted
        ? "aborted"
        : innermostMessage(error);
    return { status, body: body.toString(), timedOut, aborted, error: message };
  }
}

/** undici may wrap the socket error; the innermost one says what happened. */
function innermostMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0];
  return errorMessage(current);
}
