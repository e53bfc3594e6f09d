import { describe, expect, it } from "vitest";
import { keepLastBytes } from "./keep-last-bytes.js";

describe("keepLastBytes", () => {
  it("returns text that fits unchanged", () => {
    expect(keepLastBytes("hello", 5)).toBe("hello");
    expect(keepLastBytes("", 0)).toBe("");
  });

  it("keeps the end of ASCII text", () => {
    expect(keepLastBytes("abcdefgh", 3)).toBe("fgh");
  });

  it("never splits a multi-byte character", () => {
    // "é" is 2 bytes and "€" 3 bytes in UTF-8.
    expect(keepLastBytes("aé€", 4)).toBe("€");
    expect(keepLastBytes("aé€", 5)).toBe("é€");
    expect(keepLastBytes("a😀", 3)).toBe("");
    expect(keepLastBytes("a😀", 4)).toBe("😀");
  });

  it("keeps at most the limit in bytes and only whole characters", () => {
    const text = "€".repeat(30_000);
    const kept = keepLastBytes(text, 64 * 1024);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(kept)).toBeGreaterThan(64 * 1024 - 3);
    expect(kept).toBe("€".repeat(kept.length));
    expect(text.endsWith(kept)).toBe(true);
  });
});
