import { type Context, Hono } from "hono";
import { apiError } from "./api-error.js";
import { readJsonBody } from "./read-json-body.js";
import { ackBody, approveBody, pauseBody, rejectBody, resumeBody, silenceBody } from "./request-bodies.js";
import type { ControlOutcome, EngineControl } from "./types.js";

const CODE_BY_STATUS = { 400: "REJECTED", 404: "NOT_FOUND", 409: "CONFLICT" } as const;

function respond(c: Context, outcome: ControlOutcome): Response {
  if (outcome.ok) return c.json({ ok: true, message: outcome.message });
  return apiError(c, outcome.status, CODE_BY_STATUS[outcome.status], outcome.error);
}

/** The endpoints that change something: pause, resume, silence, approve, reject, ack. */
export function controlRoutes(control: EngineControl): Hono {
  const routes = new Hono();

  routes.post("/pause", async (c) => {
    const body = await readJsonBody(c, pauseBody);
    if (!body.ok) return body.response;
    const { for: forMs, reason, by } = body.value;
    return respond(c, await control.pause({ by, reason, ...(forMs === undefined ? {} : { forMs }) }));
  });

  routes.post("/resume", async (c) => {
    const body = await readJsonBody(c, resumeBody);
    if (!body.ok) return body.response;
    return respond(c, await control.resume({ by: body.value.by }));
  });

  routes.post("/silences", async (c) => {
    const body = await readJsonBody(c, silenceBody);
    if (!body.ok) return body.response;
    const { check, target, for: forMs, reason, by } = body.value;
    return respond(
      c,
      await control.silence({ check, forMs, reason, by, ...(target === undefined ? {} : { target }) }),
    );
  });

  routes.post("/escalations/:id/approve", async (c) => {
    const body = await readJsonBody(c, approveBody);
    if (!body.ok) return body.response;
    return respond(c, await control.approve(c.req.param("id"), body.value.by));
  });

  routes.post("/escalations/:id/reject", async (c) => {
    const body = await readJsonBody(c, rejectBody);
    if (!body.ok) return body.response;
    return respond(c, await control.reject(c.req.param("id"), body.value.by, body.value.reason));
  });

  routes.post("/ack", async (c) => {
    const body = await readJsonBody(c, ackBody);
    if (!body.ok) return body.response;
    return respond(c, await control.ack(body.value.by, body.value.note));
  });

  return routes;
}
