import { describe, expect, it } from "vitest";
import { withTempStore } from "../../test/helpers/temp-store.js";
import type { CheckStatusRecord, CheckTransitionRecord, Store } from "./types.js";

let store: Store;
withTempStore((opened) => {
  store = opened;
});

const transition = (over: Partial<CheckTransitionRecord>): CheckTransitionRecord => ({
  environment: "prod",
  check: "http",
  target: "web-1",
  fromState: "OK",
  toState: "CRITICAL",
  failing: true,
  message: "connection refused",
  at: 1_000,
  ...over,
});

const status = (over: Partial<CheckStatusRecord>): CheckStatusRecord => ({
  environment: "prod",
  check: "http",
  target: "web-1",
  state: "OK",
  failing: false,
  message: "200 OK",
  perfdata: '[{"label":"time","value":0.1}]',
  level: "node",
  updatedAt: 1_000,
  ...over,
});

describe("check transitions", () => {
  it("pages by id, so transitions recorded in the same millisecond are not skipped", async () => {
    for (const message of ["a", "b", "c"])
      await store.recordCheckTransition(transition({ message, at: 1_000 }));
    await store.recordCheckTransition(transition({ message: "d", at: 2_000 }));
    const seen: string[] = [];
    let before: number | undefined;
    for (;;) {
      const [row] = await store.listCheckTransitionPage("prod", { limit: 1, ...(before ? { before } : {}) });
      if (!row) break;
      seen.push(row.message);
      before = row.id;
    }
    expect(seen).toEqual(["d", "c", "b", "a"]);
  });

  it("round-trips every field, including a null fromState and an empty target", async () => {
    const first = transition({ fromState: null, target: "", failing: false, toState: "OK", message: "" });
    const second = transition({ at: 2_000 });
    await store.recordCheckTransition(first);
    await store.recordCheckTransition(second);
    expect(await store.listCheckTransitions("prod")).toEqual([second, first]);
  });

  it("lists newest first, breaks ties by insertion order, honours limit and a default of 50", async () => {
    for (let i = 0; i < 60; i++)
      await store.recordCheckTransition(transition({ at: 1_000 + Math.floor(i / 2), message: `m${i}` }));
    const all = await store.listCheckTransitions("prod");
    expect(all).toHaveLength(50);
    expect(all[0]?.message).toBe("m59");
    expect(all[1]?.message).toBe("m58");
    const three = await store.listCheckTransitions("prod", { limit: 3 });
    expect(three.map((t) => t.message)).toEqual(["m59", "m58", "m57"]);
  });

  it("filters by check and by environment", async () => {
    await store.recordCheckTransition(transition({ check: "http", at: 1 }));
    await store.recordCheckTransition(transition({ check: "disk", at: 2 }));
    await store.recordCheckTransition(transition({ environment: "staging", check: "http", at: 3 }));
    const http = await store.listCheckTransitions("prod", { check: "http" });
    expect(http.map((t) => [t.environment, t.check, t.at])).toEqual([["prod", "http", 1]]);
    expect(await store.listCheckTransitions("nowhere")).toEqual([]);
  });
});

describe("check status", () => {
  it("inserts, then updates in place per environment, check and target", async () => {
    await store.upsertCheckStatus(status({}));
    await store.upsertCheckStatus(status({ target: "web-2", updatedAt: 1_500 }));
    const updated = status({
      state: "CRITICAL",
      failing: true,
      message: "down",
      perfdata: "[]",
      updatedAt: 2_000,
    });
    await store.upsertCheckStatus(updated);
    const rows = await store.listCheckStatus("prod");
    expect(rows).toEqual([updated, status({ target: "web-2", updatedAt: 1_500 })]);
  });

  it("keeps environments apart", async () => {
    await store.upsertCheckStatus(status({ environment: "staging" }));
    expect(await store.listCheckStatus("prod")).toEqual([]);
    expect(await store.listCheckStatus("staging")).toHaveLength(1);
  });

  it("removes one check and target's status, leaving the others and the transitions", async () => {
    await store.upsertCheckStatus(status({}));
    await store.upsertCheckStatus(status({ target: "web-2" }));
    await store.upsertCheckStatus(status({ check: "disk" }));
    await store.upsertCheckStatus(status({ environment: "staging" }));
    await store.recordCheckTransition(transition({}));
    await store.removeCheckStatus("prod", "http", "web-1");
    const rows = await store.listCheckStatus("prod");
    expect(rows.map((r) => [r.check, r.target]).sort()).toEqual([
      ["disk", "web-1"],
      ["http", "web-2"],
    ]);
    expect(await store.listCheckStatus("staging")).toHaveLength(1);
    expect(await store.listCheckTransitions("prod")).toHaveLength(1);
    // Removing what is not there is not an error.
    await store.removeCheckStatus("prod", "http", "web-1");
    expect(await store.listCheckStatus("prod")).toHaveLength(2);
  });
});
