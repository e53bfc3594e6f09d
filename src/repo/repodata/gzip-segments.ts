/**
 * Deflate segments: pieces of a metadata file compressed independently, each ended by a sync flush
 * (byte-aligned, not final), so that any sequence of them, followed by a final empty block, is one
 * valid deflate stream. Wrapped in a gzip header and a trailer with the combined CRC-32, that is one
 * ordinary single-member gzip file (as pigz writes), made without recompressing the segments. This is
 * what lets a freeze reuse cached compressed chunks and lets `repo index` compress in parallel.
 */
import { promisify } from "node:util";
import { constants, crc32, deflateRaw, deflateRawSync } from "node:zlib";

export interface Segment {
  /** The uncompressed bytes. */
  open: Buffer;
  /** Raw deflate of `open`, ended by Z_SYNC_FLUSH. */
  deflated: Buffer;
  /** CRC-32 of `open`. */
  crc: number;
}

const SYNC = { finishFlush: constants.Z_SYNC_FLUSH };
/** A segment's output usually fits one buffer: one trip to the thread pool, not one per 16 KiB. */
const SYNC_ASYNC = { ...SYNC, chunkSize: 256 * 1024 };
const deflateRawAsync = promisify(deflateRaw);

/** Compresses on this thread. */
export function deflateSegment(open: Buffer): Segment {
  return { open, deflated: deflateRawSync(open, SYNC), crc: crc32(open) };
}

/** Compresses on libuv's thread pool, so several segments compress in parallel. */
export async function deflateSegmentAsync(open: Buffer): Promise<Segment> {
  const crc = crc32(open);
  return { open, deflated: await deflateRawAsync(open, SYNC_ASYNC), crc };
}

/** gzip header: deflate, no flags, no mtime, no extra flags, OS = Unix. */
export const GZIP_HEADER: Buffer = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
/** A final fixed-Huffman block holding only its end-of-block code: ends the deflate stream. */
export const FINAL_BLOCK: Buffer = Buffer.from([0x03, 0x00]);

/** The gzip trailer: CRC-32 and the uncompressed size modulo 2^32, both little-endian. */
export function gzipTrailer(crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  return trailer;
}

// CRC-32 of a concatenation from the CRCs of its parts: crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕ crc(B),
// in the reflected bit order zlib uses (bit 31 is x^0).
const POLY = 0xedb88320;

/** a(x)·b(x) modulo the CRC-32 polynomial. */
function multModP(a: number, b: number): number {
  let product = 0;
  let factor = b >>> 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if (a & m) product ^= factor;
    factor = factor & 1 ? (factor >>> 1) ^ POLY : factor >>> 1;
  }
  return product >>> 0;
}

/** X2N[k] = x^(2^k) mod P. The polynomial is primitive, so x^(2^32) = x and the table repeats. */
const X2N: number[] = [0x40000000];
for (let k = 1; k < 32; k++) X2N.push(multModP(X2N[k - 1] as number, X2N[k - 1] as number));

/** x^(8·bytes) mod P. */
function shiftFor(bytes: number): number {
  let power = 0x80000000; // x^0
  let k = 3; // 8 = 2^3
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) power = multModP(X2N[k & 31] as number, power);
  }
  return power;
}

/** The CRC-32 of A followed by B, given crc(A), crc(B) and B's length in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(shiftFor(lengthB), crcA >>> 0) ^ crcB) >>> 0;
}
