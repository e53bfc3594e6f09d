/**
 * Writes repoDir/repodata/: the three gzip-compressed metadata files, named by their sha256 as
 * createrepo_c names them, then repomd.xml (and its signature and key when a signer is given). Writes
 * straight into repoDir/repodata; callers that need atomicity write into a temporary folder and rename.
 *
 * Each file is one gzip member assembled from deflate segments (gzip-segments.ts): the packages'
 * segments come compressed already (a tag's cached chunks, or `repo index`'s batches), and only the
 * small header and footer are compressed here.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateSegment, deflateSegmentAsync, type Segment } from "./gzip-segments.js";
import { metadataFooter, metadataHeader, renderRepomd } from "./repomd.js";
import { writeSegmentFile } from "./segment-file.js";
import type { PackageFragments, RepodataResult, RepomdEntry, WriteRepodataOptions } from "./types.js";

export const METADATA_TYPES: readonly RepomdEntry["type"][] = ["primary", "filelists", "other"];

/** The packages' segments of each file, in repository order. */
export type SegmentsByType = Record<RepomdEntry["type"], readonly Segment[]>;

/** Packages per segment when writeRepodata batches fragments itself. */
const BATCH = 64;

export async function writeRepodata(
  repoDir: string,
  fragments: Iterable<PackageFragments>,
  count: number,
  options: WriteRepodataOptions = {},
): Promise<RepodataResult> {
  const batches: PackageFragments[][] = [];
  let written = 0;
  for (const f of fragments) {
    if (written % BATCH === 0) batches.push([]);
    batches[batches.length - 1]?.push(f);
    written++;
  }
  await mkdir(join(repoDir, "repodata"), { recursive: true });
  if (written !== count) {
    throw new Error(`repodata: ${written} packages given, but the count said ${count}`);
  }
  const segments = await Promise.all(
    METADATA_TYPES.map((type) =>
      Promise.all(
        batches.map((batch) => deflateSegmentAsync(Buffer.from(batch.map((f) => f[type]).join(""), "utf8"))),
      ),
    ),
  );
  const [primary, filelists, other] = segments as [Segment[], Segment[], Segment[]];
  return writeRepodataSegments(repoDir, { primary, filelists, other }, count, options);
}

/** Writes repodata/ from segments already compressed; `count` is the number of packages in them. */
export async function writeRepodataSegments(
  repoDir: string,
  segments: SegmentsByType,
  count: number,
  options: WriteRepodataOptions = {},
): Promise<RepodataResult> {
  const dir = join(repoDir, "repodata");
  await mkdir(dir, { recursive: true });
  const timestamp = Math.floor(Date.now() / 1000);
  const entries: RepomdEntry[] = [];
  try {
    for (const type of METADATA_TYPES) {
      const header = deflateSegment(Buffer.from(metadataHeader(type, count), "utf8"));
      const footer = deflateSegment(Buffer.from(metadataFooter(type), "utf8"));
      entries.push(
        await writeSegmentFile(dir, { type, segments: [header, ...segments[type], footer] }, timestamp),
      );
    }
  } catch (error) {
    await Promise.all(entries.map((e) => rm(join(repoDir, e.href), { force: true })));
    throw error;
  }
  const revision = options.revision ?? Math.floor(Date.now() / 1000);
  const repomd = Buffer.from(renderRepomd(revision, entries), "utf8");
  const repomdPath = join(dir, "repomd.xml");
  await writeFile(repomdPath, repomd);
  if (options.signer) {
    const { signature, publicKey } = await options.signer.sign(repomd);
    await writeFile(join(dir, "repomd.xml.asc"), signature);
    await writeFile(join(dir, "repomd.xml.key"), publicKey);
  }
  return { revision, packages: count, entries, repomdPath };
}
