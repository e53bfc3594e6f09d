import { Hono } from "hono";
import { alertmanagerPayload } from "./alertmanager-payload.js";
import { readJsonBody } from "./read-json-body.js";
import type { EngineControl } from "./types.js";

/**
 * `POST /alertmanager`: Alertmanager's webhook (version 4). Every alert goes to the engine, which
 * routes it and makes intake idempotent per fingerprint; a body that does not parse or match
 * changes nothing.
 */
export function alertIntakeRoute(control: EngineControl): Hono {
  const routes = new Hono();
  routes.post("/alertmanager", async (c) => {
    const body = await readJsonBody(c, alertmanagerPayload);
    if (!body.ok) return body.response;
    return c.json(await control.ingestAlerts(body.value));
  });
  return routes;
}
