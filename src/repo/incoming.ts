/**
 * The incoming folder: the original Yumtags workflow of dropping RPMs into a directory. Each stable
 * `*.rpm` file directly in the folder is imported through the repository; imported files are removed,
 * refused ones move to `rejected/<file>` beside a `<file>.reason` text. File names come from
 * readdir (one path component, never "." or ".."), so a hostile name cannot leave the folder. Files
 * are opened with O_NOFOLLOW and checked on the open handle, so a symlink swapped in after the
 * listing is refused rather than followed.
 */
import { constants } from "node:fs";
import { type FileHandle, lstat, mkdir, open, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "../util/errors.js";
import { RepoError, type RepositoryApi } from "./types.js";

export interface IncomingResult {
  /** Files imported (new to the pool or already there) and removed from the folder. */
  imported: { file: string; nevra: string; status: "created" | "exists" }[];
  /** Files moved to rejected/, with the reason written beside them. */
  rejected: { file: string; code: string; reason: string }[];
  /** Files left for a later pass: still changing, or an error that was not the file's fault. */
  pending: string[];
  /**
   * Errors not caused by a file's content (e.g. EACCES, a full disk); the file stays for a later
   * pass. With `failures`, each is reported once per version (size and mtime) of the file.
   */
  errors: { file: string; error: string }[];
}

/** A file that failed for a reason other than its content, between passes. */
export interface IncomingFailure {
  /** "size:mtime" when it failed: a changed file starts over. */
  look: string;
  attempts: number;
  /** Not retried before this time (ms). */
  retryAt: number;
}

export interface ImportIncomingOptions {
  /**
   * What each file looked like on the previous pass (name → "size:mtime"); only files that look
   * the same now are imported. Updated in place. Without it every file is taken as complete.
   */
  previous?: Map<string, string>;
  /**
   * Files that failed for a reason other than their content. Updated in place: such a file is
   * retried with a doubling delay, its error reported only on the first failure, and it moves to
   * rejected/ (with the reason) after `maxAttempts`. Without it every pass retries and reports.
   */
  failures?: Map<string, IncomingFailure>;
  /** Attempts before a failing file is moved to rejected/; 10 by default. */
  maxAttempts?: number;
  /** The first retry delay, doubled each time up to 5 minutes; 1 s by default. */
  retryBaseMs?: number;
  now?: () => number;
}

export const REJECTED_DIR = "rejected";
const MAX_RETRY_MS = 5 * 60_000;
const NOT_REGULAR = "not a regular file";

/** Dot files are in flight by convention (write ".name.rpm.part", then rename to "name.rpm"). */
function candidate(name: string): boolean {
  return name.endsWith(".rpm") && !name.startsWith(".");
}

async function reject(dir: string, file: string, code: string, reason: string): Promise<void> {
  const rejected = join(dir, REJECTED_DIR);
  await mkdir(rejected, { recursive: true });
  await writeFile(join(rejected, `${file}.reason`), `${code}: ${reason}\n`);
  await rename(join(dir, file), join(rejected, file));
}

type Opened =
  | { kind: "file"; handle: FileHandle; look: string }
  | { kind: "irregular" }
  | { kind: "failed"; error: unknown; look: string }
  | { kind: "gone" };

/**
 * Opens a regular file without following a symlink (O_NOFOLLOW) and without blocking on a FIFO
 * (O_NONBLOCK), then checks the handle itself: what was listed may have been swapped since.
 */
export async function openRegularFile(path: string): Promise<Opened> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "ENXIO") return { kind: "irregular" }; // a symlink, a socket
    if (code === "ENOENT") return { kind: "gone" };
    const info = await lstat(path).catch(() => undefined);
    return info ? { kind: "failed", error, look: `${info.size}:${info.mtimeMs}` } : { kind: "gone" };
  }
  const info = await handle.stat().catch(() => undefined);
  if (!info?.isFile()) {
    await handle.close().catch(() => {});
    return info ? { kind: "irregular" } : { kind: "gone" };
  }
  return { kind: "file", handle, look: `${info.size}:${info.mtimeMs}` };
}

/** One pass over the incoming folder. */
export async function importIncoming(
  repository: RepositoryApi,
  dir: string,
  options: ImportIncomingOptions = {},
): Promise<IncomingResult> {
  const result: IncomingResult = { imported: [], rejected: [], pending: [], errors: [] };
  const { previous, failures } = options;
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 10;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const rejectFile = async (file: string, code: string, reason: string): Promise<void> => {
    try {
      await reject(dir, file, code, reason);
      result.rejected.push({ file, code, reason });
    } catch (error) {
      result.errors.push({ file, error: errorMessage(error) });
    }
  };
  /** A failure that is not the file's content: report once per look, back off, reject at the end. */
  const failed = async (file: string, look: string, error: unknown): Promise<void> => {
    result.pending.push(file);
    if (failures === undefined) {
      result.errors.push({ file, error: errorMessage(error) });
      return;
    }
    const before = failures.get(file);
    const attempts = before?.look === look ? before.attempts + 1 : 1;
    if (attempts === 1) result.errors.push({ file, error: errorMessage(error) });
    if (attempts >= maxAttempts) {
      const code = (error as NodeJS.ErrnoException).code ?? "ERROR";
      const reason = `${errorMessage(error)} (failed ${attempts} times)`;
      try {
        await reject(dir, file, code, reason);
        result.pending.pop();
        result.rejected.push({ file, code, reason });
        failures.delete(file);
        previous?.delete(file);
        return;
      } catch {
        // Cannot move it either: keep backing off without logging again.
      }
    }
    const delay = Math.min(retryBaseMs * 2 ** (attempts - 1), MAX_RETRY_MS);
    failures.set(file, { look, attempts, retryAt: now() + delay });
  };

  const entries = await readdir(dir, { withFileTypes: true });
  const seen = new Set<string>();
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = entry.name;
    if (!candidate(file) || file.includes("/") || file === "." || file === "..") continue;
    seen.add(file);
    const path = join(dir, file);
    // Only regular files: a symlink could point anywhere, a folder is nothing to import.
    if (!entry.isFile()) {
      if (entry.isSymbolicLink() || entry.isFIFO() || entry.isSocket())
        await rejectFile(file, "INVALID_PACKAGE", NOT_REGULAR);
      continue;
    }
    const opened = await openRegularFile(path);
    if (opened.kind === "gone") continue;
    if (opened.kind === "irregular") {
      await rejectFile(file, "INVALID_PACKAGE", NOT_REGULAR);
      continue;
    }
    const close = () => (opened.kind === "file" ? opened.handle.close().catch(() => {}) : undefined);
    const { look } = opened;
    if (previous) {
      const before = previous.get(file);
      previous.set(file, look);
      if (before !== look) {
        await close();
        result.pending.push(file);
        continue;
      }
    }
    const failure = failures?.get(file);
    if (failure?.look === look && now() < failure.retryAt) {
      await close();
      result.pending.push(file);
      continue;
    }
    if (opened.kind === "failed") {
      await failed(file, look, opened.error);
      continue;
    }
    const stream = opened.handle.createReadStream();
    try {
      const added = await repository.addStream(stream);
      await rm(path, { force: true });
      result.imported.push({ file, nevra: added.nevra, status: added.status });
    } catch (error) {
      if (!(error instanceof RepoError)) {
        await failed(file, look, error);
        continue;
      }
      await rejectFile(file, error.code, error.message);
    } finally {
      stream.destroy();
      await close();
    }
    failures?.delete(file);
    previous?.delete(file);
  }
  for (const map of [previous, failures])
    for (const name of [...(map?.keys() ?? [])]) if (!seen.has(name)) map?.delete(name);
  return result;
}

export interface IncomingWatcher {
  /** Stops watching; resolves when a pass under way has finished. */
  stop(): Promise<void>;
}

export interface WatchIncomingOptions {
  /** Time between passes; 1 s by default. A file is imported once it looked the same on two passes. */
  intervalMs?: number;
  onResult?: (result: IncomingResult) => void;
  onError?: (error: unknown) => void;
}

/** Polls the incoming folder (creating it, and rejected/, if missing) until stopped. */
export async function watchIncoming(
  repository: RepositoryApi,
  dir: string,
  options: WatchIncomingOptions = {},
): Promise<IncomingWatcher> {
  await mkdir(join(dir, REJECTED_DIR), { recursive: true });
  const previous = new Map<string, string>();
  const failures = new Map<string, IncomingFailure>();
  const intervalMs = options.intervalMs ?? 1000;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const pass = async () => {
    try {
      const result = await importIncoming(repository, dir, { previous, failures });
      options.onResult?.(result);
    } catch (error) {
      options.onError?.(error);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().then(schedule);
    }, intervalMs);
  };
  running = pass().then(schedule);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
