/**
 * Writes one compressed metadata file from deflate segments (gzip-segments.ts): the gzip header, the
 * segments' compressed bytes in order, a final block and the trailer. The open checksum and size come
 * from the segments' uncompressed bytes, the checksum from the bytes written; the file is written to a
 * temporary name and renamed to createrepo_c's "<sha256>-<type>.xml.gz".
 */
import { createHash, randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32Combine, FINAL_BLOCK, GZIP_HEADER, gzipTrailer, type Segment } from "./gzip-segments.js";
import type { RepomdEntry } from "./types.js";

export interface SegmentFile {
  type: RepomdEntry["type"];
  /** Every segment of the file in order, header and footer included. */
  segments: readonly Segment[];
}

/** The gzip bytes and the repomd figures of one file, without writing it. */
export function assembleSegments(segments: readonly Segment[]): {
  parts: Buffer[];
  checksum: string;
  openChecksum: string;
  size: number;
  openSize: number;
} {
  const openHash = createHash("sha256");
  let crc = 0;
  let openSize = 0;
  const parts: Buffer[] = [GZIP_HEADER];
  for (const segment of segments) {
    openHash.update(segment.open);
    crc = crc32Combine(crc, segment.crc, segment.open.length);
    openSize += segment.open.length;
    parts.push(segment.deflated);
  }
  parts.push(FINAL_BLOCK, gzipTrailer(crc, openSize));
  const packedHash = createHash("sha256");
  let size = 0;
  for (const part of parts) {
    packedHash.update(part);
    size += part.length;
  }
  return { parts, checksum: packedHash.digest("hex"), openChecksum: openHash.digest("hex"), size, openSize };
}

/** Writes the file into `dir` (repodata/) and returns its repomd entry. */
export async function writeSegmentFile(
  dir: string,
  file: SegmentFile,
  timestamp: number,
): Promise<RepomdEntry> {
  const { parts, checksum, openChecksum, size, openSize } = assembleSegments(file.segments);
  const name = `${checksum}-${file.type}.xml.gz`;
  const tmp = join(dir, `.${file.type}.xml.gz.tmp-${randomBytes(6).toString("hex")}`);
  try {
    await writeFile(tmp, Buffer.concat(parts, size));
    await rename(tmp, join(dir, name));
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return { type: file.type, href: `repodata/${name}`, checksum, openChecksum, size, openSize, timestamp };
}
