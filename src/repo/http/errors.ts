import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { RepoError, type RepoErrorCode } from "../types.js";

/** Codes on the repository server's error bodies: RepoError's plus the server's own. */
export type RepoApiErrorCode =
  | RepoErrorCode
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "METHOD_NOT_ALLOWED"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RANGE_NOT_SATISFIABLE"
  | "UPLOAD_TIMEOUT"
  | "CLIENT_GONE"
  | "BUSY"
  | "INTERNAL";

/** The body of every error response: `{ error, code }`. */
export interface RepoApiErrorBody {
  error: string;
  code: RepoApiErrorCode;
}

const STATUS: Record<RepoApiErrorCode, ContentfulStatusCode> = {
  INVALID_PACKAGE: 400,
  INVALID_NAME: 400,
  INVALID_REQUEST: 400,
  TOO_LARGE: 413,
  NEVRA_CONFLICT: 409,
  TAG_EXISTS: 409,
  TAG_IN_USE: 409,
  UNSIGNED_TAG: 409,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  UPLOAD_TIMEOUT: 408,
  // Nobody reads it (the client is gone); a 4xx keeps it out of the 5xx error logs.
  CLIENT_GONE: 400,
  BUSY: 503,
  INTERNAL: 500,
};

/** The HTTP status a code maps to. */
export function statusOf(code: RepoApiErrorCode): ContentfulStatusCode {
  return STATUS[code];
}

/**
 * A refusal of the HTTP layer itself (not the repository's): a wrong media type, too many uploads,
 * an upload that stalled or whose client went away. `headers` go on the response (Retry-After).
 */
export class HttpError extends Error {
  readonly code: RepoApiErrorCode;
  readonly headers: Record<string, string>;
  constructor(
    code: RepoApiErrorCode,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HttpError";
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

/** Answers with `{ error, code }` and the code's status. */
export function jsonError(
  c: Context,
  code: RepoApiErrorCode,
  error: string,
  headers: Record<string, string> = {},
): Response {
  const body: RepoApiErrorBody = { error, code };
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(body, statusOf(code));
}

/**
 * A RepoError or HttpError as its response; anything else is an internal error (rethrown to be
 * logged). CLIENT_GONE and UPLOAD_TIMEOUT are rethrown too, so the app's error handler logs them
 * as warnings.
 */
export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof RepoError) return jsonError(c, error.code, error.message);
  if (error instanceof HttpError && !isUploadAbort(error))
    return jsonError(c, error.code, error.message, error.headers);
  throw error;
}

/** An upload cut short by the client (gone, or silent too long): a warning, not a server failure. */
export function isUploadAbort(error: unknown): boolean {
  return error instanceof HttpError && (error.code === "CLIENT_GONE" || error.code === "UPLOAD_TIMEOUT");
}
