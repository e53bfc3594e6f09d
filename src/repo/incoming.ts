/**
 * The incoming folder: the original Yumtags workflow of dropping RPMs into a directory. Each stable
 * `*.rpm` file directly in the folder is imported through the repository; imported files are removed,
 * refused ones move to `rejected/<file>` beside a `<file>.reason` text. File names come from
 * readdir (one path component, never "." or ".."), so a hostile name cannot leave the folder.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RepoError, type RepositoryApi } from "./types.js";

export interface IncomingResult {
  /** Files imported (new to the pool or already there) and removed from the folder. */
  imported: { file: string; nevra: string; status: "created" | "exists" }[];
  /** Files moved to rejected/, with the reason written beside them. */
  rejected: { file: string; code: string; reason: string }[];
  /** Files left for a later pass: still changing, or an error that was not the file's fault. */
  pending: string[];
  /** Errors not caused by a file's content (e.g. a full disk); the file stays for a later pass. */
  errors: { file: string; error: string }[];
}

export interface ImportIncomingOptions {
  /**
   * What each file looked like on the previous pass (name → "size:mtime"); only files that look
   * the same now are imported. Updated in place. Without it every file is taken as complete.
   */
  previous?: Map<string, string>;
}

export const REJECTED_DIR = "rejected";

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

/** One pass over the incoming folder. */
export async function importIncoming(
  repository: RepositoryApi,
  dir: string,
  options: ImportIncomingOptions = {},
): Promise<IncomingResult> {
  const result: IncomingResult = { imported: [], rejected: [], pending: [], errors: [] };
  const entries = await readdir(dir, { withFileTypes: true });
  const seen = new Set<string>();
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = entry.name;
    if (!candidate(file) || file.includes("/") || file === "." || file === "..") continue;
    const path = join(dir, file);
    // Only regular files: a symlink could point anywhere, a folder is nothing to import.
    if (!entry.isFile()) {
      if (entry.isSymbolicLink() || entry.isFIFO() || entry.isSocket()) {
        try {
          await reject(dir, file, "INVALID_PACKAGE", "not a regular file");
          result.rejected.push({ file, code: "INVALID_PACKAGE", reason: "not a regular file" });
        } catch (error) {
          result.errors.push({ file, error: error instanceof Error ? error.message : String(error) });
        }
      }
      continue;
    }
    if (options.previous) {
      seen.add(file);
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      const look = `${info.size}:${info.mtimeMs}`;
      const before = options.previous.get(file);
      options.previous.set(file, look);
      if (before !== look) {
        result.pending.push(file);
        continue;
      }
    }
    try {
      const added = await repository.addFile(path);
      await rm(path, { force: true });
      result.imported.push({ file, nevra: added.nevra, status: added.status });
    } catch (error) {
      if (!(error instanceof RepoError)) {
        result.errors.push({ file, error: error instanceof Error ? error.message : String(error) });
        result.pending.push(file);
        continue;
      }
      try {
        await reject(dir, file, error.code, error.message);
        result.rejected.push({ file, code: error.code, reason: error.message });
      } catch (moveError) {
        result.errors.push({
          file,
          error: moveError instanceof Error ? moveError.message : String(moveError),
        });
      }
    }
    options.previous?.delete(file);
  }
  if (options.previous)
    for (const name of [...options.previous.keys()]) if (!seen.has(name)) options.previous.delete(name);
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
  const intervalMs = options.intervalMs ?? 1000;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const pass = async () => {
    try {
      const result = await importIncoming(repository, dir, { previous });
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
