import type { Dispatcher } from "undici";

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
