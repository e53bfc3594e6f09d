/** Reads one package file into a PackageRecord: bytes, readRpm, sha256, size and mtime. */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { readRpm } from "../rpm/read-rpm.js";
import type { PackageRecord } from "./types.js";

/**
 * Throws RpmFormatError (from readRpm) when the file is not a valid RPM, or the fs error.
 * `scratch` lets a caller that reads many files reuse one buffer (readRpm keeps no view of the bytes);
 * the returned record never refers to it.
 */
export async function packageRecordFromFile(
  path: string,
  href: string,
  scratch?: { buffer: Buffer },
): Promise<PackageRecord> {
  const handle = await open(path, "r");
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    const stat = await handle.stat();
    mtimeMs = stat.mtimeMs;
    bytes = await readAll(handle, stat.size, scratch);
  } finally {
    await handle.close();
  }
  const rpm = readRpm(bytes);
  return {
    sha256: createHash("sha256").update(bytes).digest("hex"),
    href,
    fileSize: bytes.length,
    fileTime: Math.floor(mtimeMs / 1000),
    rpm,
  };
}

type Handle = Awaited<ReturnType<typeof open>>;

/** Reads the file's `size` bytes (as stat gave them) into the scratch buffer or a new one. */
async function readAll(handle: Handle, size: number, scratch?: { buffer: Buffer }): Promise<Buffer> {
  let buffer: Buffer;
  if (!scratch) buffer = Buffer.allocUnsafe(size);
  else if (scratch.buffer.length >= size) buffer = scratch.buffer;
  else buffer = scratch.buffer = Buffer.allocUnsafe(Math.max(size, scratch.buffer.length * 2));
  let length = 0;
  while (length < size) {
    const { bytesRead } = await handle.read(buffer, length, size - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}
