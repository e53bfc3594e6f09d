import type { LevelConfig } from "../config/schema.js";
import type { ControllerDeps } from "./controller-types.js";
import { summarizeFailing } from "./failing-summary.js";
import { applyGuard, guardReason } from "./guard.js";
import { plan as makePlan, mostDrasticIndex } from "./planner.js";
import type { FailingCheck, Plan } from "./types.js";

export type PlanOutcome =
  | { kind: "completed"; replans: string[] }
  | { kind: "step-failed"; reason: string; replans: string[] }
  | { kind: "rejected"; reason: string; replans: string[] }
  | { kind: "blocked"; reason: string; replans: string[] }
  | { kind: "stopped"; replans: string[] };

export function instanceKey(failure: Pick<FailingCheck, "check" | "target">): string {
  return failure.target === undefined ? failure.check : `${failure.check}@${failure.target}`;
}

export interface ExecutePlanArgs {
  escalationId: string;
  plan: Plan;
  cycle: number;
  /** Aborted when the daemon is asked to stop: no new step starts. */
  stopSignal: AbortSignal;
  /** Aborted only on a forced stop: a running step is killed. */
  stepSignal: AbortSignal;
}

/**
 * Runs a plan's steps one at a time, each level followed by its quiescence. When a failure
 * more drastic than the running level appears, it re-plans from that level after the
 * current step finishes.
 */
export async function executePlan(deps: ControllerDeps, args: ExecutePlanArgs): Promise<PlanOutcome> {
  const levelsByName = new Map(deps.levels.map((level) => [level.name, level]));
  const handled = new Set(args.plan.trigger.map(instanceKey));
  const planStartedAt = deps.clock.now();
  // A failure is "new" when an instance that existed before the plan began has started failing
  // since. Targets that appeared mid-plan (say, VMs this plan is creating) are not new failures.
  const isNew = (f: FailingCheck) =>
    !handled.has(instanceKey(f)) &&
    (f.since === undefined || f.since >= planStartedAt) &&
    (f.firstSeenAt === undefined || f.firstSeenAt < planStartedAt);
  const replans: string[] = [];
  let current = args.plan;
  let i = 0;

  while (i < current.levels.length) {
    const planned = current.levels[i] as Plan["levels"][number];
    const level = levelsByName.get(planned.level) as LevelConfig;
    const runs: (string | undefined)[] = planned.scope === "environment" ? [undefined] : planned.targets;
    if (runs.length === 0)
      deps.logger.info({ ladderLevel: level.name }, "level skipped: no targets to act on");
    if (level.approve && runs.length > 0) {
      if (!(await waitWhileGated(deps, args))) return { kind: "stopped", replans };
      deps.onState("awaiting-approval", {
        escalationId: args.escalationId,
        level: level.name,
        since: deps.clock.now(),
      });
      deps.logger.warn(
        { escalationId: args.escalationId, ladderLevel: level.name },
        `waiting for approval: escalator approve ${args.escalationId}`,
      );
      // After a re-plan the targets may differ: ask again rather than reuse an earlier yes.
      const approval = await deps.awaitApproval(
        { escalationId: args.escalationId, level, plan: current, revision: replans.length },
        args.stopSignal,
      );
      if (approval.decision === "withdrawn") return { kind: "completed", replans };
      if (approval.decision === "stopped") return { kind: "stopped", replans };
      if (approval.decision === "rejected") {
        return {
          kind: "rejected",
          reason: `level ${level.name} rejected by ${approval.by}: ${approval.reason}`,
          replans,
        };
      }
    }
    let replanned = false;
    for (const target of runs) {
      if (!(await waitWhileGated(deps, args))) return { kind: "stopped", replans };
      deps.onState("escalating", {
        escalationId: args.escalationId,
        level: level.name,
        target,
        cycle: args.cycle,
      });
      const outcome = await deps.runStep(
        {
          escalationId: args.escalationId,
          level,
          target,
          cycle: args.cycle,
          useFallback: args.cycle > 1,
          reason: JSON.stringify({
            level: level.name,
            target,
            ...summarizeFailing(current.trigger, { target }),
          }),
        },
        { stop: args.stopSignal, kill: args.stepSignal },
      );
      if (args.stopSignal.aborted) return { kind: "stopped", replans };
      if (!outcome.ok) {
        const where = target === undefined ? `level ${level.name}` : `level ${level.name} on ${target}`;
        return { kind: "step-failed", reason: `${where} failed: ${outcome.summary}`, replans };
      }
      const failing = deps.currentFailing();
      const drastic = mostDrasticIndex(failing.filter(isNew), deps.levels);
      if (drastic !== undefined && drastic < planned.index) {
        for (const f of failing) handled.add(instanceKey(f));
        const targets = deps.currentTargets();
        // A re-plan passes the blast-radius guard like any plan: a blip that fails many targets
        // mid-escalation must not turn into acting on all of them.
        const guarded = applyGuard(
          makePlan({ failing, levels: deps.levels, targets, startAt: drastic }),
          targets,
          deps.guardFor,
        );
        if (guarded.trips.length > 0) return { kind: "blocked", reason: guardReason(guarded.trips), replans };
        current = guarded.plan;
        const note = `re-planned from level ${deps.levels[drastic]?.name} after a more drastic failure appeared`;
        replans.push(note);
        deps.logger.warn({ escalationId: args.escalationId, plan: current.levels.map((l) => l.level) }, note);
        replanned = true;
        break;
      }
    }
    const ran = runs.length > 0;
    if (level.quiescence && ran) {
      const until = deps.clock.now() + level.quiescence;
      deps.onState("escalating", {
        escalationId: args.escalationId,
        level: level.name,
        quiescingUntil: until,
      });
      try {
        await deps.clock.sleep(level.quiescence, args.stopSignal);
      } catch {
        return { kind: "stopped", replans };
      }
    }
    // A level cut short by a re-plan still gets its quiescence: its step did run.
    if (replanned) {
      i = 0;
      continue;
    }
    i++;
  }
  return { kind: "completed", replans };
}

/** Paused or in a maintenance window mid-plan: hold before the next step. False when stopped. */
async function waitWhileGated(deps: ControllerDeps, args: ExecutePlanArgs): Promise<boolean> {
  for (;;) {
    if (args.stopSignal.aborted) return false;
    const gate = deps.gate();
    if (!gate) return true;
    deps.onState("paused", { ...gate, escalationId: args.escalationId });
    try {
      await deps.clock.sleep(1_000, args.stopSignal);
    } catch {
      return false;
    }
  }
}
