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
});
