/**
 * `escalator repo index DIR`: the one-shot createrepo replacement. Reads, renders and compresses the
 * packages under DIR in batches, on the main thread and worker threads at once (index-pool.ts),
 * writes DIR/.repodata.tmp-<random>/repodata from the batches' segments and swaps it in for
 * DIR/repodata. On any error the temporary folder goes and the old repodata stays.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { type ProgressListener, RepoError } from "../types.js";
import { comparePackages, findPackages } from "./find-packages.js";
import { deflateSegmentAsync, type Segment } from "./gzip-segments.js";
import { type BatchResult, renderBatch } from "./index-batch.js";
import type { RepodataResult } from "./types.js";
import { type SegmentsByType, writeRepodataSegments } from "./write-repodata.js";

export interface IndexOptions {
  /** Newest changelog entries kept per package (createrepo_c's default: 10). */
  changelogLimit?: number;
  onProgress?: ProgressListener;
  /** Collect packages that are not valid RPMs in `skipped` instead of failing. */
  skipInvalid?: boolean;
}

export interface IndexResult {
  packages: number;
  skipped: { file: string; reason: string }[];
  result: RepodataResult;
}

/** Packages per batch, and so per deflate segment. */
const BATCH = 128;

type BatchSegments = Record<keyof BatchResult["xml"], Segment>;

export async function indexDirectory(dir: string, options: IndexOptions = {}): Promise<IndexResult> {
  const changelogLimit = options.changelogLimit ?? 10;
  const found = (await findPackages(dir)).sort(comparePackages);
  const skipped: { file: string; reason: string }[] = [];
  // Each batch compresses on libuv's thread pool while this thread renders the next one.
  const compressing: Promise<BatchSegments>[] = [];
  let count = 0;
  let done = 0;
  for (let i = 0; i < found.length; i += BATCH) {
    const batch = found.slice(i, i + BATCH);
    const result = renderBatch(batch, changelogLimit);
    const first = result.invalid[0];
    if (first && !options.skipInvalid) {
      throw new RepoError(
        "INVALID_PACKAGE",
        `${first.file}: not a valid RPM: ${first.reason.replace(/^invalid RPM: /, "")}`,
      );
    }
    if (result.failure) {
      const { file, message, code } = result.failure;
      throw Object.assign(new Error(`${file}: ${message}`), code ? { code } : {});
    }
    skipped.push(...result.invalid);
    count += result.count;
    const compressed = compressBatch(result.xml);
    compressed.catch(() => {}); // awaited below; handled here in case an earlier batch throws first
    compressing.push(compressed);
    for (const pkg of batch) options.onProgress?.(++done, found.length, pkg.href);
  }
  const batches = await Promise.all(compressing);
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const pick = (type: keyof BatchSegments): Segment[] => batches.map((b) => b[type]);
  const segments = { primary: pick("primary"), filelists: pick("filelists"), other: pick("other") };
  const result = await writeAndSwap(dir, segments, count);
  return { packages: count, skipped, result };
}

async function compressBatch(xml: BatchResult["xml"]): Promise<BatchSegments> {
  const [primary, filelists, other] = await Promise.all([
    deflateSegmentAsync(xml.primary),
    deflateSegmentAsync(xml.filelists),
    deflateSegmentAsync(xml.other),
  ]);
  return { primary, filelists, other };
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
