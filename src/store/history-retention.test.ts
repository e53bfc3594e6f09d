import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "./open-store.js";
import type { Store } from "./types.js";

let store: Store;
beforeEach(async () => {
  store = await openStore("sqlite::memory:");
});
afterEach(() => store.close());

async function escalation(id: string, environment: string, startedAt: number, endedAt: number | null) {
  await store.createEscalation({
    id,
    environment,
    status: "running",
    attempt: 1,
    dryRun: false,
    trigger: "[]",
    plan: "{}",
    startedAt,
  });
  const step = await store.startStep({
    escalationId: id,
    level: "deploy",
    target: "",
    attempt: 1,
    role: "action",
    startedAt,
  });
  if (endedAt !== null) {
    await store.finishStep(step, { status: "succeeded", endedAt, exitCode: 0, output: "" });
    await store.finishEscalation(id, "succeeded", "ok", endedAt);
  }
}

describe("pruneHistory", () => {
  it("forgets finished history older than the cut-off, keeps newer, running and other environments", async () => {
    await escalation("old", "prod", 100, 200);
    await escalation("new", "prod", 900, 1_000);
    await escalation("running", "prod", 100, null);
    await escalation("other-env", "staging", 100, 200);
    await store.recordCheckTransition({
      environment: "prod",
      check: "c",
      target: "",
      fromState: null,
      toState: "OK",
      failing: false,
      message: "",
      at: 100,
    });
    await store.recordCheckTransition({
      environment: "prod",
      check: "c",
      target: "",
      fromState: "OK",
      toState: "CRITICAL",
      failing: true,
      message: "",
      at: 800,
    });
    await store.recordNotification({
      environment: "prod",
      escalationId: null,
      at: 100,
      summary: "old page",
      outcomes: "[]",
    });
    await store.addAck("prod", "alice", "", 100);
    await store.consumeAcks("prod", 150);
    await store.addAck("prod", "bob", "", 160);

    const counts = await store.pruneHistory("prod", 500);

    expect(counts).toEqual({ escalations: 1, steps: 1, transitions: 1, notifications: 1, acks: 1 });
    expect((await store.listEscalations("prod")).map((e) => e.id).sort()).toEqual(["new", "running"]);
    expect(await store.listSteps("old")).toEqual([]);
    expect(await store.listSteps("running")).toHaveLength(1);
    expect(await store.listEscalations("staging")).toHaveLength(1);
    expect((await store.listCheckTransitions("prod")).map((t) => t.at)).toEqual([800]);
    expect(await store.listNotifications("prod")).toEqual([]);
    expect((await store.consumeAcks("prod", 2_000)).map((a) => a.by)).toEqual(["bob"]);
  });

  it("forgets approvals of pruned escalations, resolved alerts and expired silences older than the cut-off", async () => {
    await escalation("old", "prod", 100, 200);
    await escalation("old-pending", "prod", 100, 200);
    await escalation("new", "prod", 900, 1_000);
    await escalation("running", "prod", 100, null);
    for (const id of ["old", "new", "running"]) {
      await store.requestApproval({ escalationId: id, level: "deploy", requestedAt: 150 });
      await store.decideApproval(id, "approved", "alice", "", 160);
    }
    // Left pending when its escalation ended: moot, and it must not keep the escalation alive.
    await store.requestApproval({ escalationId: "old-pending", level: "deploy", requestedAt: 150 });

    const alert = {
      environment: "prod",
      check: "alert:NodeDown",
      target: "web-1",
      labels: "{}",
      summary: "",
      startsAt: "2026-01-01T00:00:00Z",
    };
    await store.upsertAlertState({
      ...alert,
      fingerprint: "old-resolved",
      status: "resolved",
      updatedAt: 100,
    });
    await store.upsertAlertState({
      ...alert,
      fingerprint: "new-resolved",
      status: "resolved",
      updatedAt: 800,
    });
    await store.upsertAlertState({ ...alert, fingerprint: "old-firing", status: "firing", updatedAt: 100 });
    await store.upsertAlertState({
      ...alert,
      environment: "staging",
      fingerprint: "old-resolved",
      status: "resolved",
      updatedAt: 100,
    });

    const silence = { environment: "prod", check: "http", target: "", by: "alice", reason: "" };
    await store.addSilence({ ...silence, since: 100, until: 400 });
    await store.addSilence({ ...silence, since: 100, until: 600 });
    await store.addSilence({ ...silence, environment: "staging", since: 100, until: 400 });
    await store.setPause({ environment: "prod", by: "alice", reason: "", since: 100, until: 200 });

    const counts = await store.pruneHistory("prod", 500);

    expect(counts).toMatchObject({ escalations: 2, steps: 2 });
    expect(await store.getApproval("old", "deploy")).toBeUndefined();
    expect(await store.getApproval("old-pending", "deploy")).toBeUndefined();
    expect(await store.getApproval("new", "deploy")).toMatchObject({ decision: "approved" });
    expect(await store.getApproval("running", "deploy")).toMatchObject({ decision: "approved" });

    // An alert state that was pruned is new again; one that was kept is a duplicate.
    const again = (
      environment: string,
      fingerprint: string,
      status: "firing" | "resolved",
      updatedAt: number,
    ) => store.upsertAlertState({ ...alert, environment, fingerprint, status, updatedAt });
    expect(await again("prod", "old-resolved", "resolved", 100)).toBe(true);
    expect(await again("prod", "new-resolved", "resolved", 800)).toBe(false);
    expect(await again("prod", "old-firing", "firing", 100)).toBe(false);
    expect(await again("staging", "old-resolved", "resolved", 100)).toBe(false);

    expect((await store.listActiveSilences("prod", 300)).map((s) => s.until)).toEqual([600]);
    expect(await store.listActiveSilences("staging", 300)).toHaveLength(1);
    expect(await store.getPause("prod")).toMatchObject({ by: "alice" });
  });
});
