import { ApiError, getJson } from "./api.mjs";
import type { CheckStatus, EngineEvent, Escalation, EscalationDetail, Level, Status } from "./api-types.mjs";
import { keyOf } from "./check-grid.mjs";
import { activeEscalationId } from "./overview.mjs";

/** What the page knows of the daemon; every view is drawn from it. */
export const model = {
  status: undefined as Status | undefined,
  checks: new Map<string, CheckStatus>(),
  ladder: [] as Level[],
  /** The escalation the overview shows: the running one, else the newest. */
  latest: undefined as EscalationDetail | undefined,
  /** The escalation the escalation page shows. */
  detail: undefined as EscalationDetail | undefined,
  /** Whether the folded all-OK rows of the check grid are open. */
  foldOpen: false,
};

/** Parts of the model that can be read again from the API. */
export type Part = "status" | "checks" | "latest" | "detail";

export async function readStatus(): Promise<void> {
  model.status = await getJson<Status>("/api/v1/status");
}

export async function readChecks(): Promise<void> {
  const checks = await getJson<CheckStatus[]>("/api/v1/checks");
  model.checks = new Map(checks.map((c) => [keyOf(c.check, c.target), c]));
}

export async function readLadder(): Promise<void> {
  model.ladder = await getJson<Level[]>("/api/v1/ladder");
}

export async function readLatest(): Promise<void> {
  const active = model.status ? activeEscalationId(model.status) : undefined;
  const id = active ?? (await getJson<Escalation[]>("/api/v1/escalations?limit=1"))[0]?.id;
  model.latest =
    id === undefined
      ? undefined
      : await getJson<EscalationDetail>(`/api/v1/escalations/${encodeURIComponent(id)}`);
}

/** Reads one escalation for its page; false when the daemon knows no such escalation. */
export async function readDetail(id: string): Promise<boolean> {
  try {
    model.detail = await getJson<EscalationDetail>(`/api/v1/escalations/${encodeURIComponent(id)}`);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}

/**
 * Applies one event from the stream. State and check events carry what the page shows, so they
 * change the model at once (a short state is not missed); the rest says what to read again.
 */
export function applyEvent(event: EngineEvent): { redraw: boolean; reread: Part[]; notice?: string } {
  const d = event.data;
  if (event.type === "state" && model.status && typeof d.state === "string") {
    const { state, ...detail } = d;
    const since = state === model.status.state ? model.status.since : event.at;
    model.status = { ...model.status, state, since, detail };
    return { redraw: true, reread: ["status"] };
  }
  if (event.type === "check" && typeof d.check === "string") {
    const target = typeof d.target === "string" ? d.target : "";
    if (typeof d.toState !== "string") return { redraw: false, reread: ["status"] };
    const key = keyOf(d.check, target);
    model.checks.set(key, {
      check: d.check,
      target,
      state: d.toState as CheckStatus["state"],
      failing: d.failing === true,
      message: typeof d.message === "string" ? d.message : "",
      level: model.checks.get(key)?.level ?? "",
      updatedAt: event.at,
    });
    return { redraw: true, reread: ["status"] };
  }
  if (event.type === "escalation" || event.type === "step") {
    return { redraw: false, reread: ["status", "latest", "detail"] };
  }
  if (event.type === "page" && typeof d.summary === "string") {
    return { redraw: false, reread: [], notice: `Paged: ${d.summary}` };
  }
  return { redraw: false, reread: ["status"] };
}
