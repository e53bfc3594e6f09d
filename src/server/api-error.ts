import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Stable codes on API error bodies. Clients match on these, never on messages. */
export type ApiErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "BODY_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "MALFORMED_JSON"
  | "INVALID_BODY"
  | "INVALID_QUERY"
  | "NOT_FOUND"
  | "REJECTED"
  | "CONFLICT"
  | "NOT_CONFIGURED"
  | "UNAVAILABLE"
  | "INTERNAL";

/** The body of every error response. */
export interface ApiErrorBody {
  error: string;
  code?: ApiErrorCode;
}

/** Answers with `{ error, code }` and the given status. */
export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: ApiErrorCode,
  error: string,
): Response {
  const body: ApiErrorBody = { error, code };
  return c.json(body, status);
}
