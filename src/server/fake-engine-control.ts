import type { AlertIntakeResult, IncomingAlert } from "../engine/alerts.js";
import type { CheckStatusRecord, EscalationRecord, StepRecord } from "../store/types.js";
import type {
  ControlOutcome,
  EngineControl,
  EngineEvent,
  EscalationFilter,
  LadderLevelView,
  StatusView,
  TransitionFilter,
  TransitionView,
  VerdictView,
} from "./types.js";

/** One call the fake received: method name and arguments. */
export interface RecordedCall {
  method: string;
  args: unknown[];
}

export const sampleEscalation: EscalationRecord = {
  id: "esc-1",
  environment: "test",
  status: "succeeded",
  attempt: 1,
  dryRun: false,
  trigger: "[]",
  plan: "{}",
  startedAt: 1000,
  endedAt: 2000,
  outcome: "converged",
};

export const sampleStep: StepRecord = {
  id: 1,
  escalationId: "esc-1",
  level: "service",
  target: "",
  attempt: 1,
  role: "action",
  status: "succeeded",
  startedAt: 1000,
  endedAt: 1500,
  exitCode: 0,
  output: "",
};

export const sampleLevel: LadderLevelView = {
  name: "service",
  description: "restart the service",
  forEach: null,
  approve: false,
  quiescenceMs: null,
  timeoutMs: 30_000,
  retries: 0,
  fallback: false,
};

export const sampleStatus: StatusView = {
  environment: "test",
  state: "converged",
  since: 1000,
  detail: {},
  daemon: { pid: 1, startedAt: 0 },
  paused: null,
  maintenance: null,
  silences: [],
  rateLimit: { max: 5, perMs: 3_600_000, used: 0, nextAllowedAt: null },
  guard: {},
  flapping: [],
  awaitingApproval: null,
  checks: { total: 1, failing: 0 },
};

/**
 * An EngineControl for tests: answers with fixed data, records every call, and lets a test emit
 * events to subscribers. `outcome` is what every control method answers.
 */
export class FakeEngineControl implements EngineControl {
  readonly environment = "test";
  features = { verdicts: false };
  /** What `verdicts()` answers. */
  verdictRows: VerdictView[] = [];
  readonly calls: RecordedCall[] = [];
  readonly listeners = new Set<(event: EngineEvent) => void>();
  unsubscribed = 0;
  outcome: ControlOutcome = { ok: true, message: "done" };

  #record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  /** Calls that change something (everything but reads, subscribe and metrics). */
  get changes(): RecordedCall[] {
    const reads = new Set([
      "status",
      "checks",
      "escalations",
      "escalation",
      "transitions",
      "ladder",
      "verdicts",
      "subscribe",
      "metrics",
    ]);
    return this.calls.filter((call) => !reads.has(call.method));
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async status(): Promise<StatusView> {
    this.#record("status");
    return sampleStatus;
  }
  async checks(): Promise<CheckStatusRecord[]> {
    this.#record("checks");
    return [
      {
        environment: "test",
        check: "web",
        target: "",
        state: "OK",
        failing: false,
        message: "HTTP 200",
        perfdata: "[]",
        level: "service",
        updatedAt: 1000,
      },
    ];
  }
  async escalations(limit: number, filter?: EscalationFilter): Promise<EscalationRecord[]> {
    if (filter === undefined) this.#record("escalations", limit);
    else this.#record("escalations", limit, filter);
    return [sampleEscalation];
  }
  async transitions(filter: TransitionFilter): Promise<TransitionView[]> {
    this.#record("transitions", filter);
    return [
      {
        id: 7,
        environment: "test",
        check: "web",
        target: "",
        fromState: "OK",
        toState: "CRITICAL",
        failing: true,
        message: "connection refused",
        at: 1000,
      },
    ];
  }
  async verdicts(filter: { release?: string; limit: number }): Promise<VerdictView[]> {
    this.#record("verdicts", filter);
    return this.verdictRows.filter((v) => filter.release === undefined || v.release === filter.release);
  }
  ladder(): LadderLevelView[] {
    this.#record("ladder");
    return [sampleLevel];
  }
  async escalation(id: string): Promise<{ escalation: EscalationRecord; steps: StepRecord[] } | undefined> {
    this.#record("escalation", id);
    return id === sampleEscalation.id ? { escalation: sampleEscalation, steps: [sampleStep] } : undefined;
  }
  async pause(request: { by: string; reason: string; forMs?: number }): Promise<ControlOutcome> {
    this.#record("pause", request);
    return this.outcome;
  }
  async resume(request: { by: string }): Promise<ControlOutcome> {
    this.#record("resume", request);
    return this.outcome;
  }
  async silence(request: {
    check: string;
    target?: string;
    forMs: number;
    reason: string;
    by: string;
  }): Promise<ControlOutcome> {
    this.#record("silence", request);
    return this.outcome;
  }
  async approve(escalationId: string, by: string): Promise<ControlOutcome> {
    this.#record("approve", escalationId, by);
    return this.outcome;
  }
  async reject(escalationId: string, by: string, reason: string): Promise<ControlOutcome> {
    this.#record("reject", escalationId, by, reason);
    return this.outcome;
  }
  async ack(by: string, note: string): Promise<ControlOutcome> {
    this.#record("ack", by, note);
    return this.outcome;
  }
  async ingestAlerts(alerts: IncomingAlert[]): Promise<AlertIntakeResult> {
    this.#record("ingestAlerts", alerts);
    return { received: alerts.length, routed: alerts.length, changed: 0, ignored: [] };
  }
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.#record("subscribe");
    this.listeners.add(listener);
    return () => {
      this.unsubscribed += 1;
      this.listeners.delete(listener);
    };
  }
  async metrics(): Promise<{ contentType: string; body: string }> {
    this.#record("metrics");
    return { contentType: "text/plain; version=0.0.4; charset=utf-8", body: "escalator_up 1\n" };
  }
}
