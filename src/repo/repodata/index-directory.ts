/**
 * `escalator repo index DIR`: the one-shot createrepo replacement. Reads, renders and compresses the
 * packages under DIR in batches, on the main thread and worker threads at once (index-pool.ts),
 * writes DIR/.repodata.tmp-<random>/repodata from the batches' segments and swaps it in for
 * DIR/repodata. On any error the temporary folder goes and the old repodata stays.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type ProgressListener, RepoError } from "../types.js";
import { comparePackages, findPackages } from "./find-packages.js";
import type { Segment } from "./gzip-segments.js";
import type { BatchRequest, BatchResult } from "./index-batch.js";
import { runBatches } from "./index-pool.js";
import type { RepodataResult } from "./types.js";
import { type SegmentsByType, writeRepodataSegments } from "./write-repodata.js";

export interface IndexOptions {
  /** Newest changelog entries kept per package (createrepo_c's default: 10). */
  changelogLimit?: number;
  onProgress?: ProgressListener;
  /** Collect packages that are not valid RPMs in `skipped` instead of failing. */
  skipInvalid?: boolean;
  /**
   * Worker threads besides the main thread; by default one less than the CPUs (at most 3), and none
   * for a folder of up to BATCH × 4 packages, where starting a worker costs more than it saves.
   */
  workers?: number;
}

export interface IndexResult {
  packages: number;
  skipped: { file: string; reason: string }[];
  result: RepodataResult;
}

/** Packages per batch, and so per deflate segment. */
const BATCH = 64;

export async function indexDirectory(dir: string, options: IndexOptions = {}): Promise<IndexResult> {
  const changelogLimit = options.changelogLimit ?? 10;
  const found = (await findPackages(dir)).sort(comparePackages);
  const requests: BatchRequest[] = [];
  for (let i = 0; i < found.length; i += BATCH) {
    requests.push({ id: requests.length, packages: found.slice(i, i + BATCH), changelogLimit });
  }
  const workers =
    options.workers ?? (found.length <= BATCH * 4 ? 0 : Math.min(3, availableParallelism() - 1));
  let done = 0;
  const results = await runBatches(requests, Math.max(0, workers), (result) => {
    const batch = requests[result.id]?.packages ?? [];
    const invalid = new Set(result.invalid.map((i) => i.file));
    for (const pkg of batch) {
      if (result.failure?.file === pkg.path) break;
      if (!invalid.has(pkg.path) || options.skipInvalid) options.onProgress?.(++done, found.length, pkg.href);
    }
  });
  for (const result of results) {
    if (result?.failure) {
      const { file, message, code } = result.failure;
      throw Object.assign(new Error(`${file}: ${message}`), code ? { code } : {});
    }
    const first = result?.invalid[0];
    if (first && !options.skipInvalid) {
      throw new RepoError("INVALID_PACKAGE", `${first.file}: not a valid RPM: ${first.reason}`);
    }
  }
  const skipped = results.flatMap((r) => r.invalid);
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const count = results.reduce((sum, r) => sum + r.count, 0);
  const pick = (type: keyof BatchResult["segments"]): Segment[] => results.map((r) => r.segments[type]);
  const segments: SegmentsByType = {
    primary: pick("primary"),
    filelists: pick("filelists"),
    other: pick("other"),
  };
  const result = await writeAndSwap(dir, segments, count);
  return { packages: count, skipped, result };
}

async function writeAndSwap(dir: string, segments: SegmentsByType, count: number): Promise<RepodataResult> {
  const suffix = randomBytes(6).toString("hex");
  const tmp = join(dir, `.repodata.tmp-${suffix}`);
  const target = join(dir, "repodata");
  const old = join(dir, `.repodata.old-${suffix}`);
  try {
    const written = await writeRepodataSegments(tmp, segments, count);
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
