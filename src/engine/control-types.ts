import type {
  CheckStatusRecord,
  EngineStateName,
  EscalationRecord,
  PauseRecord,
  SilenceRecord,
  StepRecord,
} from "../store/types.js";
import type { AlertIntakeResult, IncomingAlert } from "./alerts.js";

/** What `GET /api/v1/status` returns and `escalator status` prints. */
export interface StatusView {
  environment: string;
  state: EngineStateName | "awaiting-approval";
  since: number;
  detail: Record<string, unknown>;
  daemon: { pid: number; startedAt: number };
  paused: PauseRecord | null;
  /** The open maintenance window, if any. */
  maintenance: { reason: string; until: number | null } | null;
  silences: SilenceRecord[];
  rateLimit: { max: number; perMs: number; used: number; nextAllowedAt: number | null };
  guard: Record<string, { targets: number; failing: number; limit: number; tripped: boolean }>;
  flapping: string[];
  awaitingApproval: { escalationId: string; level: string; since: number } | null;
  checks: { total: number; failing: number };
}

/** An event on the SSE stream `GET /api/v1/events`. */
export interface EngineEvent {
  type: "state" | "check" | "escalation" | "step" | "page" | "control";
  at: number;
  data: Record<string, unknown>;
}

export type ControlOutcome =
  | { ok: true; message: string }
  | { ok: false; status: 400 | 404 | 409; error: string };

/**
 * The running engine as the HTTP API sees it. The daemon implements it; tests use a fake.
 * Every method that changes something records who did it.
 */
export interface EngineControl {
  readonly environment: string;
  status(): Promise<StatusView>;
  checks(): Promise<CheckStatusRecord[]>;
  escalations(limit: number): Promise<EscalationRecord[]>;
  escalation(id: string): Promise<{ escalation: EscalationRecord; steps: StepRecord[] } | undefined>;
  pause(request: { by: string; reason: string; forMs?: number }): Promise<ControlOutcome>;
  resume(request: { by: string }): Promise<ControlOutcome>;
  silence(request: {
    check: string;
    target?: string;
    forMs: number;
    reason: string;
    by: string;
  }): Promise<ControlOutcome>;
  approve(escalationId: string, by: string): Promise<ControlOutcome>;
  reject(escalationId: string, by: string, reason: string): Promise<ControlOutcome>;
  ack(by: string, note: string): Promise<ControlOutcome>;
  ingestAlerts(alerts: IncomingAlert[]): Promise<AlertIntakeResult>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Prometheus exposition text. */
  metrics(): Promise<{ contentType: string; body: string }>;
}
