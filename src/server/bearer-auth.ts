import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { apiError } from "./api-error.js";

const READ_ONLY_METHODS = new Set(["GET", "HEAD"]);

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Whether `presented` equals one of `tokens`. Both sides are hashed first, so the comparison is
 * constant-time and its duration does not leak the token's length; every token is compared, so
 * it does not leak which one matched either.
 */
export function tokenMatches(presented: string, tokens: readonly Buffer[]): boolean {
  const candidate = digest(presented);
  let matched = false;
  for (const token of tokens) matched = timingSafeEqual(candidate, token) || matched;
  return matched;
}

/**
 * Requires `Authorization: Bearer <token>` on every request that may change something (any
 * method but GET and HEAD). With no tokens configured every request is let through: the daemon
 * refuses to listen on a non-loopback address without a token (see `assertSafeListen`).
 */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const digests = tokens.map(digest);
  return async (c, next) => {
    if (READ_ONLY_METHODS.has(c.req.method) || digests.length === 0) return next();
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const presented = match?.[1];
    if (presented !== undefined && tokenMatches(presented, digests)) return next();
    c.header("WWW-Authenticate", 'Bearer realm="escalator"');
    const error =
      presented === undefined
        ? "this request changes something and needs an Authorization: Bearer <token> header"
        : "the bearer token is not valid";
    return apiError(c, 401, "UNAUTHORIZED", error);
  };
}
