import { substituteUrl } from "../util/template.js";
import { postJson } from "./post-json.js";
import type { Action, ActionContext, ActionResult } from "./types.js";

/**
 * POSTs the step's context as JSON to `spec.webhook.url`; any 2xx is success.
 * `{{target}}`, `{{environment}}` and `{{level}}` are substituted in the URL, as in check URLs.
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
    const substituted = substituteUrl(webhook.url, {
      target: ctx.target,
      environment: ctx.environment,
      level: ctx.level,
    });
    if ("error" in substituted) return failed(startedAt, substituted.error);
    const url = substituted.url;
    const outcome = await postJson(url, webhookBody(ctx), {
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
    else if (!ok) result.error = `HTTP ${outcome.status} from ${url}`;
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
