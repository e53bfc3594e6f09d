import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { EscalatorError } from "../util/errors.js";
import { openStore } from "./open-store.js";
import type { Store } from "./types.js";

let dir: ReturnType<typeof tmpDir>;
const opened: Store[] = [];

beforeEach(() => {
  dir = tmpDir();
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  dir.remove();
});

async function open(url: string): Promise<Store> {
  const store = await openStore(url, { baseDir: dir.path });
  opened.push(store);
  return store;
}

async function openError(url: string): Promise<EscalatorError> {
  const error = await openStore(url, { baseDir: dir.path }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EscalatorError);
  return error as EscalatorError;
}

/** Reads a SQLite file directly, the way an operator would with the sqlite3 shell. */
function inspect<T>(path: string, read: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/**
 * Another process takes the write lock on `path`, runs `sql`, and holds the lock for `ms`.
 * Resolves once the lock is held; `done` resolves when that process has committed and exited.
 */
async function holdWriteLock(
  path: string,
  sql: string,
  ms: number,
): Promise<{ done: Promise<number | null> }> {
  const script = `
    const db = new (require("better-sqlite3"))(process.argv[1]);
    db.pragma("journal_mode = WAL");
    db.exec("BEGIN IMMEDIATE");
    db.exec(process.argv[2]);
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, Number(process.argv[3]));
  `;
  const child = spawn(process.execPath, ["-e", script, path, sql, String(ms)], { cwd: process.cwd() });
  const done = new Promise<number | null>((resolve) => child.on("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`lock holder exited early with ${code}`)));
  });
  return { done };
}

describe("openStore URLs", () => {
  it("resolves a relative sqlite path against baseDir, creating parent folders", async () => {
    const store = await open("sqlite:nested/deeper/escalator.db");
    await store.addAck("prod", "alice", "", 1);
    const path = join(dir.path, "nested/deeper/escalator.db");
    expect(existsSync(path)).toBe(true);
    expect(inspect(path, (db) => db.prepare("select acked_by from acks").pluck().all())).toEqual(["alice"]);
  });

  it("accepts an absolute path and sets WAL journal mode on the file", async () => {
    const path = join(dir.path, "abs.db");
    await open(`sqlite:${path}`);
    expect(inspect(path, (db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
  });

  it("opens an in-memory store with the full schema", async () => {
    const store = await open("sqlite::memory:");
    await store.createEscalation({
      id: "e1",
      environment: "prod",
      status: "running",
      attempt: 1,
      dryRun: false,
      trigger: "[]",
      plan: "{}",
      startedAt: 1,
    });
    expect((await store.listEscalations("prod")).map((e) => e.id)).toEqual(["e1"]);
    expect(existsSync(join(dir.path, ":memory:"))).toBe(false);
  });

  it("rejects postgres URLs with a pointer to sqlite", async () => {
    for (const url of ["postgres://u@localhost/escalator", "postgresql://localhost/escalator"]) {
      const error = await openError(url);
      expect(error.code).toBe("STORE_FAILED");
      expect(error.message).toBe("postgres:// stores are not supported yet; use sqlite:PATH");
    }
  });

  it("rejects unknown schemes and an empty sqlite path", async () => {
    expect((await openError("mysql://localhost/x")).code).toBe("STORE_FAILED");
    expect((await openError("sqlite:")).code).toBe("STORE_FAILED");
  });

  it("reports a path under a regular file as STORE_FAILED naming the path, with the cause", async () => {
    writeFileSync(join(dir.path, "plain-file"), "not a folder");
    const error = await openError("sqlite:plain-file/store.db");
    expect(error.code).toBe("STORE_FAILED");
    expect(error.message).toContain(join(dir.path, "plain-file/store.db"));
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("reports a file that is not a database as STORE_FAILED naming the path", async () => {
    const path = join(dir.path, "garbage.db");
    writeFileSync(path, "this is not a SQLite database, just some text that is long enough. ".repeat(20));
    const error = await openError(`sqlite:${path}`);
    expect(error.code).toBe("STORE_FAILED");
    expect(error.message).toContain(path);
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe("sharing one file", () => {
  it("keeps data and does not re-run migrations when reopened", async () => {
    const path = join(dir.path, "store.db");
    const first = await openStore(`sqlite:${path}`);
    await first.addAck("prod", "alice", "before restart", 1);
    await first.close();

    const second = await open(`sqlite:${path}`);
    expect((await second.consumeAcks("prod", 2)).map((a) => a.note)).toEqual(["before restart"]);
    expect(
      inspect(path, (db) => db.prepare("select name from kysely_migration order by name").pluck().all()),
    ).toEqual(["0001_initial", "0002_control", "0003_value_evaluations"]);
  });

  it("lets a daemon and a CLI command see each other's writes", async () => {
    const daemon = await open("sqlite:shared.db");
    const cli = await open("sqlite:shared.db");

    await daemon.setEngineState({
      environment: "prod",
      state: "stuck",
      since: 10,
      detail: '{"reason":"max attempts"}',
      pid: 1234,
      heartbeatAt: 20,
    });
    expect(await cli.getEngineState("prod")).toMatchObject({ state: "stuck", pid: 1234 });

    await cli.addAck("prod", "alice", "on it", 30);
    expect((await daemon.consumeAcks("prod", 40)).map((a) => a.by)).toEqual(["alice"]);
    expect(await cli.consumeAcks("prod", 50)).toEqual([]);
  });

  it("waits for another process holding the write lock instead of failing", async () => {
    const path = join(dir.path, "busy.db");
    const store = await open(`sqlite:${path}`);
    const holder = await holdWriteLock(
      path,
      "insert into acks (environment, at, acked_by, note) values ('prod', 1, 'other-process', '')",
      400,
    );
    await store.addAck("prod", "alice", "", 2);
    expect(await holder.done).toBe(0);
    expect((await store.consumeAcks("prod", 3)).map((a) => a.by)).toEqual(["other-process", "alice"]);
  });

  it("waits for another process holding the write lock on a fresh file before migrating", async () => {
    const path = join(dir.path, "fresh.db");
    const holder = await holdWriteLock(path, "create table operator_notes (body text)", 400);
    const store = await open(`sqlite:${path}`);
    expect(await holder.done).toBe(0);
    expect(await store.listEscalations("prod")).toEqual([]);
    expect(
      inspect(path, (db) =>
        db.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all(),
      ),
    ).toEqual(expect.arrayContaining(["acks", "escalations", "operator_notes", "steps"]));
  });
});
