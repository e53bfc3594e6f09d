import type { Notification } from "../actions/types.js";
import type { Store } from "../store/types.js";
import { summarizeFailing } from "./failing-summary.js";
import type { FailingCheck } from "./types.js";

/**
 * A page says everything a human needs at 3 a.m.: environment, state and reason, the failing
 * checks with targets and messages, what was tried with exit codes, a link, and how to ack.
 */
export async function enrichPage(
  notification: Notification,
  context: {
    store: Pick<Store, "listSteps">;
    publicUrl: string;
    configFile: string;
    /** The engine's state and failing checks now, for pages that did not say. */
    snapshot?: () => { state: string; failing: FailingCheck[] };
  },
): Promise<Notification> {
  const now = context.snapshot?.();
  const steps = notification.escalationId
    ? await context.store.listSteps(notification.escalationId).catch(() => [])
    : [];
  const tried = steps.map((s) => ({
    level: s.level,
    target: s.target || undefined,
    role: s.role,
    attempt: s.attempt,
    status: s.status,
    exitCode: s.exitCode,
  }));
  const link = notification.escalationId
    ? `${context.publicUrl}/api/v1/escalations/${encodeURIComponent(notification.escalationId)}`
    : `${context.publicUrl}/api/v1/status`;
  return {
    ...notification,
    details: {
      ...(now ? { state: now.state, reason: notification.summary, ...summarizeFailing(now.failing) } : {}),
      ...notification.details,
      environment: notification.environment,
      tried,
      link,
      ack: `escalator -c ${context.configFile} ack`,
    },
  };
}
