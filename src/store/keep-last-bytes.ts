/** Step output is bounded: the store keeps only the last 64 KiB. */
export const STEP_OUTPUT_LIMIT_BYTES = 64 * 1024;

/**
 * The end of `text` that fits in `maxBytes` of UTF-8, cut at a character boundary
 * (so the result may be up to 3 bytes shorter than the limit).
 */
export function keepLastBytes(text: string, maxBytes: number): string {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes; short strings need no measuring.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - maxBytes;
  // Skip continuation bytes (10xxxxxx) so the tail starts on a whole character.
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString("utf8");
}
