import type { MiddlewareHandler } from "hono";
import { apiError } from "./api-error.js";

/**
 * Keeps web pages in an operator's browser from driving the API (cross-site request forgery,
 * DNS rebinding): a request that changes something must say it sends JSON (which a plain HTML
 * form cannot, and which makes browsers ask first), must not come from another site, and, when
 * `allowedHosts` is given, must name one of them in its Host header.
 */
export function browserGuard(options: { allowedHosts?: readonly string[] }): MiddlewareHandler {
  const allowed = options.allowedHosts
    ? new Set(options.allowedHosts.map((h) => h.toLowerCase()))
    : undefined;
  return async (c, next) => {
    if (allowed) {
      const host = hostName(c.req.header("host") ?? "");
      if (!allowed.has(host))
        return apiError(c, 403, "FORBIDDEN", `Host ${host || "(none)"} is not one this API answers to`);
    }
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const site = c.req.header("sec-fetch-site");
    if (site === "cross-site" || site === "same-site") {
      return apiError(c, 403, "FORBIDDEN", "requests from web pages on other sites are refused");
    }
    const origin = c.req.header("origin");
    if (origin && origin !== "null" && allowed && !allowed.has(hostName(new URL(origin).host))) {
      return apiError(c, 403, "FORBIDDEN", `requests from ${origin} are refused`);
    }
    const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!(type === "application/json" || (type.startsWith("application/") && type.endsWith("+json")))) {
      return apiError(
        c,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "send Content-Type: application/json (an empty body counts as {})",
      );
    }
    return next();
  };
}

/** "127.0.0.1:8470" → "127.0.0.1", "[::1]:8470" → "::1". */
function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.slice(1, trimmed.indexOf("]"));
  return trimmed.replace(/:\d+$/, "");
}
