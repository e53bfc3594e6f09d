/**
 * Chunked metadata for tags: a tag's packages, in repository order, are cut into chunks at
 * content-defined boundaries (after a package whose sha256 starts with a multiple of CHUNK_SPREAD), and
 * each chunk's three fragments are compressed once into deflate segments and cached. Adding a package
 * changes only the chunk it lands in, so a freeze compresses one chunk and concatenates the rest
 * (write-repodata.ts); the files are ordinary single-member gzip either way.
 */
import { createHash } from "node:crypto";
import type { RepodataChunksTable } from "../../store/repo-catalog-freeze.js";
import { deflateSegmentAsync, type Segment } from "./gzip-segments.js";
import type { PackageFragments } from "./types.js";
import type { SegmentsByType } from "./write-repodata.js";

/** One chunk's segments for primary, filelists and other. */
export type ChunkSegments = Record<keyof PackageFragments, Segment>;

/** Where chunks are cached and fragments come from (the repository catalog). */
export interface ChunkStore {
  /** The cached chunks among `keys`. */
  chunks(keys: readonly string[]): Map<string, ChunkSegments>;
  /** Rendered fragments of these packages, by sha256. */
  fragments(sha256s: readonly string[]): Map<string, PackageFragments>;
  /** Caches `added` and records that `used` made up the latest freeze (the store evicts old ones). */
  saveChunks(added: Map<string, ChunkSegments>, used: readonly string[]): void;
}

/** A boundary follows about one package in CHUNK_SPREAD: chunks of ~64 packages (~120 KB of XML). */
const CHUNK_SPREAD = 64;
/** Part of every key: a change in how chunks are rendered or compressed must change the keys. */
const KEY_VERSION = "escalator-chunk-v1";

export interface ChunkPlan {
  key: string;
  /** sha256s of the chunk's packages, in order. */
  members: string[];
}

/** Cuts packages (sha256s in repository order) into chunks; the same neighbours give the same key. */
export function planChunks(sha256s: readonly string[]): ChunkPlan[] {
  const plans: ChunkPlan[] = [];
  let members: string[] = [];
  const close = () => {
    const key = createHash("sha256")
      .update(`${KEY_VERSION}\n${members.join("\n")}`)
      .digest("hex");
    plans.push({ key, members });
    members = [];
  };
  for (const sha256 of sha256s) {
    members.push(sha256);
    if (Number.parseInt(sha256.slice(0, 4), 16) % CHUNK_SPREAD === 0) close();
  }
  if (members.length > 0) close();
  return plans;
}

/** Compresses one chunk's fragments (on the thread pool). */
export async function compressChunk(fragments: readonly PackageFragments[]): Promise<ChunkSegments> {
  const part = (type: keyof PackageFragments) =>
    deflateSegmentAsync(Buffer.from(fragments.map((f) => f[type]).join(""), "utf8"));
  const [primary, filelists, other] = await Promise.all([part("primary"), part("filelists"), part("other")]);
  return { primary, filelists, other };
}

/**
 * The segments of every file for these packages (sha256s in repository order): cached chunks as they
 * are, missing ones rendered from the store's fragments, compressed and cached.
 */
export async function chunkedSegments(
  store: ChunkStore,
  sha256s: readonly string[],
): Promise<SegmentsByType> {
  const plans = planChunks(sha256s);
  const keys = plans.map((p) => p.key);
  const cached = store.chunks(keys);
  const missing = plans.filter((p) => !cached.has(p.key));
  const added = new Map<string, ChunkSegments>();
  if (missing.length > 0) {
    const fragments = store.fragments(missing.flatMap((p) => p.members));
    const compressed = await Promise.all(
      missing.map((p) =>
        compressChunk(
          p.members.map((sha256) => {
            const f = fragments.get(sha256);
            if (!f) throw new Error(`repodata: no fragments for package ${sha256}`);
            return f;
          }),
        ),
      ),
    );
    for (const [i, p] of missing.entries()) added.set(p.key, compressed[i] as ChunkSegments);
  }
  const ordered = plans.map((p) => (cached.get(p.key) ?? added.get(p.key)) as ChunkSegments);
  store.saveChunks(added, keys);
  return {
    primary: ordered.map((c) => c.primary),
    filelists: ordered.map((c) => c.filelists),
    other: ordered.map((c) => c.other),
  };
}

/** A chunk as the repository catalog stores it (store/repo-catalog-freeze.ts). */
export type ChunkRow = RepodataChunksTable;

/** What the repository catalog offers, in its own row shapes. */
export interface ChunkRowSource {
  chunks(keys: readonly string[]): ChunkRow[];
  fragments(
    sha256s: readonly string[],
  ): { sha256: string; primary_xml: string; filelists_xml: string; other_xml: string }[];
  saveChunks(added: readonly ChunkRow[], used: readonly string[]): void;
}

/** The catalog as the chunk cache and fragment source. */
export function chunkStoreFromRows(source: ChunkRowSource): ChunkStore {
  return {
    chunks(keys) {
      const found = new Map<string, ChunkSegments>();
      for (const c of source.chunks(keys)) {
        found.set(c.key, {
          primary: { open: c.primary_xml, deflated: c.primary_gz, crc: c.primary_crc },
          filelists: { open: c.filelists_xml, deflated: c.filelists_gz, crc: c.filelists_crc },
          other: { open: c.other_xml, deflated: c.other_gz, crc: c.other_crc },
        });
      }
      return found;
    },
    fragments(sha256s) {
      const found = new Map<string, PackageFragments>();
      for (const r of source.fragments(sha256s)) {
        found.set(r.sha256, { primary: r.primary_xml, filelists: r.filelists_xml, other: r.other_xml });
      }
      return found;
    },
    saveChunks(added, used) {
      const rows = [...added].map(([key, c]) => ({
        key,
        primary_crc: c.primary.crc,
        primary_xml: c.primary.open,
        primary_gz: c.primary.deflated,
        filelists_crc: c.filelists.crc,
        filelists_xml: c.filelists.open,
        filelists_gz: c.filelists.deflated,
        other_crc: c.other.crc,
        other_xml: c.other.open,
        other_gz: c.other.deflated,
      }));
      source.saveChunks(rows, used);
    },
  };
}
