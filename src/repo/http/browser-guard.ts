import type { MiddlewareHandler } from "hono";
import { jsonError } from "./errors.js";

const READ_ONLY = new Set(["GET", "HEAD", "OPTIONS"]);

/** "127.0.0.1:8471" → "127.0.0.1", "[::1]:8471" → "::1". */
function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.slice(1, trimmed.indexOf("]"));
  return trimmed.replace(/:\d+$/, "");
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Keeps web pages in a browser from writing to the repository (cross-site request forgery, DNS
 * rebinding): a write must not come from another site (Sec-Fetch-Site, an Origin naming another
 * host than Host, or the opaque Origin "null") and, when `allowedHosts` is given, must name one of
 * them in its Host header. Reads are untouched, so dnf behind a proxy keeps working.
 */
export function browserGuard(options: { allowedHosts?: readonly string[] } = {}): MiddlewareHandler {
  const allowed = options.allowedHosts
    ? new Set(options.allowedHosts.map((h) => h.toLowerCase()))
    : undefined;
  return async (c, next) => {
    if (READ_ONLY.has(c.req.method)) return next();
    const site = c.req.header("sec-fetch-site");
    if (site === "cross-site" || site === "same-site") {
      return jsonError(c, "FORBIDDEN", "writes from web pages on other sites are refused");
    }
    const host = c.req.header("host") ?? "";
    const origin = c.req.header("origin");
    // "null" is what sandboxed frames, file: pages and some redirects send: a page, but not ours.
    if (origin && (origin.trim() === "null" || originHost(origin) !== host.trim().toLowerCase())) {
      return jsonError(c, "FORBIDDEN", `writes from ${origin.slice(0, 200)} are refused`);
    }
    if (allowed && !allowed.has(hostName(host))) {
      return jsonError(
        c,
        "FORBIDDEN",
        `Host ${hostName(host) || "(none)"} is not one this server takes writes for`,
      );
    }
    return next();
  };
}
