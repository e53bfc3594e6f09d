/**
 * Reads package files for their metadata. readRpm only needs the file's start: the lead, the
 * signature header (with its padding) and the main header; their sizes are in their index counts, so
 * the start is read in bounded steps (a first 64 KiB, then exactly up to the main header's end). A
 * package small enough is read whole in one go (one read feeds both parse and hash); a larger one is
 * hashed in 1 MiB steps, so a 2 GB package never needs 2 GB of memory.
 */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { HEADER_MAGIC, MAX_DATA_LENGTH, MAX_INDEX_COUNT } from "../rpm/header.js";
import { type RpmPackage, readRpm } from "../rpm/read-rpm.js";
import type { PackageRecord } from "./types.js";

const LEAD_LENGTH = 96;
/** The first read of a package's start: most packages' headers fit. */
const HEAD_STEP = 64 * 1024;
/** Packages up to this size are read whole in one go, into the caller's reused buffer. */
export const WHOLE_READ_LIMIT = 32 * 1024 * 1024;
/** Hashing step for larger packages. */
const HASH_STEP = 1024 * 1024;

/** A reusable read buffer (readRpm keeps no view of the bytes it parsed). */
export interface Scratch {
  buffer: Buffer;
}

/** The end of the header at `start` (from its index counts), undefined when not in `head` yet, -1 when bad. */
function headerEnd(head: Uint8Array, start: number): number | undefined {
  if (head.length < start + 16) return undefined;
  for (let i = 0; i < HEADER_MAGIC.length; i++) if (head[start + i] !== HEADER_MAGIC[i]) return -1;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const count = view.getUint32(start + 8);
  const dataLength = view.getUint32(start + 12);
  if (count === 0 || count > MAX_INDEX_COUNT || dataLength > MAX_DATA_LENGTH) return -1;
  return start + 16 + count * 16 + dataLength;
}

/**
 * How many bytes of the file readRpm needs, judged from the `head` read so far: more than
 * head.length while more is needed, else head.length or less (also when the structure is already
 * bad: readRpm then says why).
 */
export function rpmPrefixLength(head: Uint8Array): number {
  const sigEnd = headerEnd(head, LEAD_LENGTH);
  if (sigEnd === undefined) return LEAD_LENGTH + 16;
  if (sigEnd < 0) return head.length;
  const mainStart = sigEnd + ((8 - (sigEnd % 8)) % 8);
  const mainEnd = headerEnd(head, mainStart);
  if (mainEnd === undefined) return mainStart + 16;
  if (mainEnd < 0) return head.length;
  return mainEnd;
}

/** The scratch buffer, grown to at least `size` bytes keeping its first `keep`. */
function ensure(scratch: Scratch, size: number, keep = 0): Buffer {
  if (scratch.buffer.length < size) {
    const grown = Buffer.allocUnsafe(Math.max(size, scratch.buffer.length * 2));
    scratch.buffer.copy(grown, 0, 0, keep);
    scratch.buffer = grown;
  }
  return scratch.buffer;
}

type ReadAt<R> = (buffer: Buffer, offset: number, length: number, position: number) => R;

/** Reads into `buffer` from `from` up to `to` (or the end of the file); where it got to. */
function fillSync(read: ReadAt<number>, buffer: Buffer, from: number, to: number): number {
  let at = from;
  while (at < to) {
    const n = read(buffer, at, to - at, at);
    if (n === 0) break;
    at += n;
  }
  return at;
}

async function fill(
  read: ReadAt<Promise<number>>,
  buffer: Buffer,
  from: number,
  to: number,
): Promise<number> {
  let at = from;
  while (at < to) {
    const n = await read(buffer, at, to - at, at);
    if (n === 0) break;
    at += n;
  }
  return at;
}

/** The file's start, as far as readRpm needs it (or the whole file when shorter). */
async function readHead(read: ReadAt<Promise<number>>, size: number, scratch: Scratch): Promise<Buffer> {
  let have = await fill(read, ensure(scratch, Math.min(size, HEAD_STEP)), 0, Math.min(size, HEAD_STEP));
  for (;;) {
    const need = Math.min(rpmPrefixLength(scratch.buffer.subarray(0, have)), size);
    if (need <= have) break;
    const reached = await fill(read, ensure(scratch, need, have), have, need);
    if (reached < need) return scratch.buffer.subarray(0, reached);
    have = reached;
  }
  return scratch.buffer.subarray(0, have);
}

function readHeadSync(read: ReadAt<number>, size: number, scratch: Scratch): Buffer {
  let have = fillSync(read, ensure(scratch, Math.min(size, HEAD_STEP)), 0, Math.min(size, HEAD_STEP));
  for (;;) {
    const need = Math.min(rpmPrefixLength(scratch.buffer.subarray(0, have)), size);
    if (need <= have) break;
    const reached = fillSync(read, ensure(scratch, need, have), have, need);
    if (reached < need) return scratch.buffer.subarray(0, reached);
    have = reached;
  }
  return scratch.buffer.subarray(0, have);
}

export interface PackageFile {
  rpm: RpmPackage;
  sha256: string;
  /** Bytes read (and hashed). */
  size: number;
  mtimeMs: number;
}

/**
 * Parses and hashes a package with synchronous reads into `scratch` (the index's batches: no promise
 * per file). Throws RpmFormatError when the file is not a valid RPM, or the fs error.
 */
export function readPackageSync(path: string, scratch: Scratch): PackageFile {
  const fd = openSync(path, "r");
  try {
    const { size, mtimeMs } = fstatSync(fd);
    const read: ReadAt<number> = (b, o, l, p) => readSync(fd, b, o, l, p);
    if (size <= WHOLE_READ_LIMIT) {
      const buffer = ensure(scratch, size);
      const bytes = buffer.subarray(0, fillSync(read, buffer, 0, size));
      return {
        rpm: readRpm(bytes),
        sha256: createHash("sha256").update(bytes).digest("hex"),
        size: bytes.length,
        mtimeMs,
      };
    }
    const rpm = readRpm(readHeadSync(read, size, scratch));
    const hash = createHash("sha256");
    const step = ensure(scratch, HASH_STEP).subarray(0, HASH_STEP);
    let total = 0;
    for (let n = read(step, 0, HASH_STEP, 0); n > 0; n = read(step, 0, HASH_STEP, total)) {
      hash.update(step.subarray(0, n));
      total += n;
    }
    return { rpm, sha256: hash.digest("hex"), size: total, mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/**
 * Parses a package from its start only (the pool: the upload was hashed while it streamed in).
 * Throws RpmFormatError when the file is not a valid RPM, or the fs error.
 */
export async function readPackageHead(
  path: string,
): Promise<{ rpm: RpmPackage; size: number; mtimeMs: number }> {
  const handle = await open(path, "r");
  try {
    const { size, mtimeMs } = await handle.stat();
    const read: ReadAt<Promise<number>> = async (b, o, l, p) => (await handle.read(b, o, l, p)).bytesRead;
    const head = await readHead(read, size, { buffer: Buffer.allocUnsafe(0) });
    return { rpm: readRpm(head), size, mtimeMs };
  } finally {
    await handle.close();
  }
}

/**
 * Reads one package file into a PackageRecord. Throws RpmFormatError (from readRpm) when the file is
 * not a valid RPM, or the fs error. `scratch` lets a caller that reads many files reuse one buffer;
 * the returned record never refers to it.
 */
export async function packageRecordFromFile(
  path: string,
  href: string,
  scratch: Scratch = { buffer: Buffer.allocUnsafe(0) },
): Promise<PackageRecord> {
  const handle = await open(path, "r");
  let file: PackageFile;
  try {
    const { size, mtimeMs } = await handle.stat();
    const read: ReadAt<Promise<number>> = async (b, o, l, p) => (await handle.read(b, o, l, p)).bytesRead;
    if (size <= WHOLE_READ_LIMIT) {
      const buffer = ensure(scratch, size);
      const bytes = buffer.subarray(0, await fill(read, buffer, 0, size));
      file = {
        rpm: readRpm(bytes),
        sha256: createHash("sha256").update(bytes).digest("hex"),
        size: bytes.length,
        mtimeMs,
      };
    } else {
      const rpm = readRpm(await readHead(read, size, scratch));
      const hash = createHash("sha256");
      const step = ensure(scratch, HASH_STEP).subarray(0, HASH_STEP);
      let total = 0;
      for (let n = await read(step, 0, HASH_STEP, 0); n > 0; n = await read(step, 0, HASH_STEP, total)) {
        hash.update(step.subarray(0, n));
        total += n;
      }
      file = { rpm, sha256: hash.digest("hex"), size: total, mtimeMs };
    }
  } finally {
    await handle.close();
  }
  return {
    sha256: file.sha256,
    href,
    fileSize: file.size,
    fileTime: Math.floor(file.mtimeMs / 1000),
    rpm: file.rpm,
  };
}
