import type { EngineStateName } from "../store/types.js";
import { errorMessage } from "../util/errors.js";
import type { ControllerDeps } from "./controller-types.js";
import { executePlan } from "./execute-plan.js";
import { applyGuard, guardReason } from "./guard.js";
import { plan as makePlan } from "./planner.js";
import type { FailingCheck } from "./types.js";

/** Thrown when the daemon stops in the middle of a cycle; the controller's loop ends quietly. */
export class StopRequested extends Error {}

/** What a cycle needs from the controller that runs it. */
export interface CycleHost {
  deps: ControllerDeps;
  enter(state: EngineStateName, detail: Record<string, unknown>): void;
  /** Aborted when the daemon is asked to stop: no new step starts. */
  stopSignal: AbortSignal;
  /** Aborted only on a forced stop: a running step is killed. */
  stepSignal: AbortSignal;
}

export type CycleOutcome =
  | { kind: "converged" }
  | { kind: "stuck"; reason: string; escalationId: string; blocked?: boolean }
  | { kind: "still-failing"; failing: FailingCheck[]; escalationId: string };

/**
 * One escalation: plan (behind the blast-radius guard), run the steps, verify. Records the
 * escalation and says whether the environment converged, is stuck, or still fails.
 */
export async function runEscalationCycle(
  host: CycleHost,
  failing: FailingCheck[],
  cycle: number,
): Promise<CycleOutcome> {
  const { deps } = host;
  const targets = deps.currentTargets();
  const guarded = applyGuard(makePlan({ failing, levels: deps.levels, targets }), targets, deps.guardFor);
  const plan = guarded.plan;
  const id = deps.newEscalationId();
  const startedAt = deps.clock.now();
  await deps.journal.start({ id, attempt: cycle, plan, dryRun: deps.dryRun, startedAt });
  if (guarded.trips.length > 0) {
    // Too many targets failing at once is more likely a broken probe, network or provider than
    // a fleet to rebuild: act on none of them and let a human look at the numbers.
    const reason = guardReason(guarded.trips);
    await deps.journal.finish(id, "blocked", `${reason}; no target-scoped action ran`, deps.clock.now());
    return { kind: "stuck", reason, escalationId: id, blocked: true };
  }
  // Only escalations that act use the rate-limit budget.
  if (!deps.dryRun) deps.rateLimiter?.record(startedAt);
  const summary = plan.levels.map((l) =>
    l.scope === "targets" ? `${l.level}(${l.targets.join(",")})` : l.level,
  );
  deps.logger.warn({ escalationId: id, cycle, plan: summary, notes: plan.notes }, "escalating");

  let replanned = "";
  if (deps.dryRun) {
    host.enter("escalating", { escalationId: id, cycle, dryRun: true });
    await deps.journal.finish(id, "dry-run", `dry run: would run ${summary.join(" → ")}`, deps.clock.now());
  } else {
    host.enter("escalating", { escalationId: id, cycle, plan: summary });
    // States the plan enters (paused, awaiting-approval) are the controller's states too.
    const planDeps = {
      ...deps,
      onState: (state: EngineStateName, detail: Record<string, unknown>) => host.enter(state, detail),
    };
    const outcome = await executePlan(planDeps, {
      escalationId: id,
      plan,
      cycle,
      stopSignal: host.stopSignal,
      stepSignal: host.stepSignal,
    });
    replanned = outcome.replans.length > 0 ? ` (${outcome.replans.join("; ")})` : "";
    if (outcome.kind === "stopped") {
      await deps.journal.finish(
        id,
        "interrupted",
        `daemon stopped before the plan finished${replanned}`,
        deps.clock.now(),
      );
      throw new StopRequested("stopped mid-escalation");
    }
    if (outcome.kind === "blocked") {
      await deps.journal.finish(
        id,
        "blocked",
        `${outcome.reason}; re-plan refused${replanned}`,
        deps.clock.now(),
      );
      return { kind: "stuck", reason: outcome.reason, escalationId: id, blocked: true };
    }
    if (outcome.kind === "rejected") {
      await deps.journal.finish(id, "rejected", `${outcome.reason}${replanned}`, deps.clock.now());
      return { kind: "stuck", reason: outcome.reason, escalationId: id };
    }
    if (outcome.kind === "step-failed") {
      await deps.journal.finish(id, "failed", `${outcome.reason}${replanned}`, deps.clock.now());
      return { kind: "stuck", reason: outcome.reason, escalationId: id };
    }
  }

  host.enter("verifying", { escalationId: id, cycle });
  let still: FailingCheck[];
  try {
    still = await deps.verify(host.stopSignal);
  } catch (error) {
    if (host.stopSignal.aborted) throw error;
    still = deps.currentFailing();
    deps.logger.error(
      { err: errorMessage(error) },
      "verification failed to run; using the last known check states",
    );
  }
  if (host.stopSignal.aborted) {
    // An abandoned verification proves nothing either way.
    if (!deps.dryRun)
      await deps.journal.finish(id, "interrupted", "daemon stopped during verification", deps.clock.now());
    throw new StopRequested("stopped during verification");
  }
  if (deps.dryRun) {
    if (still.length === 0) deps.logger.info({ escalationId: id }, "dry run: checks recovered by themselves");
    return still.length === 0
      ? { kind: "converged" }
      : { kind: "still-failing", failing: still, escalationId: id };
  }
  if (still.length === 0) {
    await deps.journal.finish(id, "succeeded", `checks pass after escalation${replanned}`, deps.clock.now());
    deps.logger.info({ escalationId: id }, "converged");
    return { kind: "converged" };
  }
  const names = still.map((f) => (f.target ? `${f.check}@${f.target}` : f.check)).join(", ");
  await deps.journal.finish(
    id,
    "failed",
    `checks still failing after escalation: ${names}${replanned}`,
    deps.clock.now(),
  );
  return { kind: "still-failing", failing: still, escalationId: id };
}
