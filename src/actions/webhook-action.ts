import { postJson } from "./post-json.js";
import type { Action, ActionContext, ActionResult } from "./types.js";

/**
 * POSTs the step's context as JSON to `spec.webhook.url`; any 2xx is success. The URL is
 * used as written: the target travels in the body, never in the URL.
 */
export const webhookAction: Action = {
  kind: "webhook",
  async run(ctx, signal) {
    const startedAt = Date.now();
    const webhook = ctx.spec.webhook;
    if (webhook === undefined) {
      return failed(startedAt, "webhook action without a webhook");
    }
    const timeoutMs = webhook.timeoutMs ?? ctx.spec.timeoutMs;
    const outcome = await postJson(webhook.url, webhookBody(ctx), {
      timeoutMs,
      signal,
      ...(webhook.headers ? { headers: webhook.headers } : {}),
      ...(ctx.onOutput ? { onBody: ctx.onOutput } : {}),
    });
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300 && !outcome.error;
    const result: ActionResult = {
      ok,
      exitCode: outcome.status,
      output: outcome.body,
      timedOut: outcome.timedOut || outcome.aborted,
      startedAt,
      endedAt: Date.now(),
    };
    if (outcome.error) result.error = outcome.error;
    else if (!ok) result.error = `HTTP ${outcome.status} from ${webhook.url}`;
    return result;
  },
};

/** The JSON document a webhook receives. */
export function webhookBody(ctx: ActionContext): Record<string, unknown> {
  return {
    environment: ctx.environment,
    level: ctx.level,
    target: ctx.target ?? null,
    attempt: ctx.attempt,
    escalationId: ctx.escalationId,
    reason: parseReason(ctx.reason),
  };
}

function parseReason(reason: string): unknown {
  try {
    return JSON.parse(reason);
  } catch {
    return reason;
  }
}

function failed(startedAt: number, error: string): ActionResult {
  return { ok: false, exitCode: null, output: "", timedOut: false, error, startedAt, endedAt: Date.now() };
}
