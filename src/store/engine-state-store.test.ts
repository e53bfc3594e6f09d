import { describe, expect, it } from "vitest";
import { withTempStore } from "../../test/helpers/temp-store.js";
import type { EngineStateRecord, NotificationRecord, Store } from "./types.js";

let store: Store;
withTempStore((opened) => {
  store = opened;
});

describe("engine state", () => {
  it("is undefined until set, then replaced in place", async () => {
    expect(await store.getEngineState("prod")).toBeUndefined();
    const quiescing: EngineStateRecord = {
      environment: "prod",
      state: "quiescing",
      since: 1_000,
      detail: '{"windowEnd":61000}',
      pid: 4242,
      heartbeatAt: 1_000,
    };
    await store.setEngineState(quiescing);
    expect(await store.getEngineState("prod")).toEqual(quiescing);
    const converged: EngineStateRecord = {
      ...quiescing,
      state: "converged",
      detail: "{}",
      pid: null,
      heartbeatAt: null,
    };
    await store.setEngineState(converged);
    expect(await store.getEngineState("prod")).toEqual(converged);
    expect(await store.getEngineState("staging")).toBeUndefined();
  });
});

describe("acks", () => {
  it("returns new acks once, in order, marked consumed", async () => {
    const first = await store.addAck("prod", "alice", "looking", 1_000);
    const second = await store.addAck("prod", "bob", "", 2_000);
    await store.addAck("staging", "carol", "other env", 1_500);
    expect(second).toBeGreaterThan(first);

    expect(await store.consumeAcks("prod", 3_000)).toEqual([
      { id: first, environment: "prod", at: 1_000, by: "alice", note: "looking", consumedAt: 3_000 },
      { id: second, environment: "prod", at: 2_000, by: "bob", note: "", consumedAt: 3_000 },
    ]);
    expect(await store.consumeAcks("prod", 4_000)).toEqual([]);

    const third = await store.addAck("prod", "dave", "again", 5_000);
    expect((await store.consumeAcks("prod", 6_000)).map((a) => a.id)).toEqual([third]);
    expect((await store.consumeAcks("staging", 7_000)).map((a) => a.by)).toEqual(["carol"]);
  });
});

describe("notifications", () => {
  const notification = (at: number, over: Partial<NotificationRecord> = {}): NotificationRecord => ({
    environment: "prod",
    escalationId: "e1",
    at,
    summary: `page at ${at}`,
    outcomes: '[{"ok":true}]',
    ...over,
  });

  it("round-trips, including a null escalation id", async () => {
    const stuck = notification(1_000, { escalationId: null });
    await store.recordNotification(stuck);
    expect(await store.listNotifications("prod")).toEqual([stuck]);
  });

  it("lists newest first per environment, honours limit and a default of 50", async () => {
    for (let i = 0; i < 52; i++) await store.recordNotification(notification(i));
    await store.recordNotification(notification(100, { environment: "staging" }));
    const all = await store.listNotifications("prod");
    expect(all).toHaveLength(50);
    expect(all[0]).toEqual(notification(51));
    expect(all.at(-1)?.at).toBe(2);
    expect((await store.listNotifications("prod", { limit: 2 })).map((n) => n.at)).toEqual([51, 50]);
  });
});
