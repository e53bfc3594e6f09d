import { Hono } from "hono";
import type { EscalationFilter } from "../engine/control-types.js";
import { apiError } from "./api-error.js";
import { escalationsQuery, parseQuery, transitionsQuery, verdictsQuery } from "./history-query.js";
import type { EngineControl } from "./types.js";

/**
 * The read-only endpoints: status, checks, the ladder, escalations (filtered and paged), one
 * escalation with its steps, check transitions (filtered and paged) and value verdicts.
 */
export function queryRoutes(control: EngineControl): Hono {
  const routes = new Hono();

  // `now`: the daemon's clock, so the page counts ages and countdowns against it, not the browser's.
  routes.get("/status", async (c) => c.json({ ...(await control.status()), now: Date.now() }));

  routes.get("/checks", async (c) => c.json(await control.checks()));

  routes.get("/ladder", (c) => c.json(control.ladder()));

  routes.get("/escalations", async (c) => {
    const query = parseQuery(c, escalationsQuery);
    if (!query.ok) return query.response;
    const { limit, outcome, level, before } = query.value;
    if (level !== undefined) {
      const names = control.ladder().map((l) => l.name);
      if (!names.includes(level)) {
        return apiError(
          c,
          400,
          "INVALID_QUERY",
          `level: "${level}" is not a level (levels: ${names.join(", ")})`,
        );
      }
    }
    const filter: EscalationFilter = {
      ...(outcome === undefined ? {} : { outcome }),
      ...(level === undefined ? {} : { level }),
    };
    if (before !== undefined) filter.before = before.startedAt;
    if (before?.id !== undefined) filter.beforeId = before.id;
    const filtered = Object.keys(filter).length > 0;
    return c.json(await (filtered ? control.escalations(limit, filter) : control.escalations(limit)));
  });

  routes.get("/escalations/:id", async (c) => {
    const id = c.req.param("id");
    const found = await control.escalation(id);
    if (!found) return apiError(c, 404, "NOT_FOUND", `no escalation with id "${id}"`);
    return c.json(found);
  });

  routes.get("/transitions", async (c) => {
    const query = parseQuery(c, transitionsQuery);
    if (!query.ok) return query.response;
    const { limit, check, target, before } = query.value;
    return c.json(
      await control.transitions({
        limit,
        ...(check === undefined ? {} : { check }),
        ...(target === undefined ? {} : { target }),
        ...(before === undefined ? {} : { before }),
      }),
    );
  });

  routes.get("/verdicts", async (c) => {
    const query = parseQuery(c, verdictsQuery);
    if (!query.ok) return query.response;
    const { limit, release } = query.value;
    return c.json(await control.verdicts({ limit, ...(release === undefined ? {} : { release }) }));
  });

  return routes;
}
