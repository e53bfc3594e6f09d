import { ApiError, getJson } from "./api.mjs";
import type { CheckStatus, EngineEvent, Escalation, EscalationDetail, Level, Status } from "./api-types.mjs";
import { keyOf } from "./check-grid.mjs";
import { daemonNow, syncClock } from "./clock.mjs";
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

/**
 * Reads can overlap (a re-read while the last is still out): each part numbers its reads and keeps
 * an answer only when no later read of that part has been applied, so an old answer arriving late
 * does not overwrite a newer one.
 */
const sequence = { status: 0, checks: 0, latest: 0, detail: 0 };
const applied = { status: 0, checks: 0, latest: 0, detail: 0 };

async function readLatestOf<T>(part: Part, read: () => Promise<T>): Promise<{ value: T } | undefined> {
  const seq = ++sequence[part];
  const value = await read();
  if (seq <= applied[part]) return undefined;
  applied[part] = seq;
  return { value };
}

export async function readStatus(): Promise<void> {
  const answer = await readLatestOf("status", async () => {
    const sentAt = Date.now();
    const status = await getJson<Status & { now?: number }>("/api/v1/status");
    return { status, sentAt, receivedAt: Date.now() };
  });
  if (!answer) return;
  const { status, sentAt, receivedAt } = answer.value;
  syncClock(status.now, sentAt, receivedAt);
  model.status = status;
}

export async function readChecks(): Promise<void> {
  const since = daemonNow();
  const answer = await readLatestOf("checks", () => getJson<CheckStatus[]>("/api/v1/checks"));
  if (!answer) return;
  const checks = new Map(answer.value.map((c) => [keyOf(c.check, c.target), c]));
  // A check event that arrived while this was read is newer than the answer: keep it.
  for (const [key, known] of model.checks) {
    const read = checks.get(key);
    if (read ? known.updatedAt > read.updatedAt : known.updatedAt >= since) checks.set(key, known);
  }
  model.checks = checks;
}

export async function readLadder(): Promise<void> {
  model.ladder = await getJson<Level[]>("/api/v1/ladder");
}

export async function readLatest(): Promise<void> {
  const answer = await readLatestOf("latest", async () => {
    const active = model.status ? activeEscalationId(model.status) : undefined;
    const id = active ?? (await getJson<Escalation[]>("/api/v1/escalations?limit=1"))[0]?.id;
    return id === undefined
      ? undefined
      : await getJson<EscalationDetail>(`/api/v1/escalations/${encodeURIComponent(id)}`);
  });
  if (answer) model.latest = answer.value;
}

/** Reads one escalation for its page; false when the daemon knows no such escalation. */
export async function readDetail(id: string): Promise<boolean> {
  try {
    const answer = await readLatestOf("detail", () =>
      getJson<EscalationDetail>(`/api/v1/escalations/${encodeURIComponent(id)}`),
    );
    if (answer) model.detail = answer.value;
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
    // Status reads already out started before this change: their answers are older than it.
    applied.status = sequence.status;
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
