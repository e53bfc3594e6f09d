import type { Context, Hono } from "hono";
import { jsonError } from "./errors.js";

/**
 * Answers the methods a known path does not take: OPTIONS with 204 and the Allow header, any other
 * with 405 and Allow. Register after the path's real routes (Hono runs the first that answers).
 */
export function allowOnly(app: Hono, path: string, methods: readonly string[]): void {
  const allowed = methods.includes("GET") && !methods.includes("HEAD") ? [...methods, "HEAD"] : [...methods];
  const allow = [...allowed, "OPTIONS"].join(", ");
  app.all(path, (c: Context) => {
    c.header("Allow", allow);
    if (c.req.method === "OPTIONS") return c.body(null, 204);
    return jsonError(
      c,
      "METHOD_NOT_ALLOWED",
      `${c.req.method} is not allowed on ${c.req.path}; it takes ${allowed.join(", ")}`,
    );
  });
}
