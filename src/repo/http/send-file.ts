import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import type { Context } from "hono";
import { jsonError } from "./errors.js";

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

export type ByteRange = { start: number; end: number };

/**
 * The one range of a `Range: bytes=...` header for a file of `size` bytes: `a-b`, `a-` or `-n`.
 * "none" when the header is absent, not a bytes range, malformed or asks for several ranges (the
 * whole file is sent then, which RFC 9110 allows); "unsatisfiable" when it starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | "none" | "unsatisfiable" {
  if (header === undefined) return "none";
  const match = /^bytes=\s*(\d*)-(\d*)\s*$/i.exec(header.trim());
  if (match === null) return "none";
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return "none";
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return "none";
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

/** If-Range: the range applies only when the validator names this version of the file. */
function ifRangeHolds(header: string | undefined, etag: string, lastModified: Date): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return value === etag; // strong comparison
  const date = Date.parse(value);
  return !Number.isNaN(date) && Math.floor(lastModified.getTime() / 1000) * 1000 === date;
}

/**
 * Answers with a regular file, streamed, with Content-Length, Content-Type, ETag and Last-Modified;
 * HEAD gets the headers only and If-None-Match a 304. A single byte range (`Range: bytes=a-b`,
 * `a-`, `-n`, honoured only while If-Range matches) gets 206 with Content-Range, which librepo
 * uses to resume an interrupted package download; a range past the end gets 416. `file` must come
 * from the repository (never from the request path). Undefined when it is not a regular file, so
 * the caller answers 404.
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
    "Accept-Ranges": "bytes",
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
  const range = ifRangeHolds(c.req.header("if-range"), etag, info.mtime)
    ? parseRange(c.req.header("range"), info.size)
    : "none";
  if (range === "unsatisfiable") {
    await handle.close();
    c.header("Content-Range", `bytes */${info.size}`);
    return jsonError(
      c,
      "RANGE_NOT_SATISFIABLE",
      `the range ${c.req.header("range")} is outside the file's ${info.size} bytes`,
    );
  }
  if (range !== "none") {
    const stream = Readable.toWeb(
      handle.createReadStream({ start: range.start, end: range.end }),
    ) as ReadableStream<Uint8Array>;
    return c.body(stream, 206, {
      ...headers,
      "Content-Length": String(range.end - range.start + 1),
      "Content-Range": `bytes ${range.start}-${range.end}/${info.size}`,
    });
  }
  const stream = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
  return c.body(stream, 200, headers);
}
