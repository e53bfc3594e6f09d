import { Hono } from "hono";
import { apiError } from "./api-error.js";
import { formatIssues } from "./read-json-body.js";
import { escalationsQuery } from "./request-bodies.js";
import type { EngineControl } from "./types.js";

/** The read-only endpoints: status, checks, escalations and one escalation with its steps. */
export function queryRoutes(control: EngineControl): Hono {
  const routes = new Hono();

  routes.get("/status", async (c) => c.json(await control.status()));

  routes.get("/checks", async (c) => c.json(await control.checks()));

  routes.get("/escalations", async (c) => {
    const query = escalationsQuery.safeParse({ limit: c.req.query("limit") });
    if (!query.success) {
      return apiError(c, 400, "INVALID_QUERY", formatIssues(query.error.issues).join("; "));
    }
    return c.json(await control.escalations(query.data.limit));
  });

  routes.get("/escalations/:id", async (c) => {
    const id = c.req.param("id");
    const found = await control.escalation(id);
    if (!found) return apiError(c, 404, "NOT_FOUND", `no escalation with id "${id}"`);
    return c.json(found);
  });

  return routes;
}
