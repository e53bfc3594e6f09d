import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EscalatorError } from "../util/errors.js";
import { openStore } from "./open-store.js";
import type { Store } from "./types.js";

let store: Store;
beforeEach(async () => {
  store = await openStore("sqlite::memory:");
});
afterEach(() => store.close());

async function escalation(id: string, environment = "prod") {
  await store.createEscalation({
    id,
    environment,
    status: "running",
    attempt: 1,
    dryRun: false,
    trigger: "[]",
    plan: "{}",
    startedAt: 100,
  });
}

describe("approvals", () => {
  const pending = { decision: "pending", decidedAt: null, by: null, reason: null } as const;

  it("creates a pending approval, and returns the same one when requested again", async () => {
    await escalation("e1");
    const first = await store.requestApproval({ escalationId: "e1", level: "reboot", requestedAt: 1_000 });
    expect(first).toEqual({ escalationId: "e1", level: "reboot", requestedAt: 1_000, ...pending });
    const again = await store.requestApproval({ escalationId: "e1", level: "reboot", requestedAt: 2_000 });
    expect(again).toEqual(first);
    expect(await store.getApproval("e1", "reboot")).toEqual(first);
    expect(await store.getApproval("e1", "rebuild")).toBeUndefined();
    expect(await store.getApproval("e2", "reboot")).toBeUndefined();
  });

  it("does not reopen a decided approval when it is requested again", async () => {
    await escalation("e1");
    await store.requestApproval({ escalationId: "e1", level: "reboot", requestedAt: 1_000 });
    await store.decideApproval("e1", "rejected", "alice", "not now", 1_500);
    const again = await store.requestApproval({ escalationId: "e1", level: "reboot", requestedAt: 2_000 });
    expect(again).toMatchObject({ decision: "rejected", requestedAt: 1_000, by: "alice" });
  });

  it("refuses an approval for an unknown escalation with STORE_FAILED naming it", async () => {
    const error = await store
      .requestApproval({ escalationId: "ghost", level: "reboot", requestedAt: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EscalatorError);
    expect((error as EscalatorError).code).toBe("STORE_FAILED");
    expect((error as EscalatorError).message).toContain("ghost");
  });

  it("decides the pending approval once; a second decision finds none", async () => {
    await escalation("e1");
    await store.requestApproval({ escalationId: "e1", level: "reboot", requestedAt: 1_000 });
    const decided = await store.decideApproval("e1", "approved", "alice", "go", 1_500);
    const expected = {
      escalationId: "e1",
      level: "reboot",
      decision: "approved",
      requestedAt: 1_000,
      decidedAt: 1_500,
      by: "alice",
      reason: "go",
    };
    expect(decided).toEqual(expected);
    expect(await store.decideApproval("e1", "rejected", "bob", "no", 1_600)).toBeUndefined();
    expect(await store.getApproval("e1", "reboot")).toEqual(expected);
  });

  it("lets only one of two simultaneous decisions win", async () => {
    await escalation("e1");
    await store.requestApproval({ escalationId: "e1", level: "reboot", requestedAt: 1_000 });
    const results = await Promise.all([
      store.decideApproval("e1", "approved", "alice", "", 1_500),
      store.decideApproval("e1", "rejected", "bob", "", 1_500),
    ]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it("decides whichever level is pending, and nothing for an unknown escalation", async () => {
    await escalation("e1");
    await store.requestApproval({ escalationId: "e1", level: "reboot", requestedAt: 1_000 });
    await store.decideApproval("e1", "approved", "alice", "", 1_100);
    await store.requestApproval({ escalationId: "e1", level: "rebuild", requestedAt: 1_200 });
    const decided = await store.decideApproval("e1", "rejected", "bob", "too drastic", 1_300);
    expect(decided).toMatchObject({
      level: "rebuild",
      decision: "rejected",
      by: "bob",
      reason: "too drastic",
    });
    expect(await store.getApproval("e1", "reboot")).toMatchObject({ decision: "approved", by: "alice" });
    expect(await store.decideApproval("ghost", "approved", "alice", "", 1_400)).toBeUndefined();
  });

  it("lists pending approvals of one environment's escalations, oldest first", async () => {
    await escalation("e1");
    await escalation("e2");
    await escalation("e3");
    await escalation("s1", "staging");
    await store.requestApproval({ escalationId: "e2", level: "reboot", requestedAt: 2_000 });
    await store.requestApproval({ escalationId: "e1", level: "rebuild", requestedAt: 1_000 });
    await store.requestApproval({ escalationId: "e3", level: "reboot", requestedAt: 500 });
    await store.decideApproval("e3", "approved", "alice", "", 600);
    await store.requestApproval({ escalationId: "s1", level: "reboot", requestedAt: 100 });

    expect(await store.listPendingApprovals("prod")).toEqual([
      { environment: "prod", escalationId: "e1", level: "rebuild", requestedAt: 1_000, ...pending },
      { environment: "prod", escalationId: "e2", level: "reboot", requestedAt: 2_000, ...pending },
    ]);
    expect((await store.listPendingApprovals("staging")).map((a) => a.escalationId)).toEqual(["s1"]);
    expect(await store.listPendingApprovals("nowhere")).toEqual([]);
  });
});
