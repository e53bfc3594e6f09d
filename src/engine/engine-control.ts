import type { Logger } from "pino";
import type { CheckResult } from "../checks/types.js";
import { guardOf, isSilenceableCheck } from "../config/config-lookups.js";
import type { ResolvedConfig } from "../config/load-config.js";
import type { EngineStateName, Store } from "../store/types.js";
import type { Clock } from "../util/clock.js";
import { formatDuration } from "../util/duration.js";
import { routeAlert } from "./alert-routing.js";
import type { IncomingAlert } from "./alerts.js";
import type { ControlOutcome, EngineControl, StatusView } from "./control-types.js";
import type { Controller } from "./controller.js";
import { ladderView, verdictView } from "./dashboard-views.js";
import type { EngineEvents } from "./engine-events.js";
import type { EngineMetrics } from "./engine-metrics.js";
import { guardLimit } from "./guard.js";
import type { MaintenanceGate } from "./maintenance-gate.js";
import type { Observations } from "./observations.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { Silences } from "./silences.js";

export interface EngineControlDeps {
  config: ResolvedConfig;
  store: Store;
  clock: Clock;
  logger: Logger;
  controller(): Controller | undefined;
  gate: MaintenanceGate;
  silences: Silences;
  observations: Observations;
  targets(): Record<string, readonly string[]>;
  rateLimiter: RateLimiter;
  events: EngineEvents;
  metrics: EngineMetrics;
  engineState(): { state: EngineStateName; since: number; detail: Record<string, unknown> };
  startedAt: number;
}

const ok = (message: string): ControlOutcome => ({ ok: true, message });

/** The running daemon behind the HTTP API: reads from memory and the store, writes to the store. */
export function createEngineControl(deps: EngineControlDeps): EngineControl {
  const { config, store, clock } = deps;
  const environment = config.environment;
  const changed = (data: Record<string, unknown>) => {
    deps.events.emit("control", clock.now(), data);
    deps.controller()?.wake();
  };

  return {
    environment,
    status: async () => statusView(deps),
    checks: () => store.listCheckStatus(environment),
    escalations: (limit, { outcome, level, before, beforeId } = {}) =>
      store.listEscalations(environment, {
        limit,
        ...(outcome === undefined ? {} : { status: outcome }),
        ...(level === undefined ? {} : { level }),
        ...(before === undefined ? {} : { before }),
        ...(beforeId === undefined ? {} : { beforeId }),
      }),
    transitions: (filter) => store.listCheckTransitionPage(environment, filter),
    ladder: () => ladderView(config),
    features: { verdicts: config.values !== undefined || config.checks.some((c) => c.value !== undefined) },
    verdicts: async ({ release, limit }) =>
      (
        await store.listValueEvaluations(environment, {
          limit,
          ...(release === undefined ? {} : { release }),
        })
      ).map(verdictView),
    async escalation(id) {
      const escalation = await store.getEscalation(id);
      if (!escalation || escalation.environment !== environment) return undefined;
      return { escalation, steps: await store.listSteps(id) };
    },
    async pause({ by, reason, forMs }) {
      const now = clock.now();
      const pause = { environment, by, reason, since: now, until: forMs === undefined ? null : now + forMs };
      await store.setPause(pause);
      deps.gate.setPause(pause);
      changed({ action: "pause", by, reason, until: pause.until });
      return ok(`paused ${forMs === undefined ? "until resumed" : `for ${formatDuration(forMs)}`}`);
    },
    async resume({ by }) {
      await store.clearPause(environment);
      deps.gate.setPause(undefined);
      changed({ action: "resume", by });
      return ok("resumed");
    },
    async silence({ check, target, forMs, reason, by }) {
      if (!isSilenceableCheck(config, check))
        return { ok: false, status: 404, error: `no check named ${check}` };
      const now = clock.now();
      const id = await store.addSilence({
        environment,
        check,
        target: target ?? "",
        by,
        reason,
        since: now,
        until: now + forMs,
      });
      await deps.silences.refresh(now);
      changed({ action: "silence", check, target, by, reason, until: now + forMs });
      return ok(`silence #${id}: ${check}${target ? ` on ${target}` : ""} for ${formatDuration(forMs)}`);
    },
    async approve(escalationId, by) {
      if ((await store.getEscalation(escalationId))?.environment !== environment) {
        return { ok: false, status: 404, error: `no escalation ${escalationId} in ${environment}` };
      }
      const decided = await store.decideApproval(escalationId, "approved", by, "", clock.now());
      if (!decided)
        return { ok: false, status: 404, error: `escalation ${escalationId} is not waiting for approval` };
      changed({ action: "approve", escalationId, level: decided.level, by });
      return ok(`approved level ${decided.level} of ${escalationId}`);
    },
    async reject(escalationId, by, reason) {
      if ((await store.getEscalation(escalationId))?.environment !== environment) {
        return { ok: false, status: 404, error: `no escalation ${escalationId} in ${environment}` };
      }
      const decided = await store.decideApproval(escalationId, "rejected", by, reason, clock.now());
      if (!decided)
        return { ok: false, status: 404, error: `escalation ${escalationId} is not waiting for approval` };
      changed({ action: "reject", escalationId, level: decided.level, by, reason });
      return ok(`rejected level ${decided.level} of ${escalationId}`);
    },
    async ack(by, note) {
      await store.addAck(environment, by, note, clock.now());
      changed({ action: "ack", by, note });
      return ok("acknowledged; the daemon observes afresh");
    },
    ingestAlerts: (alerts) => ingestAlerts(deps, alerts),
    subscribe: (listener) => deps.events.subscribe(listener),
    metrics: () => deps.metrics.render(),
  };
}

/** Alertmanager alerts become check states; a duplicate (retry, HA pair) changes nothing. */
async function ingestAlerts(deps: EngineControlDeps, alerts: IncomingAlert[]) {
  const { config, store, clock } = deps;
  const result = { received: alerts.length, routed: 0, changed: 0, ignored: [] as string[] };
  for (const alert of alerts) {
    const routed = routeAlert(alert, config.alerts, config.levels, deps.targets());
    if ("ignored" in routed) {
      result.ignored.push(routed.ignored);
      continue;
    }
    result.routed++;
    const labels = JSON.stringify(
      Object.fromEntries(Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b))),
    );
    const isNew = await store.upsertAlertState({
      environment: config.environment,
      fingerprint: alert.fingerprint,
      check: routed.check,
      target: routed.target,
      status: alert.status,
      labels,
      summary: routed.message,
      startsAt: alert.startsAt,
      updatedAt: clock.now(),
    });
    if (isNew) result.changed++;
    // Repeats of the same state are no-ops for the tracker, so duplicates still plan once; but an
    // alert the store already knew (say, ignored at restart) still reaches the observations.
    recordAlert(deps, routed);
  }
  return result;
}

/** Feeds one routed alert into the observations, as if a check had run. */
export function recordAlert(
  deps: Pick<EngineControlDeps, "config" | "observations" | "clock" | "controller">,
  routed: { check: string; target: string; level: string; state: CheckResult["state"]; message: string },
): void {
  const check = {
    name: routed.check,
    level: routed.level,
    every: 60_000,
    timeout: 10_000,
    failures: 1,
    successes: 1,
    escalate_on: ["CRITICAL"],
    depends_on: [],
    flapping: false,
  } as unknown as ResolvedConfig["checks"][number];
  const key = routed.target ? `${routed.check}@${routed.target}` : routed.check;
  const instance = { key, check, ...(routed.target ? { target: routed.target } : {}) };
  const result: CheckResult = { state: routed.state, message: routed.message, perfdata: [], durationMs: 0 };
  deps.observations.recordExternal(instance, result, deps.clock.now());
  deps.controller()?.wake();
}

function statusView(deps: EngineControlDeps): StatusView {
  const now = deps.clock.now();
  const { state, since, detail } = deps.engineState();
  const failing = deps.observations.failing();
  const targets = deps.targets();
  const guard: StatusView["guard"] = {};
  for (const [group, members] of Object.entries(targets)) {
    const limit = guardLimit(guardOf(deps.config, group), members.length);
    const groupChecks = new Set(deps.config.checks.filter((c) => c.for_each === group).map((c) => c.name));
    const failingTargets = new Set(
      failing.filter((f) => f.target !== undefined && groupChecks.has(f.check)).map((f) => f.target),
    );
    guard[group] = {
      targets: members.length,
      failing: failingTargets.size,
      limit,
      tripped: failingTargets.size > limit,
    };
  }
  const pause = deps.gate.currentPause;
  const used = deps.rateLimiter.used(now);
  const next = deps.rateLimiter.nextAllowedAt(now);
  return {
    environment: deps.config.environment,
    state,
    since,
    detail,
    daemon: { pid: process.pid, startedAt: deps.startedAt },
    paused: pause && (pause.until === null || pause.until > now) ? pause : null,
    maintenance: deps.gate.window(now) ?? null,
    silences: deps.silences.list(now),
    rateLimit: {
      max: deps.rateLimiter.max,
      perMs: deps.rateLimiter.perMs,
      used,
      nextAllowedAt: next > now ? next : null,
    },
    guard,
    flapping: deps.observations.flappingKeys(),
    awaitingApproval:
      state === "awaiting-approval" && typeof detail.escalationId === "string"
        ? { escalationId: detail.escalationId, level: String(detail.level), since }
        : null,
    checks: { total: deps.observations.size, failing: failing.length },
  };
}
