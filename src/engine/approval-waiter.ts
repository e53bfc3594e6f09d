import type { Logger } from "pino";
import type { Notification } from "../actions/types.js";
import type { Store } from "../store/types.js";
import type { Clock } from "../util/clock.js";
import type { ControllerDeps } from "./controller-types.js";

const POLL_MS = 1_000;

/**
 * Waits for `escalator approve` or `reject` (CLI or API; both land in the store). Waiting
 * longer than the level's approve_timeout pages a human once; the wait goes on.
 */
export function approvalWaiter(deps: {
  environment: string;
  store: Pick<Store, "requestApproval" | "getApproval">;
  clock: Clock;
  logger: Logger;
  page(notification: Notification): Promise<void>;
  /** Whether anything still fails; when nothing does, the request is withdrawn. */
  stillFailing(): boolean;
}): ControllerDeps["awaitApproval"] {
  return async ({ escalationId, level, plan, revision }, signal) => {
    // Each plan revision asks anew: a yes for the first plan's targets is not a yes for a re-plan's.
    const key = revision === 0 ? level.name : `${level.name} (re-plan ${revision})`;
    const requested = await deps.store.requestApproval({
      escalationId,
      level: key,
      requestedAt: deps.clock.now(),
    });
    let paged = false;
    for (;;) {
      const record = await deps.store.getApproval(escalationId, key);
      if (record?.decision === "approved") return { decision: "approved" };
      if (record?.decision === "rejected") {
        return { decision: "rejected", by: record.by ?? "someone", reason: record.reason ?? "" };
      }
      if (!deps.stillFailing()) {
        deps.logger.info(
          { escalationId, ladderLevel: level.name },
          "checks recovered while waiting for approval; nothing to approve",
        );
        return { decision: "withdrawn" };
      }
      if (!paged && deps.clock.now() - requested.requestedAt >= level.approve_timeout) {
        paged = true;
        const targets = plan.levels.find((l) => l.level === level.name)?.targets ?? [];
        await deps
          .page({
            environment: deps.environment,
            severity: "warning",
            escalationId,
            summary: `escalator ${deps.environment}: level ${level.name}${targets.length ? ` on ${targets.join(", ")}` : ""} is waiting for approval. Run: escalator approve ${escalationId} (or escalator reject ${escalationId})`,
            details: { escalationId, level: level.name, targets, waitingSince: requested.requestedAt },
          })
          .catch((error: unknown) => deps.logger.error({ err: String(error) }, "paging failed"));
      }
      try {
        await deps.clock.sleep(POLL_MS, signal);
      } catch {
        return { decision: "stopped" };
      }
    }
  };
}
