import type { EscalationDetail, FailingCheck, Level, Status } from "./api-types.mjs";
import { daemonNow } from "./clock.mjs";
import { ago, esc, formatDuration, instanceName, planOf, stateLabel } from "./format.mjs";

/** The overview's fixed frame; its parts are filled in separately so controls keep focus. */
export const OVERVIEW_FRAME = `
<section aria-labelledby="state-heading">
  <h2 id="state-heading">State</h2>
  <div id="state-panel"></div>
  <div class="controls" role="group" aria-label="Controls">
    <button type="button" data-action="pause">Pause</button>
    <button type="button" data-action="resume">Resume</button>
    <button type="button" data-action="ack">Acknowledge</button>
    <button type="button" data-action="approve">Approve</button>
    <button type="button" data-action="reject">Reject</button>
  </div>
  <ul id="markers" class="markers" aria-label="Safety markers"></ul>
</section>
<section aria-labelledby="ladder-heading">
  <h2 id="ladder-heading">Ladder</h2>
  <ol id="ladder" class="ladder"></ol>
</section>
<section aria-labelledby="checks-heading">
  <h2 id="checks-heading">Checks</h2>
  <div id="grid"></div>
</section>
<section aria-labelledby="latest-heading">
  <h2 id="latest-heading">Latest escalation</h2>
  <div id="latest"></div>
</section>`;

/** The moment the current state's countdown ends, if it has one. */
export function countdownEnd(status: Status): { until: number; what: string } | undefined {
  const d = status.detail;
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  if (status.state === "quiescing" && num(d.until)) return { until: num(d.until) as number, what: "acts in" };
  if (status.state === "escalating" && num(d.quiescingUntil))
    return { until: num(d.quiescingUntil) as number, what: "level quiescence ends in" };
  if (status.state === "rate-limited" && num(d.until))
    return { until: num(d.until) as number, what: "may act again in" };
  if (status.state === "backoff" && num(d.until))
    return { until: num(d.until) as number, what: "next cycle in" };
  if (status.paused?.until) return { until: status.paused.until, what: "resumes in" };
  return undefined;
}

export function countdownText(status: Status, now = daemonNow()): string {
  const end = countdownEnd(status);
  return end ? `${end.what} ${formatDuration(Math.max(0, end.until - now))}` : "";
}

function failingList(detail: Record<string, unknown>): string {
  const failing = Array.isArray(detail.failing) ? (detail.failing as FailingCheck[]) : [];
  if (failing.length === 0) return "";
  const total = typeof detail.total === "number" ? detail.total : failing.length;
  const shown = failing.slice(0, 5).map((f) => esc(instanceName(f.check, f.target)));
  const more = total > shown.length ? ` and ${total - shown.length} more` : "";
  return `Failing: ${shown.join(", ")}${more}.`;
}

function explanation(status: Status): string {
  const d = status.detail;
  const link = (id: unknown) =>
    typeof id === "string"
      ? ` (<a href="#/escalations/${esc(encodeURIComponent(id))}">escalation ${esc(id)}</a>)`
      : "";
  switch (status.state) {
    case "quiescing":
      return failingList(d);
    case "escalating":
      if (typeof d.level === "string") {
        const where = typeof d.target === "string" && d.target ? ` on ${esc(d.target)}` : "";
        const doing = typeof d.quiescingUntil === "number" ? "Quiescing after level" : "Running level";
        return `${doing} ${esc(d.level)}${where}${link(d.escalationId)}.`;
      }
      return `Plan: ${Array.isArray(d.plan) ? esc(d.plan.join(" → ")) : "…"}${link(d.escalationId)}.`;
    case "verifying":
      return `Checking the plan worked${link(d.escalationId)}.`;
    case "stuck":
      return typeof d.reason === "string" ? esc(d.reason) : "";
    case "backoff":
      return failingList(d);
    case "awaiting-approval":
      return status.awaitingApproval
        ? `Level ${esc(status.awaitingApproval.level)} waits for approval${link(status.awaitingApproval.escalationId)}.`
        : "";
    default:
      if (status.paused) {
        const p = status.paused;
        return `Paused by ${esc(p.by)}${p.reason ? `: ${esc(p.reason)}` : ""}.`;
      }
      if (status.maintenance) return `Maintenance window: ${esc(status.maintenance.reason)}.`;
      return "";
  }
}

/** The state with its label, colour, meaning, age, countdown and why. */
export function stateHtml(status: Status, now = daemonNow()): string {
  const { label, tone, meaning } = stateLabel(status.state);
  return `<div id="state" class="state tone-${tone}" data-state="${esc(status.state)}">
  <span class="state-label">${esc(label)}</span>
  <span>${esc(meaning)}</span>
  <span class="muted">since ${ago(status.since, now)}</span>
  <span id="countdown" aria-live="off">${esc(countdownText(status, now))}</span>
</div>
<p class="state-why">${explanation(status)} <span class="muted">${status.checks.failing} of ${status.checks.total} checks failing.</span></p>`;
}

/**
 * Enables only the controls that make sense now. A control whose request is on its way (`busy`)
 * says so with aria-disabled (it keeps the keyboard focus; pressing it again does nothing).
 */
export function updateControls(
  root: ParentNode,
  status: Status,
  busy: ReadonlySet<string> = new Set(),
): void {
  const set = (action: string, enabled: boolean) => {
    const button = root.querySelector<HTMLButtonElement>(`button[data-action="${action}"]`);
    if (!button) return;
    button.disabled = !enabled;
    if (busy.has(action)) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  };
  set("pause", status.paused === null);
  set("resume", status.paused !== null);
  set("ack", true);
  set("approve", status.awaitingApproval !== null);
  set("reject", status.awaitingApproval !== null);
}

/** Guard, flapping, silence, pause, maintenance and rate-limit markers, in words. */
export function markersHtml(status: Status, now = daemonNow()): string {
  const items: string[] = [];
  for (const [group, g] of Object.entries(status.guard)) {
    const tone = g.tripped ? "bad" : g.failing > 0 ? "warn" : "ok";
    items.push(
      `<li class="marker tone-${tone}" data-marker="guard">Guard ${esc(group)}: ${g.failing} of ${g.targets} failing, limit ${g.limit}${g.tripped ? " — tripped" : ""}</li>`,
    );
  }
  for (const key of status.flapping)
    items.push(`<li class="marker tone-warn" data-marker="flapping">Flapping: ${esc(key)}</li>`);
  for (const s of status.silences) {
    items.push(
      `<li class="marker tone-hold" data-marker="silence">Silenced: ${esc(instanceName(s.check, s.target))} for ${formatDuration(s.until - now)} (${esc(s.by)})</li>`,
    );
  }
  if (status.paused)
    items.push(`<li class="marker tone-hold" data-marker="paused">Paused by ${esc(status.paused.by)}</li>`);
  if (status.maintenance)
    items.push(
      `<li class="marker tone-hold" data-marker="maintenance">Maintenance: ${esc(status.maintenance.reason)}</li>`,
    );
  const rl = status.rateLimit;
  items.push(
    `<li class="marker tone-${rl.used >= rl.max ? "bad" : "ok"}" data-marker="rate-limit">Rate limit: ${rl.used} of ${rl.max} per ${formatDuration(rl.perMs)}</li>`,
  );
  return items.join("");
}

/** Whether the current state belongs to an escalation (whose plan the ladder marks). */
export function activeEscalationId(status: Status): string | undefined {
  const id = status.detail.escalationId;
  return typeof id === "string" && status.state !== "converged" && status.state !== "quiescing"
    ? id
    : undefined;
}

/** The ladder, with the current plan's levels and the running step marked in words too. */
export function ladderHtml(ladder: Level[], status: Status, current: EscalationDetail | undefined): string {
  const activeId = activeEscalationId(status);
  const plan = current && current.escalation.id === activeId ? planOf(current.escalation) : undefined;
  const planned = new Map((plan?.levels ?? []).map((l) => [l.level, l]));
  const runningLevel =
    status.state === "escalating" && typeof status.detail.level === "string"
      ? status.detail.level
      : undefined;
  const runningTarget = typeof status.detail.target === "string" ? status.detail.target : "";
  return ladder
    .map((level, i) => {
      const inPlan = planned.get(level.name);
      const running = runningLevel === level.name;
      const tags = [
        level.forEach ? `per target of ${esc(level.forEach)}` : "whole environment",
        level.approve ? "needs approval" : "",
        level.quiescenceMs ? `then quiet ${formatDuration(level.quiescenceMs)}` : "",
        level.fallback ? "has fallback" : "",
      ].filter(Boolean);
      const badges = [
        inPlan
          ? `<strong>In plan</strong>${inPlan.targets.length ? `: ${esc(inPlan.targets.join(", "))}` : ""}`
          : "",
        running ? `<strong>Running now</strong>${runningTarget ? ` on ${esc(runningTarget)}` : ""}` : "",
      ].filter(Boolean);
      return `<li data-level="${esc(level.name)}" data-planned="${inPlan ? "true" : "false"}" data-running="${running}">
  <div><span class="muted">${i + 1}.</span> <strong>${esc(level.name)}</strong></div>
  ${level.description ? `<div>${esc(level.description)}</div>` : ""}
  <div class="tags">${tags.join(" · ")}</div>
  ${badges.length ? `<div class="badges">${badges.join(" · ")}</div>` : ""}
</li>`;
    })
    .join("");
}
