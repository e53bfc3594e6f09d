/**
 * Fuzzing readRpm (issue 7): 100,000 mutated and truncated copies of real packages built by rpmbuild.
 * Property: readRpm returns, or throws RpmFormatError, and never takes long. Seeded, so a failure
 * reproduces: FUZZ_SEED=<seed> npx vitest run src/repo/rpm/read-rpm-fuzz.test.ts
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../../test/helpers/build-rpm.js";
import { requireTool } from "../../../test/helpers/require-tool.js";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import { RpmFormatError } from "./header.js";
import { readRpm } from "./read-rpm.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x7a6_2024);
/** A hang guard, not a timing goal: real calls take microseconds; this catches a loop, not slowness. */
const MAX_CALL_MS = 2000;

/** Reproducible builds (build time and host fixed), so a seed reproduces the same inputs on any run. */
const REPRODUCIBLE = `%global source_date_epoch_from_changelog 1
%global use_source_date_epoch_as_buildtime 1
%global clamp_mtime_to_source_date_epoch 1
%global _buildhost fuzz.example.org
`;

const RICH_SPEC = `${REPRODUCIBLE}Name: fuzz-rich
Epoch: 2
Version: 1.0~beta^1
Release: 3
Summary: Fuzzing base with every kind of tag
License: MIT
URL: https://example.org/fuzz
Packager: Zoë <z@example.org>
Provides: fuzz-api = 1.0
Requires: bash >= 4.0
Requires(pre): shadow-utils
Recommends: less
Suggests: vim
Supplements: fuzz-base
Enhances: fuzz-extra
Conflicts: fuzz-old < 1.0
Obsoletes: fuzz-legacy <= 0.9

%description
Multi-line — non-ASCII ✓.

%install
mkdir -p %{buildroot}/etc/fuzz %{buildroot}/usr/share/fuzz/sub %{buildroot}/var/log/fuzz
echo a > %{buildroot}/etc/fuzz/fuzz.conf
for i in 1 2 3 4 5; do echo $i > %{buildroot}/usr/share/fuzz/sub/f$i; done

%files
%config(noreplace) /etc/fuzz/fuzz.conf
%dir /usr/share/fuzz
/usr/share/fuzz/sub
%dir /var/log/fuzz
%ghost /var/log/fuzz/fuzz.log

%changelog
* Tue Jan 02 2024 Jürgen <j@example.org> - 2:1.0~beta^1-3
- Second
* Mon Jan 01 2024 Alice <a@example.org> - 1.0-1
- First
`;

const TINY_SPEC = `${REPRODUCIBLE}Name: fuzz-tiny\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%files\n%changelog\n* Mon Jan 01 2024 A <a@example.org> - 1-1\n- First\n`;

interface Layout {
  start: number;
  count: number;
  dataStart: number;
  dataLength: number;
}

/** A real package cut just past its main header (readRpm never reads the payload), and its structure. */
interface Base {
  label: string;
  bytes: Uint8Array;
  sig: Layout;
  main: Layout;
}

function layout(bytes: Buffer, start: number): Layout {
  const count = bytes.readUInt32BE(start + 8);
  return { start, count, dataStart: start + 16 + count * 16, dataLength: bytes.readUInt32BE(start + 12) };
}

function toBase(label: string, file: string): Base {
  const bytes = readFileSync(file);
  const { start, end } = readRpm(bytes).headerRange;
  return { label, bytes: bytes.subarray(0, end + 64), sig: layout(bytes, 96), main: layout(bytes, start) };
}

// --- mutations: plans of small numbers, resolved against the base, so fast-check shrinks them ---

type Zone = "any" | "sig" | "mainIndex" | "mainData";
type Hostile = { k: "const"; v: number } | { k: "nearEnd"; d: number } | { k: "fit"; d: number };
type Mutation =
  | { k: "flip"; zone: Zone; n: number; bit: number }
  | { k: "byte"; zone: Zone; n: number; value: number }
  | { k: "cut"; zone: Zone; n: number }
  | { k: "int"; header: "sig" | "main"; slot: number; value: Hostile }
  | { k: "copy"; from: number; to: number; len: number; insert: boolean }
  | { k: "swap"; a: number; b: number; len: number }
  | { k: "swapEntries"; header: "sig" | "main"; i: number; j: number }
  | { k: "delete"; zone: Zone; n: number; len: number };

const HOSTILE_CONSTANTS = [
  0, 1, 2, 7, 8, 9, 0xff, 0x10000, 0x10001, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff,
];
const zone = fc.constantFrom<Zone>("any", "sig", "mainIndex", "mainIndex", "mainData");
const n = fc.nat();
const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({ k: fc.constant("const" as const), v: fc.constantFrom(...HOSTILE_CONSTANTS) }),
  fc.record({ k: fc.constant("const" as const), v: fc.nat({ max: 0xffffffff }) }),
  fc.record({ k: fc.constant("nearEnd" as const), d: fc.integer({ min: -16, max: 16 }) }),
  fc.record({ k: fc.constant("fit" as const), d: fc.integer({ min: -2, max: 2 }) }),
);
const header = fc.constantFrom<"sig" | "main">("sig", "main", "main", "main");
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant("flip" as const), zone, n, bit: fc.nat({ max: 7 }) }), weight: 3 },
  {
    arbitrary: fc.record({ k: fc.constant("byte" as const), zone, n, value: fc.nat({ max: 255 }) }),
    weight: 2,
  },
  { arbitrary: fc.record({ k: fc.constant("cut" as const), zone, n }), weight: 2 },
  // slots 0 and 1 are the header's index count and data length; 2 + 4i + f is field f of entry i
  { arbitrary: fc.record({ k: fc.constant("int" as const), header, slot: n, value: hostile }), weight: 6 },
  {
    arbitrary: fc.record({
      k: fc.constant("copy" as const),
      from: n,
      to: n,
      len: fc.nat(256),
      insert: fc.boolean(),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ k: fc.constant("swap" as const), a: n, b: n, len: fc.nat(64) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant("swapEntries" as const), header, i: n, j: n }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant("delete" as const), zone, n, len: fc.nat(64) }), weight: 1 },
);

const FIXED_SIZE = [0, 1, 1, 2, 4, 8, 0, 1, 0, 0];

function position(base: Base, z: Zone, k: number, length: number): number {
  const [lo, hi] =
    z === "sig"
      ? [base.sig.start, base.sig.dataStart + base.sig.dataLength]
      : z === "mainIndex"
        ? [base.main.start, base.main.dataStart]
        : z === "mainData"
          ? [base.main.dataStart, base.main.dataStart + base.main.dataLength]
          : [0, length];
  const at = lo + (k % Math.max(1, hi - lo));
  return at < length ? at : k % length;
}

function intValue(bytes: Uint8Array, h: Layout, at: number, field: number, v: Hostile): number {
  if (v.k === "const") return v.v;
  if (v.k === "nearEnd") return Math.max(0, h.dataLength + v.d) >>> 0;
  // "fit": a count (or offset) that lands just around the end of the data store
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entry = at - field * 4;
  if (entry + 12 > bytes.length) return Math.max(0, h.dataLength + v.d) >>> 0;
  const size = FIXED_SIZE[dv.getUint32(entry + 4)] || 1;
  return Math.max(0, Math.floor((h.dataLength - dv.getUint32(entry + 8)) / size) + v.d) >>> 0;
}

function apply(base: Base, plan: readonly Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(base.bytes);
  for (const m of plan) {
    const len = bytes.length;
    if (len === 0) break;
    switch (m.k) {
      case "flip": {
        const at = position(base, m.zone, m.n, len);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << m.bit);
        break;
      }
      case "byte":
        bytes[position(base, m.zone, m.n, len)] = m.value;
        break;
      case "cut":
        bytes = bytes.slice(0, position(base, m.zone, m.n, len));
        break;
      case "int": {
        const h = base[m.header];
        const slot = m.slot % (2 + h.count * 4);
        const field = slot < 2 ? 0 : (slot - 2) % 4;
        const at = slot < 2 ? h.start + 8 + slot * 4 : h.start + 16 + (slot - 2) * 4;
        if (at + 4 > len) break;
        const value = intValue(bytes, h, at, slot < 2 ? 0 : field, m.value);
        new DataView(bytes.buffer).setUint32(at, value);
        break;
      }
      case "copy": {
        const from = m.from % len;
        const region = bytes.slice(from, from + m.len);
        const to = m.to % len;
        if (m.insert) bytes = Uint8Array.from([...bytes.subarray(0, to), ...region, ...bytes.subarray(to)]);
        else bytes.set(region.subarray(0, len - to), to);
        break;
      }
      case "swap": {
        const size = Math.min(m.len, Math.floor(len / 2));
        const a = m.a % (len - size + 1);
        const b = m.b % (len - size + 1);
        const first = bytes.slice(a, a + size);
        bytes.copyWithin(a, b, b + size);
        bytes.set(first, b);
        break;
      }
      case "swapEntries": {
        const h = base[m.header];
        const i = h.start + 16 + (m.i % h.count) * 16;
        const j = h.start + 16 + (m.j % h.count) * 16;
        if (Math.max(i, j) + 16 > len) break;
        const first = bytes.slice(i, i + 16);
        bytes.copyWithin(i, j, j + 16);
        bytes.set(first, j);
        break;
      }
      case "delete": {
        const at = position(base, m.zone, m.n, len);
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + m.len)]);
        break;
      }
    }
  }
  return bytes;
}

// --- the property ---

const stats = { calls: 0, returned: 0, rejected: 0, maxMs: 0, totalMs: 0, kinds: new Set<string>() };

/** Calls readRpm once: whether it returned, and what breaks the property (undefined when nothing). */
function check(bytes: Uint8Array): { returned: boolean; failure: string | undefined } {
  const began = performance.now();
  let outcome: string | undefined;
  let returned = false;
  try {
    const pkg = readRpm(bytes);
    returned = true;
    stats.returned++;
    if (typeof pkg.name !== "string" || pkg.headerRange.end > bytes.length) outcome = "returned nonsense";
  } catch (error) {
    stats.rejected++;
    if (!(error instanceof RpmFormatError)) outcome = `threw ${String(error)}`;
    else if (!/at byte \d+/.test(error.message)) outcome = `message without an offset: ${error.message}`;
    else stats.kinds.add(error.message.replace(/\d+/g, "N"));
  }
  const ms = performance.now() - began;
  stats.calls++;
  stats.totalMs += ms;
  stats.maxMs = Math.max(stats.maxMs, ms);
  if (ms >= MAX_CALL_MS) outcome = `took ${ms.toFixed(1)} ms`;
  return { returned, failure: outcome };
}

const rpmbuild = requireTool("rpmbuild");
const tmp = tmpDir("escalator-rpm-fuzz-");
afterAll(() => tmp.remove());

describe.skipIf(!rpmbuild)("readRpm fuzzing", () => {
  const bases: Base[] = [];

  beforeAll(async () => {
    const tool = rpmbuild ?? "rpmbuild";
    const [rich = ""] = await buildRpm(tool, tmp.path, RICH_SPEC);
    const [tiny = ""] = await buildRpm(tool, tmp.path, TINY_SPEC);
    const [source = ""] = await buildRpm(tool, tmp.path, RICH_SPEC, "-bs");
    bases.push(toBase("rich", rich), toBase("tiny", tiny), toBase("source", source));
  }, 60_000);

  it("every truncation of every base is rejected before the header ends and read after it", () => {
    for (const base of bases) {
      const end = base.main.dataStart + base.main.dataLength;
      for (let cut = 0; cut <= base.bytes.length; cut++) {
        expect(check(base.bytes.subarray(0, cut))).toEqual({ returned: cut >= end, failure: undefined });
      }
    }
  });

  it(`${RUNS} mutated and truncated inputs: returns or throws RpmFormatError, quickly`, () => {
    const began = performance.now();
    const property = fc.property(
      fc.nat({ max: bases.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      (which, plan) => {
        const base = bases[which];
        if (!base) throw new Error("no base");
        const { failure } = check(apply(base, plan));
        if (failure) throw new Error(`${base.label}: ${failure}`);
      },
    );
    try {
      fc.assert(property, { numRuns: RUNS, seed: SEED });
    } catch (error) {
      console.error(`readRpm fuzzing failed with seed ${SEED}; rerun with FUZZ_SEED=${SEED}`);
      throw error;
    }
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `readRpm fuzz: seed ${SEED}, ${stats.calls} calls (${stats.returned} returned, ${stats.rejected} RpmFormatError, ${stats.kinds.size} distinct messages), ` +
        `max ${stats.maxMs.toFixed(2)} ms/call, mean ${((stats.totalMs / stats.calls) * 1000).toFixed(1)} µs, ` +
        `property ${seconds.toFixed(1)} s`,
    );
    expect(stats.maxMs).toBeLessThan(MAX_CALL_MS);
    expect(stats.rejected).toBeGreaterThan(RUNS / 4);
  }, 120_000);
});
