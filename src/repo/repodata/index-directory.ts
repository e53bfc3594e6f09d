/**
 * `escalator repo index DIR`: the one-shot createrepo replacement. Reads every package under DIR (a
 * few at a time), renders its fragments, writes DIR/.repodata.tmp-<random>/repodata and swaps it in
 * for DIR/repodata. On any error the temporary folder goes and the old repodata stays.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { RpmFormatError } from "../rpm/read-rpm.js";
import { type ProgressListener, RepoError } from "../types.js";
import { comparePackages, type FoundPackage, findPackages } from "./find-packages.js";
import { packageRecordFromFile } from "./package-record.js";
import { renderFragments } from "./render.js";
import type { PackageFragments, RepodataResult } from "./types.js";
import { writeRepodata } from "./write-repodata.js";

export interface IndexOptions {
  /** Newest changelog entries kept per package (createrepo_c's default: 10). */
  changelogLimit?: number;
  onProgress?: ProgressListener;
  /** Collect packages that are not valid RPMs in `skipped` instead of failing. */
  skipInvalid?: boolean;
  /** Files read at once (default 8). */
  concurrency?: number;
}

export interface IndexResult {
  packages: number;
  skipped: { file: string; reason: string }[];
  result: RepodataResult;
}

export async function indexDirectory(dir: string, options: IndexOptions = {}): Promise<IndexResult> {
  const changelogLimit = options.changelogLimit ?? 10;
  const found = (await findPackages(dir)).sort(comparePackages);
  const fragments: (PackageFragments | undefined)[] = new Array(found.length);
  const skipped: { file: string; reason: string }[] = [];
  let done = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    const scratch = { buffer: Buffer.allocUnsafe(256 * 1024) };
    while (next < found.length) {
      const i = next++;
      const pkg = found[i] as FoundPackage;
      try {
        const record = await packageRecordFromFile(pkg.path, pkg.href, scratch);
        fragments[i] = renderFragments(record, { changelogLimit });
      } catch (error) {
        if (!(error instanceof RpmFormatError) || !options.skipInvalid) next = found.length;
        if (!(error instanceof RpmFormatError)) throw error;
        if (!options.skipInvalid) {
          throw new RepoError("INVALID_PACKAGE", `${pkg.path}: not a valid RPM: ${error.message}`, {
            cause: error,
          });
        }
        skipped.push({ file: pkg.path, reason: error.message });
      }
      options.onProgress?.(++done, found.length, pkg.href);
    }
  };
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker);
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;

  const kept = fragments.filter((f): f is PackageFragments => f !== undefined);
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const result = await writeAndSwap(dir, kept);
  return { packages: kept.length, skipped, result };
}

async function writeAndSwap(dir: string, fragments: PackageFragments[]): Promise<RepodataResult> {
  const suffix = randomBytes(6).toString("hex");
  const tmp = join(dir, `.repodata.tmp-${suffix}`);
  const target = join(dir, "repodata");
  const old = join(dir, `.repodata.old-${suffix}`);
  try {
    const written = await writeRepodata(tmp, fragments, fragments.length);
    const hadOld = await exists(target);
    if (hadOld) await rename(target, old);
    try {
      await rename(join(tmp, "repodata"), target);
    } catch (error) {
      if (hadOld) await rename(old, target);
      throw error;
    }
    await rm(old, { recursive: true, force: true });
    return { ...written, repomdPath: join(target, "repomd.xml") };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
