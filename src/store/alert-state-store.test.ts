import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "./open-store.js";
import type { AlertStateRecord, Store } from "./types.js";

let store: Store;
beforeEach(async () => {
  store = await openStore("sqlite::memory:");
});
afterEach(() => store.close());

describe("alert states", () => {
  const alert = (over: Partial<AlertStateRecord> = {}): AlertStateRecord => ({
    environment: "prod",
    fingerprint: "a1b2",
    check: "alert:NodeDown",
    target: "web-1",
    status: "firing",
    labels: '{"alertname":"NodeDown","instance":"web-1"}',
    summary: "web-1 is down",
    startsAt: "2026-01-01T00:00:00Z",
    updatedAt: 1_000,
    ...over,
  });

  it("reports an insert as a change and an exact duplicate as none", async () => {
    expect(await store.upsertAlertState(alert())).toBe(true);
    expect(await store.upsertAlertState(alert())).toBe(false);
    expect(await store.listFiringAlerts("prod")).toEqual([alert()]);
  });

  it("does not count, nor write, a duplicate that differs only in updatedAt or startsAt", async () => {
    await store.upsertAlertState(alert());
    expect(await store.upsertAlertState(alert({ updatedAt: 2_000 }))).toBe(false);
    expect(await store.upsertAlertState(alert({ startsAt: "2026-01-01T00:00:01Z", updatedAt: 3_000 }))).toBe(
      false,
    );
    expect(await store.listFiringAlerts("prod")).toEqual([alert()]);
  });

  it.each([
    ["status", { status: "resolved" }],
    ["target", { target: "web-2" }],
    ["check", { check: "alert:Other" }],
    ["summary", { summary: "web-1 is still down" }],
    ["labels", { labels: '{"alertname":"NodeDown","instance":"web-1","severity":"page"}' }],
  ] as const)("counts a change of %s, and stores it with the new updatedAt", async (_field, change) => {
    await store.upsertAlertState(alert());
    const changed = alert({ ...change, updatedAt: 2_000 });
    expect(await store.upsertAlertState(changed)).toBe(true);
    expect(await store.upsertAlertState(changed)).toBe(false);
    expect(await store.listFiringAlerts("prod")).toEqual(changed.status === "firing" ? [changed] : []);
  });

  it("lists firing alerts of one environment, resolved ones left out", async () => {
    await store.upsertAlertState(alert({ fingerprint: "f1", target: "web-2" }));
    await store.upsertAlertState(alert({ fingerprint: "f2", target: "web-1" }));
    await store.upsertAlertState(alert({ fingerprint: "f3", status: "resolved" }));
    await store.upsertAlertState(alert({ environment: "staging", fingerprint: "f1" }));
    expect((await store.listFiringAlerts("prod")).map((a) => a.fingerprint)).toEqual(["f2", "f1"]);
    expect(await store.upsertAlertState(alert({ fingerprint: "f2", status: "resolved", updatedAt: 2 }))).toBe(
      true,
    );
    expect((await store.listFiringAlerts("prod")).map((a) => a.fingerprint)).toEqual(["f1"]);
    expect((await store.listFiringAlerts("staging")).map((a) => a.environment)).toEqual(["staging"]);
  });
});
