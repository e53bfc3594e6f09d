import type { Context } from "hono";
import { RepoError } from "../types.js";

/** Largest JSON body the API reads (tag and channel requests are small). */
export const MAX_JSON_BYTES = 1_048_576;

/** The request body as chunks; stopping early (a refused upload) cancels the rest of the stream. */
export async function* bodyChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** The declared Content-Length, or undefined when absent (chunked) or not a number. */
export function declaredLength(c: Context): number | undefined {
  const header = c.req.header("content-length");
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}

/**
 * Reads a JSON object body. An empty body is `{}`. Throws INVALID_REQUEST naming the problem for
 * malformed JSON, a body that is not an object, or a field not in `allowed`; TOO_LARGE over 1 MiB.
 */
export async function readJsonObject(
  c: Context,
  allowed: readonly string[],
): Promise<Record<string, unknown>> {
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
