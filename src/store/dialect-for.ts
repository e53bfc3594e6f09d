import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { type Dialect, SqliteDialect } from "kysely";
import { EscalatorError, errorMessage } from "../util/errors.js";

/** What openStore needs from a database kind. Adding a dialect means adding one branch below. */
export interface StoreDialect {
  readonly dialect: Dialect;
  /** Where the store lives, for error messages. */
  readonly location: string;
  /** Runs the migrations so that two processes opening the same store never migrate at once. */
  readonly migrateExclusively: (migrate: () => Promise<void>) => Promise<void>;
  /** Releases the connection when openStore gives up; safe after Kysely's destroy. */
  readonly abandon: () => void;
}

const MEMORY = ":memory:";

/** Picks the dialect for a store URL: `sqlite:PATH`, `sqlite::memory:`; `postgres://` is reserved. */
export function dialectFor(url: string, baseDir: string): StoreDialect {
  if (url.startsWith("sqlite:")) return sqliteDialect(url.slice("sqlite:".length), baseDir);
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    throw new EscalatorError("STORE_FAILED", "postgres:// stores are not supported yet; use sqlite:PATH");
  }
  throw new EscalatorError("STORE_FAILED", `unsupported store URL "${url}"; use sqlite:PATH`);
}

function sqliteDialect(path: string, baseDir: string): StoreDialect {
  if (path === "")
    throw new EscalatorError("STORE_FAILED", "store URL sqlite: needs a path, as in sqlite:PATH");
  const location = path === MEMORY ? MEMORY : resolve(baseDir, path);
  let database: BetterSqlite3.Database | undefined;
  try {
    if (location !== MEMORY) mkdirSync(dirname(location), { recursive: true });
    database = new BetterSqlite3(location);
    // The daemon and CLI commands (status, ack) share the file from separate processes:
    // WAL lets readers run beside the writer, busy_timeout makes writers wait instead of failing.
    database.pragma("busy_timeout = 5000");
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("foreign_keys = ON");
  } catch (error) {
    database?.close();
    throw new EscalatorError("STORE_FAILED", `cannot open store ${location}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const handle = database;
  return {
    dialect: new SqliteDialect({ database: handle }),
    location,
    // Kysely runs SQLite migrations outside a transaction and takes no cross-process lock, so
    // two processes opening a fresh file could both create tables. BEGIN IMMEDIATE takes the
    // write lock up front (waiting up to busy_timeout); the loser then finds nothing to do.
    async migrateExclusively(migrate) {
      handle.exec("BEGIN IMMEDIATE");
      try {
        await migrate();
        handle.exec("COMMIT");
      } catch (error) {
        if (handle.inTransaction) handle.exec("ROLLBACK");
        throw error;
      }
    },
    abandon: () => {
      if (handle.open) handle.close();
    },
  };
}
