import type { Dispatcher } from "undici";
import { errorMessage } from "../../util/errors.js";

/** Largest response body read from a metric endpoint. */
export const BODY_LIMIT = 16 * 1024 * 1024;

/** Thrown by readBody for an oversized answer; callers pass it on as it is. */
export class BodyTooLargeError extends Error {}

/** Reads a response body as UTF-8, refusing one larger than BODY_LIMIT. */
export async function readBody(body: Dispatcher.ResponseData["body"], shown: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) {
      body.destroy();
      throw new BodyTooLargeError(`the answer from ${shown} is larger than ${BODY_LIMIT / 1024 / 1024} MiB`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A URL for messages, its password replaced by ***. */
export function hidePassword(url: string): string {
  if (!URL.canParse(url)) return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}

/** undici wraps the socket error; the innermost one says what happened ("connect ECONNREFUSED ..."). */
export function innermostMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0];
  return errorMessage(current);
}

/** Text on one line, cut at `max` characters. */
export function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
