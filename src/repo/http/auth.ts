import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { MiddlewareHandler } from "hono";
import { EscalatorError, errorMessage } from "../../util/errors.js";
import { jsonError } from "./errors.js";

const READ_ONLY = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The tokens in a token file: one per line, surrounding blanks trimmed, blank lines and lines
 * starting with # skipped. A file that cannot be read or holds no token is a usage error: running
 * open when the operator meant to require a token is not safe.
 */
export function loadTokenFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new EscalatorError("USAGE", `cannot read the token file ${file}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const tokens = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  if (tokens.length === 0) throw new EscalatorError("USAGE", `the token file ${file} holds no token`);
  return [...new Set(tokens)];
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Requires `Authorization: Bearer <token>` on writes (every method but GET, HEAD and OPTIONS) once
 * tokens are configured. Both sides are hashed and every token is compared, so the time taken does
 * not tell the length of a token or which one matched.
 */
export function requireBearer(tokens: readonly string[]): MiddlewareHandler {
  const digests = tokens.map(digest);
  return async (c, next) => {
    if (digests.length === 0 || READ_ONLY.has(c.req.method)) return next();
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header("authorization") ?? "");
    const presented = match?.[1];
    if (presented !== undefined) {
      const candidate = digest(presented);
      let matched = false;
      for (const token of digests) matched = timingSafeEqual(candidate, token) || matched;
      if (matched) return next();
    }
    c.header("WWW-Authenticate", 'Bearer realm="escalator-repo"');
    return jsonError(
      c,
      "UNAUTHORIZED",
      presented === undefined
        ? "this request changes the repository and needs an Authorization: Bearer <token> header"
        : "the bearer token is not valid",
    );
  };
}
