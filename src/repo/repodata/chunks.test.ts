import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type ChunkSegments, type ChunkStore, chunkedSegments, planChunks } from "./chunks.js";
import { assembleSegments } from "./segment-file.js";
import type { PackageFragments } from "./types.js";

const sha = (i: number) => createHash("sha256").update(`package ${i}`).digest("hex");
const fragments = (s: string): PackageFragments => ({
  primary: `<package>${s}</package>\n`,
  filelists: `<package pkgid="${s}"/>\n`,
  other: `<package pkgid="${s}">é</package>\n`,
});

/** An in-memory store that counts what it is asked for. */
function memoryStore(): ChunkStore & { cache: Map<string, ChunkSegments>; rendered: number } {
  const store = {
    cache: new Map<string, ChunkSegments>(),
    rendered: 0,
    chunks: (keys: readonly string[]) =>
      new Map(keys.flatMap((k) => (store.cache.has(k) ? [[k, store.cache.get(k) as ChunkSegments]] : []))),
    fragments: (shas: readonly string[]) => {
      store.rendered += shas.length;
      return new Map(shas.map((s) => [s, fragments(s)]));
    },
    saveChunks: (added: Map<string, ChunkSegments>) => {
      for (const [k, c] of added) store.cache.set(k, c);
    },
  };
  return store;
}

describe("planChunks", () => {
  it("cuts at content-defined boundaries, so one insertion changes one or two chunks", () => {
    const shas = Array.from({ length: 2000 }, (_, i) => sha(i));
    const before = planChunks(shas);
    expect(before.flatMap((p) => p.members)).toEqual(shas);
    expect(before.length).toBeGreaterThan(10);
    expect(planChunks(shas).map((p) => p.key)).toEqual(before.map((p) => p.key));
    const oldKeys = new Set(before.map((p) => p.key));
    for (const at of [0, 1000, 2000]) {
      const after = planChunks([...shas.slice(0, at), sha(-1 - at), ...shas.slice(at)]);
      expect(after.filter((p) => !oldKeys.has(p.key)).length).toBeLessThanOrEqual(2);
    }
  });
});

describe("chunkedSegments", () => {
  const xmlOf = (segments: Awaited<ReturnType<typeof chunkedSegments>>, type: keyof PackageFragments) =>
    gunzipSync(Buffer.concat(assembleSegments(segments[type]).parts)).toString("utf8");

  it("renders missing chunks once and reuses cached ones", async () => {
    const store = memoryStore();
    const shas = Array.from({ length: 1000 }, (_, i) => sha(i));
    const first = await chunkedSegments(store, shas);
    expect(store.rendered).toBe(1000);
    for (const type of ["primary", "filelists", "other"] as const) {
      expect(xmlOf(first, type)).toBe(shas.map((s) => fragments(s)[type]).join(""));
    }
    const more = [...shas.slice(0, 500), sha(5000), ...shas.slice(500)];
    store.rendered = 0;
    const second = await chunkedSegments(store, more);
    expect(store.rendered).toBeGreaterThan(0);
    expect(store.rendered).toBeLessThan(300);
    expect(xmlOf(second, "other")).toBe(more.map((s) => fragments(s).other).join(""));
  });

  it("fails clearly when a package has no fragments", async () => {
    const store = { ...memoryStore(), fragments: () => new Map<string, PackageFragments>() };
    await expect(chunkedSegments(store, [sha(1)])).rejects.toThrow(/no fragments for package/);
  });
});
