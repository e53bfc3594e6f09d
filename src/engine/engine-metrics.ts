import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { CHECK_STATES, type CheckState } from "../config/schema.js";
import type { EngineStateName, EscalationStatus, StepStatus } from "../store/types.js";

/** The engine's Prometheus metrics, on a registry of its own. */
export interface EngineMetrics {
  readonly registry: Registry;
  /** Sets the current state of one check instance ("" target: environment-wide); null forgets it. */
  checkState(check: string, target: string, state: CheckState | null): void;
  escalationFinished(status: EscalationStatus): void;
  stepFinished(level: string, status: StepStatus, seconds: number): void;
  guard(group: string, values: { targets: number; failing: number; limit: number; tripped: boolean }): void;
  engineState(state: string): void;
  /** Prometheus exposition text. */
  render(): Promise<{ contentType: string; body: string }>;
}

const FINISHED_ESCALATIONS: readonly EscalationStatus[] = [
  "succeeded",
  "failed",
  "stuck",
  "interrupted",
  "dry-run",
  "blocked",
  "rejected",
];
const ENGINE_STATES: readonly EngineStateName[] = [
  "converged",
  "quiescing",
  "escalating",
  "verifying",
  "backoff",
  "stuck",
  "paused",
  "rate-limited",
  "awaiting-approval",
];
const STEP_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * Check states are one gauge per state, `escalator_check_state{check,target,state}`, where exactly
 * one of the four is 1 (the enum pattern): alert rules can select `state="CRITICAL"` by name, and
 * `sum by (state)` counts checks per state. The engine state follows the same pattern. Every metric
 * carries `environment`, and each call makes its own registry, so engines and tests never collide.
 */
export function createEngineMetrics(environment: string): EngineMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ environment });
  collectDefaultMetrics({ register: registry, prefix: "escalator_" });
  const registers = [registry];

  const checkStateGauge = new Gauge({
    name: "escalator_check_state",
    help: "Current state of each check instance: 1 for its state (OK, WARNING, CRITICAL, UNKNOWN), 0 for the others",
    labelNames: ["check", "target", "state"] as const,
    registers,
  });
  const escalations = new Counter({
    name: "escalator_escalations_total",
    help: "Escalations finished, by outcome",
    labelNames: ["status"] as const,
    registers,
  });
  const stepDuration = new Histogram({
    name: "escalator_step_duration_seconds",
    help: "Duration of finished steps, by level and outcome",
    labelNames: ["level", "status"] as const,
    buckets: STEP_BUCKETS,
    registers,
  });
  const guardGauge = (name: string, help: string) =>
    new Gauge({ name: `escalator_guard_${name}`, help, labelNames: ["group"] as const, registers });
  const guardTargets = guardGauge("targets", "Targets in the group");
  const guardFailing = guardGauge("failing", "Failing targets in the group");
  const guardLimit = guardGauge("limit", "Most targets target-scoped levels may act on in one escalation");
  const guardTripped = guardGauge(
    "tripped",
    "1 when more targets fail than the guard allows, so nothing acts",
  );
  const engineStateGauge = new Gauge({
    name: "escalator_engine_state",
    help: "Current engine state: 1 for the current one, 0 for the others",
    labelNames: ["state"] as const,
    registers,
  });

  for (const status of FINISHED_ESCALATIONS) escalations.inc({ status }, 0);
  const engineStates = new Set<string>(ENGINE_STATES);

  return {
    registry,
    checkState(check, target, state) {
      for (const each of CHECK_STATES) {
        if (state === null) checkStateGauge.remove({ check, target, state: each });
        else checkStateGauge.set({ check, target, state: each }, each === state ? 1 : 0);
      }
    },
    escalationFinished(status) {
      escalations.inc({ status });
    },
    stepFinished(level, status, seconds) {
      stepDuration.observe({ level, status }, Math.max(0, seconds));
    },
    guard(group, values) {
      guardTargets.set({ group }, values.targets);
      guardFailing.set({ group }, values.failing);
      guardLimit.set({ group }, values.limit);
      guardTripped.set({ group }, values.tripped ? 1 : 0);
    },
    engineState(state) {
      engineStates.add(state);
      for (const each of engineStates) engineStateGauge.set({ state: each }, each === state ? 1 : 0);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
