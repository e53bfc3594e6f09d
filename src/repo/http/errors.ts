import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { RepoError, type RepoErrorCode } from "../types.js";

/** Codes on the repository server's error bodies: RepoError's plus the server's own. */
export type RepoApiErrorCode = RepoErrorCode | "UNAUTHORIZED" | "FORBIDDEN" | "INTERNAL";

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
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INTERNAL: 500,
};

/** The HTTP status a code maps to. */
export function statusOf(code: RepoApiErrorCode): ContentfulStatusCode {
  return STATUS[code];
}

/** Answers with `{ error, code }` and the code's status. */
export function jsonError(c: Context, code: RepoApiErrorCode, error: string): Response {
  const body: RepoApiErrorBody = { error, code };
  return c.json(body, statusOf(code));
}

/** A RepoError as its response; anything else is an internal error (and is rethrown to be logged). */
export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof RepoError) return jsonError(c, error.code, error.message);
  throw error;
}
