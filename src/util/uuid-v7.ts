import { randomBytes } from "node:crypto";

let lastMs = -1;
let lastCounter = 0;

/**
 * A UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Within one millisecond a
 * 12-bit counter in rand_a (method 1 of RFC 9562 §6.2) keeps ids from this process strictly increasing,
 * so they sort in creation order as strings.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  let ms = Math.max(0, Math.floor(nowMs));
  if (ms <= lastMs) {
    ms = lastMs;
    lastCounter++;
    if (lastCounter > 0xfff) {
      ms = lastMs + 1;
      lastCounter = 0;
    }
  } else {
    lastCounter = randomBytes(2).readUInt16BE(0) & 0x7ff; // leave headroom for the counter
  }
  lastMs = ms;
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (lastCounter >> 8);
  bytes[7] = lastCounter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
