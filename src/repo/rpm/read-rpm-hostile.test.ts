import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../../test/helpers/build-rpm.js";
import { requireTool } from "../../../test/helpers/require-tool.js";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import { RpmFormatError } from "./header.js";
import { readRpm } from "./read-rpm.js";

type Value = string | string[] | number[] | Uint8Array;
type Entry = [tag: number, value: Value, type?: number];

const ALIGN: Record<number, number> = { 3: 2, 4: 4, 5: 8 };

/** A header structure with the given entries (strings → STRING, arrays → STRING_ARRAY, numbers → INT32). */
function header(entries: Entry[]): Uint8Array {
  const data: number[] = [];
  const index: number[][] = [];
  for (const [tag, value, explicitType] of entries) {
    let type = explicitType ?? 6;
    let bytes: number[];
    let count = 1;
    if (typeof value === "string") bytes = [...Buffer.from(`${value}\0`)];
    else if (value instanceof Uint8Array) [type, bytes, count] = [7, [...value], value.length];
    else if (typeof value[0] === "number") {
      type = explicitType ?? 4;
      const size = type === 3 ? 2 : 4;
      const b = Buffer.alloc(value.length * size);
      for (const [i, n] of (value as number[]).entries()) {
        if (size === 2) b.writeUInt16BE(n, i * 2);
        else b.writeUInt32BE(n, i * 4);
      }
      [bytes, count] = [[...b], value.length];
    } else
      [type, bytes, count] = [
        8,
        [...Buffer.from((value as string[]).map((s) => `${s}\0`).join(""))],
        value.length,
      ];
    while (data.length % (ALIGN[type] ?? 1) !== 0) data.push(0);
    index.push([tag, type, data.length, count]);
    data.push(...bytes);
  }
  const out = Buffer.alloc(16 + index.length * 16 + data.length);
  Buffer.from([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]).copy(out);
  out.writeUInt32BE(index.length, 8);
  out.writeUInt32BE(data.length, 12);
  for (const [i, e] of index.entries()) {
    for (const [j, n] of e.entries()) out.writeUInt32BE(n, 16 + i * 16 + j * 4);
  }
  Buffer.from(data).copy(out, 16 + index.length * 16);
  return out;
}

const NEVR: Entry[] = [
  [1000, "demo"],
  [1001, "1.0"],
  [1002, "1"],
  [1022, "x86_64"],
];

/** Lead + signature header (SIZE) + padding + main header. Returns the file and the main header's offset. */
function rpm(main: Entry[] = NEVR): { bytes: Uint8Array; main: number } {
  const lead = Buffer.alloc(96);
  Buffer.from([0xed, 0xab, 0xee, 0xdb]).copy(lead);
  const sig = header([[1000, [1234]]]);
  const pad = Buffer.alloc((8 - ((96 + sig.length) % 8)) % 8);
  const bytes = Buffer.concat([lead, sig, pad, header(main)]);
  return { bytes, main: 96 + sig.length + pad.length };
}

/** Writes a big-endian u32 into a copy. */
function poke(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = Buffer.from(bytes);
  copy.writeUInt32BE(value, at);
  return copy;
}

function expectRejected(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    readRpm(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RpmFormatError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).toMatch(/at byte \d+/);
}

describe("readRpm on hostile input", () => {
  const good = rpm();
  // index entry i of the main header, field f (0 tag, 1 type, 2 offset, 3 count)
  const entry = (i: number, f: number) => good.main + 16 + i * 16 + f * 4;

  it("reads the synthetic package these cases corrupt", () => {
    expect(readRpm(good.bytes)).toMatchObject({ name: "demo", version: "1.0", release: "1", arch: "x86_64" });
    expect(readRpm(good.bytes).headerRange).toEqual({ start: good.main, end: good.bytes.length });
  });

  it.each([
    ["empty file", new Uint8Array(0), /shorter than the 96-byte lead/],
    ["lead only", good.bytes.subarray(0, 96), /signature header truncated/],
    ["wrong lead magic", poke(good.bytes, 0, 0x7f454c46), /wrong lead magic/],
    ["wrong header magic", poke(good.bytes, 96, 0x8eade802), /signature header has wrong magic/],
    ["index count 0xFFFFFFFF", poke(good.bytes, 96 + 8, 0xffffffff), /index count 4294967295/],
    ["index count 0", poke(good.bytes, 96 + 8, 0), /index count 0/],
    ["data length 0xFFFFFFFF", poke(good.bytes, 96 + 12, 0xffffffff), /data length 4294967295 exceeds/],
    ["data length past the file", poke(good.bytes, good.main + 12, 100_000_000), /main header truncated/],
    ["main index count past the file", poke(good.bytes, good.main + 8, 60_000), /main header truncated/],
    ["offset outside the data store", poke(good.bytes, entry(0, 2), 0xfffffff0), /outside the \d+-byte data/],
    ["unknown type", poke(good.bytes, entry(0, 1), 99), /unknown type 99/],
    ["STRING with count 2", poke(good.bytes, entry(0, 3), 2), /STRING with count 2/],
    [
      "STRING_ARRAY count huge",
      poke(poke(good.bytes, entry(0, 1), 8), entry(0, 3), 0xffffffff),
      /cannot fit/,
    ],
    [
      "INT32 count × 4 overflowing",
      poke(poke(good.bytes, entry(0, 1), 4), entry(0, 3), 0x40000001),
      /overrun/,
    ],
    [
      "INT64 count huge",
      poke(poke(good.bytes, entry(0, 1), 5), entry(0, 3), 0x20000000),
      /overrun|misaligned/,
    ],
    ["name typed INT8", poke(good.bytes, entry(0, 1), 2), /type INT8, expected STRING/],
    ["tag twice", poke(good.bytes, entry(1, 0), 1000), /tag 1000 twice/],
  ])("%s", (_label, bytes, message) => expectRejected(bytes, message));

  it("rejects a string without NUL inside the data store", () => {
    const bytes = Buffer.from(good.bytes);
    bytes[bytes.length - 1] = 0x41; // the NUL ending ARCH, the last string
    expectRejected(bytes, /tag 1022 string 0 has no NUL/);
  });

  it("rejects missing identity, bad directory indexes and mismatched parallel arrays", () => {
    expectRejected(rpm(NEVR.slice(1)).bytes, /main header has no NAME/);
    const files = (dirindexes: number[]): Entry[] => [
      ...NEVR,
      [1030, [0o100644], 3],
      [1037, [0]],
      [1028, [1]],
      [1116, dirindexes],
      [1117, ["a"]],
      [1118, ["/"]],
    ];
    expect(readRpm(rpm(files([0])).bytes).files).toMatchObject([
      { path: "/a", mode: 0o100644, type: "file" },
    ]);
    expectRejected(rpm(files([5])).bytes, /directory index 5 of 1/);
    expectRejected(rpm(files([0, 0])).bytes, /file names: parallel tags have 1 and 2/);
    expectRejected(rpm([...NEVR, [1047, ["a", "b"]], [1112, [0]], [1113, ["", ""]]]).bytes, /provides/);
  });

  it("reads a BIN digest and rejects it where a string is expected", () => {
    expectRejected(rpm([[1000, new Uint8Array([1, 2])], ...NEVR.slice(1)]).bytes, /type BIN/);
  });

  it("rejects a truncation anywhere before the end of the main header", () => {
    for (let cut = 0; cut < good.bytes.length; cut++) {
      expectRejected(good.bytes.subarray(0, cut), /truncated|shorter than/);
    }
  });

  const rpmbuild = requireTool("rpmbuild");
  const tmp = tmpDir("escalator-rpm-hostile-");
  afterAll(() => tmp.remove());

  it.skipIf(!rpmbuild)("on a real rpm: every 97th-byte truncation and 3000 random corruptions", async () => {
    const spec =
      "Name: cut\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%files\n";
    const [file = ""] = await buildRpm(rpmbuild ?? "rpmbuild", tmp.path, spec);
    const real = readFileSync(file);
    const { start: main, end } = readRpm(real).headerRange;
    const indexEnd = main + 16 + real.readUInt32BE(main + 8) * 16; // corrupt mostly the structure
    for (let cut = 0; cut < real.length; cut += 97) {
      if (cut < end) expectRejected(real.subarray(0, cut), /truncated|shorter than/);
      else expect(readRpm(real.subarray(0, cut)).name).toBe("cut");
    }
    let seed = 42; // xorshift32: deterministic, so a failure reproduces
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const copy = Buffer.from(real.subarray(0, end));
      for (let k = 0; k <= random(4); k++) copy[random(k === 0 ? end : indexEnd)] = random(256);
      try {
        readRpm(copy);
      } catch (e) {
        expect(e).toBeInstanceOf(RpmFormatError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(300); // the rest hit bytes no field depends on
  });

  // No timing assertion (timing goals belong in benchmarks); a hang shows as Vitest's test timeout.
});
