import type { EscalationDetail, Step } from "./api-types.mjs";
import { daemonNow } from "./clock.mjs";
import { clockTime, esc, formatDuration, instanceName, planOf, runningFor, triggerOf } from "./format.mjs";

const TAIL_LINES = 200;

function outputTail(output: string): string {
  const lines = output.replace(/\n+$/, "").split("\n");
  const tail = lines.slice(-TAIL_LINES).join("\n");
  const count =
    lines.length > TAIL_LINES
      ? `last ${TAIL_LINES} of ${lines.length} lines`
      : `${lines.length} ${lines.length === 1 ? "line" : "lines"}`;
  return `<details><summary>Output (${count})</summary><pre>${esc(tail)}</pre></details>`;
}

/** One step: level and target, attempt, start, duration, exit code and the output's tail. */
function stepHtml(step: Step, headingLevel: number, now: number): string {
  const h = `h${headingLevel}`;
  const where = step.target ? ` on ${esc(step.target)}` : "";
  const took =
    step.endedAt === null
      ? runningFor(step.startedAt, now)
      : `took ${formatDuration(step.endedAt - step.startedAt)}`;
  return `<li data-step-id="${step.id}" data-level="${esc(step.level)}" data-status="${esc(step.status)}">
  <${h}>${esc(step.level)}${where}: ${esc(step.status)}</${h}>
  <div class="facts">
    <span>attempt ${step.attempt}</span>
    <span>${step.role === "fallback" ? "fallback" : "action"}</span>
    <span>started ${clockTime(step.startedAt)}</span>
    <span>${took}</span>
    <span>exit code ${step.exitCode === null ? "—" : step.exitCode}</span>
  </div>
  ${step.output ? outputTail(step.output) : `<div class="muted">No output.</div>`}
</li>`;
}

/** The steps of an escalation in the order they ran. */
export function timelineHtml(detail: EscalationDetail, headingLevel = 3, now = daemonNow()): string {
  if (detail.steps.length === 0) return `<p class="muted">No step has run yet.</p>`;
  return `<ol class="timeline" aria-label="Steps of ${esc(detail.escalation.id)}">${detail.steps.map((s) => stepHtml(s, headingLevel, now)).join("")}</ol>`;
}

/** Status, outcome, start and duration of one escalation. */
export function escalationFacts(detail: EscalationDetail, now = daemonNow()): string {
  const e = detail.escalation;
  const took =
    e.endedAt === null ? runningFor(e.startedAt, now) : `took ${formatDuration(e.endedAt - e.startedAt)}`;
  return `<div class="facts" data-escalation-status="${esc(e.status)}">
  <span>Status: <strong>${esc(e.status)}</strong></span>
  <span>cycle ${e.attempt}${e.dryRun ? " (dry run)" : ""}</span>
  <span>started ${clockTime(e.startedAt)}</span>
  <span>${took}</span>
</div>${e.outcome ? `<p>Outcome: ${esc(e.outcome)}</p>` : ""}`;
}

/** The latest escalation on the overview: a link, its facts and its timeline. */
export function latestHtml(detail: EscalationDetail | undefined, now = daemonNow()): string {
  if (!detail) return `<p class="muted">No escalation yet.</p>`;
  const id = detail.escalation.id;
  return `<p><a href="#/escalations/${esc(encodeURIComponent(id))}">Escalation ${esc(id)}</a></p>${escalationFacts(detail, now)}${timelineHtml(detail, 3, now)}`;
}

/** The escalation page: facts, the trigger and the plan as decided, and the timeline of steps. */
export function escalationPageHtml(detail: EscalationDetail, now = daemonNow()): string {
  const e = detail.escalation;
  const trigger = triggerOf(e);
  const plan = planOf(e);
  const triggerTable = trigger.length
    ? `<div class="table-wrap"><table><thead><tr><th scope="col">Check</th><th scope="col">Level</th><th scope="col">State</th><th scope="col">Message</th></tr></thead><tbody>${trigger
        .map(
          (f) =>
            `<tr><th scope="row">${esc(instanceName(f.check, f.target))}</th><td>${esc(f.level)}</td><td>${esc(f.state)}</td><td class="message">${esc(f.message)}</td></tr>`,
        )
        .join("")}</tbody></table></div>`
    : `<p class="muted">No trigger recorded.</p>`;
  const planList = plan.levels.length
    ? `<ol id="plan">${plan.levels
        .map(
          (l) =>
            `<li><strong>${esc(l.level)}</strong>${l.scope === "targets" ? ` on ${l.targets.length ? esc(l.targets.join(", ")) : "no target"}` : " (whole environment)"}${l.because ? ` <span class="muted">— ${esc(l.because)}</span>` : ""}</li>`,
        )
        .join("")}</ol>`
    : `<p class="muted">Empty plan.</p>`;
  const notes = plan.notes.length ? `<ul>${plan.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
  return `<h2>Escalation ${esc(e.id)}</h2>
${escalationFacts(detail, now)}
<section aria-labelledby="trigger-heading"><h3 id="trigger-heading">Trigger</h3>${triggerTable}</section>
<section aria-labelledby="plan-heading"><h3 id="plan-heading">Plan</h3>${planList}${notes}</section>
<section aria-labelledby="steps-heading"><h3 id="steps-heading">Steps</h3>${timelineHtml(detail, 4, now)}</section>`;
}
