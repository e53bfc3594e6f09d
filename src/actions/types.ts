import type { Logger } from "pino";

/** How an action runs: exactly one of argv, shell or webhook. */
export interface ActionSpec {
  run?: readonly string[];
  shell?: string;
  webhook?: { url: string; headers?: Record<string, string>; timeoutMs?: number };
  env?: Record<string, string>;
  /** Absolute working directory. */
  cwd: string;
  timeoutMs: number;
}

export interface ActionContext {
  spec: ActionSpec;
  environment: string;
  level: string;
  target?: string;
  attempt: number;
  escalationId: string;
  /** JSON text describing the failing checks, passed as ESCALATOR_REASON. */
  reason: string;
  logger?: Logger;
  /** Called with output chunks as they arrive, for live logs. */
  onOutput?: (chunk: string) => void;
}

export interface ActionResult {
  ok: boolean;
  /** Process exit code, HTTP status for webhooks, or null when killed/unreachable. */
  exitCode: number | null;
  /** Last 64 KiB of combined stdout and stderr (or the response body). */
  output: string;
  /** Set when the action was stopped by its timeout or by the signal. */
  timedOut: boolean;
  error?: string;
  startedAt: number;
  endedAt: number;
}

export interface Action {
  kind: "command" | "shell" | "webhook";
  run(ctx: ActionContext, signal: AbortSignal): Promise<ActionResult>;
}

/** A page to a human. */
export interface Notification {
  environment: string;
  severity: "critical" | "warning" | "info";
  summary: string;
  escalationId?: string;
  details: Record<string, unknown>;
}

export interface NotifyOutcome {
  channel: string;
  ok: boolean;
  error?: string;
}
