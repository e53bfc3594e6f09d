import type { Escalation, FailingCheck, PlannedLevel } from "./api-types.mjs";
import { daemonNow } from "./clock.mjs";

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

/** Whether a timestamp can be shown (a number a Date accepts). */
const valid = (at: unknown): at is number =>
  typeof at === "number" && Number.isFinite(at) && Math.abs(at) < 8.64e15;

/** The text of an age: "12s ago". */
export function agoText(at: number, now = daemonNow()): string {
  return `${formatDuration(now - at)} ago`;
}

/**
 * "12s ago" with the exact time in a <time> element; `data-ago` lets refreshAges() move the text on
 * in place (no redraw, so focus and selection stay).
 */
export function ago(at: number, now = daemonNow()): string {
  if (!valid(at)) return `<span class="muted">unknown time</span>`;
  return `<time datetime="${new Date(at).toISOString()}" title="${esc(new Date(at).toLocaleString())}" data-ago="${at}">${agoText(at, now)}</time>`;
}

/** "running for 3m 20s", moved on in place by refreshAges() like ago(). */
export function runningFor(since: number, now = daemonNow()): string {
  if (!valid(since)) return "running";
  return `<span data-since="${since}">running for ${formatDuration(now - since)}</span>`;
}

/** Moves every age and running time under `root` on to `now`, changing only the texts that changed. */
export function refreshAges(root: ParentNode, now = daemonNow()): void {
  const set = (element: Element, text: string) => {
    if (element.textContent !== text) element.textContent = text;
  };
  for (const time of root.querySelectorAll<HTMLElement>("time[data-ago]")) {
    set(time, agoText(Number(time.dataset.ago), now));
  }
  for (const span of root.querySelectorAll<HTMLElement>("[data-since]")) {
    set(span, `running for ${formatDuration(now - Number(span.dataset.since))}`);
  }
}

/** A local date and time, to the second. */
export function clockTime(at: number): string {
  if (!valid(at)) return `<span class="muted">unknown time</span>`;
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
