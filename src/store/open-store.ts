import { Kysely } from "kysely";
import { EscalatorError, errorMessage } from "../util/errors.js";
import { checkHistory } from "./check-history.js";
import { controlStore } from "./control-store.js";
import type { Database } from "./database.js";
import { dialectFor } from "./dialect-for.js";
import { engineStateStore } from "./engine-state-store.js";
import { escalationHistory } from "./escalation-history.js";
import { historyRetention } from "./history-retention.js";
import { runMigrations } from "./migrations.js";
import type { Store } from "./types.js";
import { valueEvaluations } from "./value-evaluations.js";

export interface OpenStoreOptions {
  /** Folder that relative `sqlite:PATH` URLs resolve against; defaults to the working directory. */
  baseDir?: string;
}

/**
 * Opens the store at `url` (`sqlite:PATH` or `sqlite::memory:`) and brings its schema up to date.
 * Failures are EscalatorError "STORE_FAILED" naming the store, with the original as `cause`.
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const target = dialectFor(url, opts.baseDir ?? process.cwd());
  const db = new Kysely<Database>({ dialect: target.dialect });
  try {
    await target.migrateExclusively(() => runMigrations(db));
  } catch (error) {
    await db.destroy();
    target.abandon();
    throw new EscalatorError(
      "STORE_FAILED",
      `cannot migrate store ${target.location}: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  return {
    ...checkHistory(db),
    ...escalationHistory(db),
    ...engineStateStore(db),
    ...historyRetention(db),
    ...controlStore(db),
    ...valueEvaluations(db),
    close: () => db.destroy(),
  };
}
