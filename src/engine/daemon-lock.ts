import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { EscalatorError } from "../util/errors.js";
import { isProcessAlive } from "../util/run-process.js";

/**
 * One daemon per environment: two would both run destructive steps, and the second would
 * mark the first one's running escalation as interrupted. A pid file taken with O_EXCL; a
 * file left by a dead process (crash, kill -9) is taken over.
 */
export function acquireDaemonLock(path: string, environment: string): { release(): void } {
  mkdirSync(dirname(path), { recursive: true });
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      return { release: () => releaseIfOurs(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new EscalatorError(
          "DAEMON_RUNNING",
          `cannot create the daemon lock ${path}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const holder = Number(readFileSafe(path));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
        throw new EscalatorError(
          "DAEMON_RUNNING",
          `another escalator daemon (pid ${holder}) is already running environment ${environment} (lock ${path}); stop it first`,
        );
      }
      // Stale: the holder is gone.
      try {
        unlinkSync(path);
      } catch {}
    }
  }
  throw new EscalatorError(
    "DAEMON_RUNNING",
    `could not take the daemon lock ${path}; another daemon is starting`,
  );
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

function releaseIfOurs(path: string): void {
  if (readFileSafe(path) === String(process.pid)) {
    try {
      unlinkSync(path);
    } catch {}
  }
}

/** Where the lock lives: beside the SQLite file, or in .escalator/ next to the config. */
export function daemonLockPath(storeUrl: string, configDir: string, environment: string): string {
  if (storeUrl.startsWith("sqlite:") && storeUrl !== "sqlite::memory:")
    return `${storeUrl.slice("sqlite:".length)}.lock`;
  return `${configDir}/.escalator/${environment}.lock`;
}
