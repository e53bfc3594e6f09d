import { randomBytes } from "node:crypto";
import { crc32, gunzipSync, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  crc32Combine,
  deflateSegment,
  deflateSegmentAsync,
  FINAL_BLOCK,
  GZIP_HEADER,
  gzipTrailer,
} from "./gzip-segments.js";
import { assembleSegments } from "./segment-file.js";

describe("crc32Combine", () => {
  it("gives the CRC-32 of the concatenation, for empty and long parts", () => {
    for (const [a, b] of [
      [0, 0],
      [0, 5],
      [7, 0],
      [1, 1],
      [1000, 70_000],
      [123_457, 3],
    ] as const) {
      const left = randomBytes(a);
      const right = randomBytes(b);
      expect(crc32Combine(crc32(left), crc32(right), b), `${a}+${b}`).toBe(
        crc32(Buffer.concat([left, right])),
      );
    }
  });
});

describe("deflate segments", () => {
  it("concatenate into one gzip member that gunzip reads as the whole text", async () => {
    const texts = ["<?xml?>\n<metadata>\n", "", "<package/>\n".repeat(5000), "é ü 漢字\n", "</metadata>"];
    const segments = await Promise.all(
      texts.map((t, i) => (i % 2 ? deflateSegmentAsync(Buffer.from(t)) : deflateSegment(Buffer.from(t)))),
    );
    const assembled = assembleSegments(segments);
    const gz = Buffer.concat(assembled.parts);
    const whole = Buffer.from(texts.join(""));
    expect(gunzipSync(gz).equals(whole)).toBe(true);
    expect(assembled).toMatchObject({ size: gz.length, openSize: whole.length });
    // One member: the header, one deflate stream ending in the final block, one trailer.
    expect(gz.subarray(0, 10).equals(GZIP_HEADER)).toBe(true);
    expect(gz.subarray(-8).equals(gzipTrailer(crc32(whole), whole.length))).toBe(true);
    expect(gz.subarray(-10, -8).equals(FINAL_BLOCK)).toBe(true);
    expect(inflateRawSync(gz.subarray(10, -8)).equals(whole)).toBe(true);
  });

  it("each segment stands alone: a segment reused after different neighbours still decodes", () => {
    const shared = deflateSegment(Buffer.from("shared ".repeat(1000)));
    const a = assembleSegments([deflateSegment(Buffer.from("a".repeat(40_000))), shared]);
    const b = assembleSegments([deflateSegment(Buffer.from("b")), shared]);
    expect(gunzipSync(Buffer.concat(a.parts)).toString()).toBe("a".repeat(40_000) + "shared ".repeat(1000));
    expect(gunzipSync(Buffer.concat(b.parts)).toString()).toBe(`b${"shared ".repeat(1000)}`);
  });
});
