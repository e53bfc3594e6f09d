import type { Escalation, FailingCheck, PlannedLevel } from "./api-types.mjs";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** "4s", "3m 20s", "2h 5m", "3d 4h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ""}`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${m % 60 ? ` ${m % 60}m` : ""}`;
  return `${Math.floor(h / 24)}d${h % 24 ? ` ${h % 24}h` : ""}`;
}

/** "12s ago" with the exact time in a <time> element. */
export function ago(at: number, now = Date.now()): string {
  return `<time datetime="${new Date(at).toISOString()}" title="${esc(new Date(at).toLocaleString())}">${formatDuration(now - at)} ago</time>`;
}

/** A local date and time, to the second. */
export function clockTime(at: number): string {
  return `<time datetime="${new Date(at).toISOString()}">${esc(new Date(at).toLocaleString())}</time>`;
}

/** The words and colour (tone) of each engine state. */
export const STATE_LABELS: Record<string, { label: string; tone: string; meaning: string }> = {
  converged: { label: "Converged", tone: "ok", meaning: "every check is OK; nothing to do" },
  quiescing: { label: "Quiescing", tone: "warn", meaning: "a check fails; waiting before acting" },
  escalating: { label: "Escalating", tone: "bad", meaning: "running the plan" },
  verifying: { label: "Verifying", tone: "info", meaning: "the plan ran; checking that it worked" },
  backoff: { label: "Backing off", tone: "warn", meaning: "still failing; waiting before the next cycle" },
  stuck: { label: "Stuck", tone: "bad", meaning: "needs a human; acknowledge to try again" },
  paused: { label: "Paused", tone: "hold", meaning: "nothing escalates until resumed" },
  "rate-limited": { label: "Rate limited", tone: "hold", meaning: "too many escalations lately" },
  "awaiting-approval": { label: "Awaiting approval", tone: "ask", meaning: "a level waits for a human" },
};

export function stateLabel(state: string): { label: string; tone: string; meaning: string } {
  return STATE_LABELS[state] ?? { label: state, tone: "hold", meaning: "" };
}

/** Parses a JSON text column, falling back when it is not what we expect. */
export function parseJson<T>(text: string, fallback: T): T {
  try {
    return (JSON.parse(text) as T) ?? fallback;
  } catch {
    return fallback;
  }
}

export function planOf(escalation: Escalation): { levels: PlannedLevel[]; notes: string[] } {
  const plan = parseJson<{ levels?: PlannedLevel[]; notes?: string[] }>(escalation.plan, {});
  return { levels: Array.isArray(plan.levels) ? plan.levels : [], notes: plan.notes ?? [] };
}

export function triggerOf(escalation: Escalation): FailingCheck[] {
  const trigger = parseJson<unknown>(escalation.trigger, []);
  return Array.isArray(trigger) ? (trigger as FailingCheck[]) : [];
}

/** "check" or "check on target". */
export function instanceName(check: string, target: string | undefined): string {
  return target ? `${check} on ${target}` : check;
}
