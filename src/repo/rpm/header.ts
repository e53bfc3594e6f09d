/**
 * The RPM header structure (shared by the signature header and the main header), read with every
 * offset, count and string checked against the bytes actually present. All integers are big-endian.
 */

/** A truncated, corrupt or hostile RPM file. `offset` is the absolute byte offset of the problem. */
export class RpmFormatError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`invalid RPM: ${message} (at byte ${offset})`);
    this.name = "RpmFormatError";
    this.offset = offset;
  }
}

export const HEADER_MAGIC = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0] as const;
/** Most index entries a header may have; real packages have a few hundred at most. */
export const MAX_INDEX_COUNT = 65_536;
/** Largest data store accepted; real main headers are a few MiB at most. */
export const MAX_DATA_LENGTH = 256 * 1024 * 1024;

export const RpmType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

/** Size in bytes of one element of a fixed-size type (also its alignment); 0 for string types. */
const FIXED_SIZE: readonly number[] = [0, 1, 1, 2, 4, 8, 0, 1, 0, 0];
const TYPE_NAME: readonly string[] = [
  "NULL",
  "CHAR",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "STRING",
  "BIN",
  "STRING_ARRAY",
  "I18NSTRING",
];

export interface HeaderEntry {
  tag: number;
  type: number;
  /** Offset within the data store. */
  offset: number;
  count: number;
  /** Absolute offset of this entry in the file, for error messages. */
  at: number;
}

export interface RpmHeader {
  /** Absolute offset of the header magic. */
  start: number;
  /** Absolute offset just past the data store. */
  end: number;
  /** Absolute offset of the data store. */
  dataStart: number;
  dataLength: number;
  entries: ReadonlyMap<number, HeaderEntry>;
  bytes: Uint8Array;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Parses the header starting at `start`. Checks the structure; values are checked when read. */
export function parseHeader(bytes: Uint8Array, start: number, what: string): RpmHeader {
  if (start + 16 > bytes.length) {
    throw new RpmFormatError(
      `${what} truncated: needs 16 bytes, ${Math.max(0, bytes.length - start)} left`,
      start,
    );
  }
  for (let i = 0; i < HEADER_MAGIC.length; i++) {
    if (bytes[start + i] !== HEADER_MAGIC[i]) throw new RpmFormatError(`${what} has wrong magic`, start);
  }
  const dv = view(bytes);
  const indexCount = dv.getUint32(start + 8);
  const dataLength = dv.getUint32(start + 12);
  if (indexCount === 0 || indexCount > MAX_INDEX_COUNT) {
    throw new RpmFormatError(`${what} index count ${indexCount} is outside 1..${MAX_INDEX_COUNT}`, start + 8);
  }
  if (dataLength > MAX_DATA_LENGTH) {
    throw new RpmFormatError(`${what} data length ${dataLength} exceeds ${MAX_DATA_LENGTH}`, start + 12);
  }
  const dataStart = start + 16 + indexCount * 16;
  const end = dataStart + dataLength;
  if (end > bytes.length) {
    throw new RpmFormatError(
      `${what} truncated: index of ${indexCount} entries and ${dataLength} data bytes need ${end - start} bytes, ${bytes.length - start} left`,
      start,
    );
  }
  const entries = new Map<number, HeaderEntry>();
  for (let i = 0; i < indexCount; i++) {
    const at = start + 16 + i * 16;
    const entry: HeaderEntry = {
      tag: dv.getUint32(at),
      type: dv.getUint32(at + 4),
      offset: dv.getUint32(at + 8),
      count: dv.getUint32(at + 12),
      at,
    };
    checkEntry(entry, dataLength, what);
    if (entries.has(entry.tag)) throw new RpmFormatError(`${what} has tag ${entry.tag} twice`, at);
    entries.set(entry.tag, entry);
  }
  return { start, end, dataStart, dataLength, entries, bytes };
}

function checkEntry(e: HeaderEntry, dataLength: number, what: string): void {
  const where = `${what} tag ${e.tag}`;
  if (e.type > RpmType.I18NSTRING) throw new RpmFormatError(`${where} has unknown type ${e.type}`, e.at);
  if (e.type === RpmType.NULL) return;
  if (e.count === 0) throw new RpmFormatError(`${where} has count 0`, e.at);
  if (e.offset >= dataLength) {
    throw new RpmFormatError(
      `${where} offset ${e.offset} is outside the ${dataLength}-byte data store`,
      e.at,
    );
  }
  const size = FIXED_SIZE[e.type] ?? 0;
  if (size > 0) {
    if (e.offset % size !== 0) throw new RpmFormatError(`${where} offset ${e.offset} is misaligned`, e.at);
    // count and size are both small enough that the product is exact in a double.
    if (e.count * size > dataLength - e.offset) {
      throw new RpmFormatError(`${where}: ${e.count} × ${size} bytes overrun the data store`, e.at);
    }
  } else if (e.type === RpmType.STRING && e.count !== 1) {
    throw new RpmFormatError(`${where} is a STRING with count ${e.count}`, e.at);
  } else if (e.count > dataLength - e.offset) {
    // Each string takes at least its NUL byte.
    throw new RpmFormatError(`${where}: ${e.count} strings cannot fit in the data store`, e.at);
  }
}

const decoder = new TextDecoder("utf-8");

function expectType(e: HeaderEntry, allowed: readonly number[]): void {
  if (!allowed.includes(e.type)) {
    const want = allowed.map((t) => TYPE_NAME[t]).join("/");
    throw new RpmFormatError(`tag ${e.tag} has type ${TYPE_NAME[e.type]}, expected ${want}`, e.at);
  }
}

/** The strings of a STRING, STRING_ARRAY or I18NSTRING entry; undefined when the tag is absent. */
export function getStrings(
  h: RpmHeader,
  tag: number,
  limit = Number.POSITIVE_INFINITY,
): string[] | undefined {
  const e = h.entries.get(tag);
  if (!e) return undefined;
  expectType(e, [RpmType.STRING, RpmType.STRING_ARRAY, RpmType.I18NSTRING]);
  const storeEnd = h.dataStart + h.dataLength;
  const out: string[] = [];
  let pos = h.dataStart + e.offset;
  for (let i = 0; i < Math.min(e.count, limit); i++) {
    const nul = pos + h.bytes.subarray(pos, storeEnd).indexOf(0);
    if (nul < pos) {
      throw new RpmFormatError(`tag ${tag} string ${i} has no NUL before the end of the data store`, pos);
    }
    out.push(decoder.decode(h.bytes.subarray(pos, nul)));
    pos = nul + 1;
  }
  return out;
}

/** A single string (element 0 for arrays and I18NSTRING); undefined when absent. */
export function getString(h: RpmHeader, tag: number): string | undefined {
  return getStrings(h, tag, 1)?.[0];
}

/** The values of an integer entry (INT8/16/32 unsigned, INT64 as a number); undefined when absent. */
export function getNumbers(h: RpmHeader, tag: number): number[] | undefined {
  const e = h.entries.get(tag);
  if (!e) return undefined;
  expectType(e, [RpmType.CHAR, RpmType.INT8, RpmType.INT16, RpmType.INT32, RpmType.INT64]);
  const dv = view(h.bytes);
  const base = h.dataStart + e.offset;
  const out: number[] = new Array(e.count);
  for (let i = 0; i < e.count; i++) {
    switch (e.type) {
      case RpmType.INT16:
        out[i] = dv.getUint16(base + i * 2);
        break;
      case RpmType.INT32:
        out[i] = dv.getUint32(base + i * 4);
        break;
      case RpmType.INT64:
        out[i] = Number(dv.getBigUint64(base + i * 8));
        break;
      default:
        out[i] = dv.getUint8(base + i);
    }
  }
  return out;
}

/** The first value of an integer entry; undefined when absent. */
export function getNumber(h: RpmHeader, tag: number): number | undefined {
  return getNumbers(h, tag)?.[0];
}

/** The bytes of a BIN entry (a copy); undefined when absent. */
export function getBin(h: RpmHeader, tag: number): Uint8Array | undefined {
  const e = h.entries.get(tag);
  if (!e) return undefined;
  expectType(e, [RpmType.BIN]);
  const start = h.dataStart + e.offset;
  return h.bytes.slice(start, start + e.count);
}
