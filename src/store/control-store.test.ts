import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import type { Database } from "./database.js";
import { migrations } from "./migrations.js";
import { openStore } from "./open-store.js";
import type { PauseRecord, SilenceRecord, Store } from "./types.js";

let store: Store;
beforeEach(async () => {
  store = await openStore("sqlite::memory:");
});
afterEach(() => store.close());

describe("pauses", () => {
  it("is undefined until set, replaced in place, and cleared per environment", async () => {
    expect(await store.getPause("prod")).toBeUndefined();
    const timed: PauseRecord = {
      environment: "prod",
      by: "alice",
      reason: "deploy",
      since: 1_000,
      until: 5_000,
    };
    await store.setPause(timed);
    await store.setPause({ ...timed, environment: "staging" });
    expect(await store.getPause("prod")).toEqual(timed);

    const open: PauseRecord = {
      environment: "prod",
      by: "bob",
      reason: "incident",
      since: 2_000,
      until: null,
    };
    await store.setPause(open);
    expect(await store.getPause("prod")).toEqual(open);

    await store.clearPause("prod");
    expect(await store.getPause("prod")).toBeUndefined();
    expect(await store.getPause("staging")).toMatchObject({ by: "alice" });
    // Clearing what is not there is not an error.
    await store.clearPause("prod");
    expect(await store.getPause("prod")).toBeUndefined();
  });
});

describe("silences", () => {
  const silence = (over: Partial<SilenceRecord> = {}): Omit<SilenceRecord, "id"> => ({
    environment: "prod",
    check: "http",
    target: "web-1",
    by: "alice",
    reason: "known issue",
    since: 1_000,
    until: 2_000,
    ...over,
  });

  it("lists those whose window [since, until) contains the time, in order of creation", async () => {
    const first = await store.addSilence(silence());
    const second = await store.addSilence(silence({ check: "disk", target: "", since: 1_500, until: 3_000 }));
    await store.addSilence(silence({ environment: "staging" }));
    expect(second).toBeGreaterThan(first);

    expect(await store.listActiveSilences("prod", 999)).toEqual([]);
    expect(await store.listActiveSilences("prod", 1_000)).toEqual([{ id: first, ...silence() }]);
    expect((await store.listActiveSilences("prod", 1_999)).map((s) => s.id)).toEqual([first, second]);
    expect(await store.listActiveSilences("prod", 2_000)).toEqual([
      { id: second, ...silence({ check: "disk", target: "", since: 1_500, until: 3_000 }) },
    ]);
    expect(await store.listActiveSilences("prod", 3_000)).toEqual([]);
    expect(await store.listActiveSilences("nowhere", 1_500)).toEqual([]);
  });

  it("removes a silence once, and only in its own environment", async () => {
    const id = await store.addSilence(silence());
    expect(await store.removeSilence("staging", id)).toBe(false);
    expect(await store.listActiveSilences("prod", 1_500)).toHaveLength(1);
    expect(await store.removeSilence("prod", id)).toBe(true);
    expect(await store.removeSilence("prod", id)).toBe(false);
    expect(await store.listActiveSilences("prod", 1_500)).toEqual([]);
  });
});

describe("upgrading a store created before 0002_control", () => {
  it("applies 0002 on open and keeps existing data", async () => {
    const dir = tmpDir();
    const path = join(dir.path, "old.db");
    try {
      const old = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
      const initial = migrations["0001_initial"];
      if (initial === undefined) throw new Error("migration 0001_initial is missing");
      const only0001 = { getMigrations: async () => ({ "0001_initial": initial }) };
      expect((await new Migrator({ db: old, provider: only0001 }).migrateToLatest()).error).toBeUndefined();
      await old
        .insertInto("escalations")
        .values({
          id: "before-upgrade",
          environment: "prod",
          status: "succeeded",
          attempt: 1,
          dry_run: 0,
          trigger_checks: "[]",
          plan: "{}",
          started_at: 100,
          ended_at: 200,
          outcome: "ok",
        })
        .execute();
      await old.destroy();

      const upgraded = await openStore(`sqlite:${path}`);
      try {
        expect(await upgraded.getEscalation("before-upgrade")).toMatchObject({
          status: "succeeded",
          endedAt: 200,
        });
        const approval = await upgraded.requestApproval({
          escalationId: "before-upgrade",
          level: "reboot",
          requestedAt: 300,
        });
        expect(approval.decision).toBe("pending");
        expect(
          await upgraded.upsertAlertState({
            environment: "prod",
            fingerprint: "f",
            check: "alert:X",
            target: "",
            status: "firing",
            labels: "{}",
            summary: "",
            startsAt: "",
            updatedAt: 1,
          }),
        ).toBe(true);
      } finally {
        await upgraded.close();
      }

      const check = new BetterSqlite3(path, { readonly: true });
      try {
        expect(check.prepare("select name from kysely_migration order by name").pluck().all()).toEqual([
          "0001_initial",
          "0002_control",
          "0003_value_evaluations",
        ]);
      } finally {
        check.close();
      }
    } finally {
      dir.remove();
    }
  });
});
