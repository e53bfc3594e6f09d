import type { ReadableStreamReadResult } from "node:stream/web";
import type { Context } from "hono";
import { errorMessage } from "../../util/errors.js";
import { RepoError } from "../types.js";
import { HttpError } from "./errors.js";

/** Largest JSON body the API reads (tag and channel requests are small). */
export const MAX_JSON_BYTES = 1_048_576;

export interface BodyChunksOptions {
  /** Abort with UPLOAD_TIMEOUT when no byte arrives for this long; unset: wait forever. */
  idleMs?: number;
}

/** One read, or UPLOAD_TIMEOUT when nothing arrives within `idleMs`. */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleMs: number | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (idleMs === undefined) return reader.read();
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HttpError(
            "UPLOAD_TIMEOUT",
            `no bytes of the request body arrived for ${Math.round(idleMs / 1000)} s; the upload was aborted`,
          ),
        ),
      idleMs,
    );
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The request body as chunks; stopping early (a refused upload) cancels the rest of the stream.
 * A body that fails to read (the client disconnected) throws CLIENT_GONE; one silent for longer
 * than `idleMs` throws UPLOAD_TIMEOUT. Either way the consumer (the pool) removes what it wrote.
 */
export async function* bodyChunks(
  body: ReadableStream<Uint8Array>,
  options: BodyChunksOptions = {},
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  let received = 0;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await readWithin(reader, options.idleMs);
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(
          "CLIENT_GONE",
          `the client went away after sending ${received} bytes: ${errorMessage(error)}`,
          { cause: error },
        );
      }
      if (result.done) {
        finished = true;
        return;
      }
      received += result.value.byteLength;
      yield result.value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    try {
      reader.releaseLock();
    } catch {
      // a read still pending after a timeout: the stream is cancelled anyway
    }
  }
}

/** The declared Content-Length, or undefined when absent (chunked) or not a number. */
export function declaredLength(c: Context): number | undefined {
  const header = c.req.header("content-length");
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}

/**
 * Whether a Content-Type header is JSON: application/json, with at most a UTF-8 charset.
 * Requiring it keeps HTML forms (which cannot send it without a CORS preflight) from writing.
 */
export function isJsonContentType(header: string): boolean {
  const [type = "", ...params] = header.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((param) => {
    if (param === "") return true;
    const [name, value = ""] = param.split("=").map((part) => part.trim());
    return name === "charset" && /^"?utf-?8"?$/.test(value);
  });
}

/**
 * Reads a JSON object body. An empty body is `{}` (with no Content-Type, or a JSON one). Throws
 * UNSUPPORTED_MEDIA_TYPE (415) when the Content-Type is not application/json, INVALID_REQUEST
 * naming the problem for malformed JSON, a body that is not an object, or a field not in
 * `allowed`; TOO_LARGE over 1 MiB.
 */
export async function readJsonObject(
  c: Context,
  allowed: readonly string[],
): Promise<Record<string, unknown>> {
  const contentType = c.req.header("content-type");
  if (contentType !== undefined && !isJsonContentType(contentType)) {
    throw new HttpError(
      "UNSUPPORTED_MEDIA_TYPE",
      `the body must be JSON sent with Content-Type: application/json, got Content-Type: ${contentType.slice(0, 100)}` +
        " (curl -d sends application/x-www-form-urlencoded: add -H 'content-type: application/json')",
    );
  }
  const declared = declaredLength(c);
  if (declared !== undefined && declared > MAX_JSON_BYTES) {
    throw new RepoError("TOO_LARGE", `the JSON body is larger than ${MAX_JSON_BYTES} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (c.req.raw.body) {
    for await (const chunk of bodyChunks(c.req.raw.body)) {
      size += chunk.byteLength;
      if (size > MAX_JSON_BYTES)
        throw new RepoError("TOO_LARGE", `the JSON body is larger than ${MAX_JSON_BYTES} bytes`);
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  if (contentType === undefined) {
    throw new HttpError(
      "UNSUPPORTED_MEDIA_TYPE",
      "the body must be JSON sent with Content-Type: application/json, and the request has no Content-Type" +
        " (with curl add -H 'content-type: application/json')",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RepoError("INVALID_REQUEST", `malformed JSON: ${reason}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RepoError(
      "INVALID_REQUEST",
      `the body must be a JSON object, got ${Array.isArray(value) ? "an array" : typeof value === "object" ? "null" : `a ${typeof value}`}`,
    );
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new RepoError(
      "INVALID_REQUEST",
      `unknown field${unknown.length === 1 ? "" : "s"} ${unknown.map((k) => `"${k}"`).join(", ")}; expected ${allowed.map((k) => `"${k}"`).join(" or ")}`,
    );
  }
  return record;
}

/** An optional string field, or INVALID_REQUEST naming it. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new RepoError("INVALID_REQUEST", `"${field}" must be a string`);
  return value;
}

/** An optional array of strings, or INVALID_REQUEST naming the field. */
export function optionalStrings(body: Record<string, unknown>, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new RepoError("INVALID_REQUEST", `"${field}" must be an array of strings`);
  }
  return value as string[];
}
