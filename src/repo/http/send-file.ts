import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import type { Context } from "hono";

const TYPES: [RegExp, string][] = [
  [/\.rpm$/, "application/x-rpm"],
  [/\.xml$/, "application/xml"],
  [/\.gz$/, "application/gzip"],
  [/\.zst$/, "application/zstd"],
  [/\.xz$/, "application/x-xz"],
  [/\.bz2$/, "application/x-bzip2"],
  [/\.asc$/, "application/pgp-signature"],
  [/\.key$/, "application/pgp-keys"],
  [/\.sqlite$/, "application/vnd.sqlite3"],
];

export function contentTypeOf(name: string): string {
  for (const [pattern, type] of TYPES) if (pattern.test(name)) return type;
  return "application/octet-stream";
}

export interface SendFileOptions {
  /** Strong validator when the content is known (a package's sha256); else size and mtime. */
  etag?: string;
  /** Cache-Control; "no-cache" by default (revalidate: a channel's files change on promotion). */
  cacheControl?: string;
}

/**
 * Answers with a regular file, streamed, with Content-Length, Content-Type, ETag and Last-Modified;
 * HEAD gets the headers only and If-None-Match a 304. `file` must come from the repository (never
 * from the request path). Undefined when it is not a regular file, so the caller answers 404.
 */
export async function sendFile(
  c: Context,
  file: string,
  options: SendFileOptions = {},
): Promise<Response | undefined> {
  // Open first, then stat the handle: a tag deleted meanwhile cannot turn into a half response.
  const handle = await open(file, "r").catch(() => undefined);
  if (handle === undefined) return undefined;
  const info = await handle.stat().catch(() => undefined);
  if (!info?.isFile()) {
    await handle.close();
    return undefined;
  }
  const etag = `"${options.etag ?? `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}`}"`;
  const headers: Record<string, string> = {
    "Content-Type": contentTypeOf(file),
    "Content-Length": String(info.size),
    ETag: etag,
    "Last-Modified": info.mtime.toUTCString(),
    "Cache-Control": options.cacheControl ?? "no-cache",
    "Accept-Ranges": "none",
  };
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch?.split(/\s*,\s*/).some((tag) => tag === etag || tag === "*")) {
    await handle.close();
    const { "Content-Length": _length, ...rest } = headers;
    return c.body(null, 304, rest);
  }
  if (c.req.method === "HEAD") {
    await handle.close();
    return c.body(null, 200, headers);
  }
  const stream = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
  return c.body(stream, 200, headers);
}
