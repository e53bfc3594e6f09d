/**
 * Tags: freezing (publish once, atomically), diff, deletion and retention. A tag's metadata is written
 * into tags/.tmp-<random>/ from the catalog's cached fragments, renamed to tags/<name>/, and only then
 * recorded; deletion removes the rows first and renames the folder away before removing it.
 */
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isConstraintError, type PackageRow, type RepoCatalog, type TagRow } from "../store/repo-catalog.js";
import { uuidv7 } from "../util/uuid-v7.js";
import { canonicalNevra, type RepoLayout, randomSuffix } from "./pool.js";
import { chunkedSegments, chunkStoreFromRows } from "./repodata/chunks.js";
import type { RepomdSigner } from "./repodata/types.js";
import { writeRepodataSegments } from "./repodata/write-repodata.js";
import { compareEvr } from "./rpm/rpmvercmp.js";
import {
  type FreezeRequest,
  NAME_PATTERN,
  type PackageRef,
  type PruneResult,
  RepoError,
  type TagDiff,
  type TagSummary,
} from "./types.js";

export interface TagContext {
  layout: RepoLayout;
  catalog: RepoCatalog;
  signer: RepomdSigner | undefined;
  now: () => number;
  /** Names being frozen right now in this process. */
  inFlight: Set<string>;
}

/** Tag and channel names: NAME_PATTERN, never "." or "..". */
export function validateName(name: unknown, what: string): string {
  if (typeof name !== "string" || !NAME_PATTERN.test(name) || name === "." || name === "..") {
    throw new RepoError(
      "INVALID_NAME",
      `${what} name ${JSON.stringify(name)} must match [A-Za-z0-9._-]{1,128} and not be "." or ".."`,
    );
  }
  return name;
}

export function toTagSummary(row: TagRow): TagSummary {
  return {
    name: row.name,
    packages: row.package_count,
    url: `/tags/${row.name}/`,
    createdAt: new Date(row.created_at).toISOString(),
    signed: row.signed === 1,
  };
}

/** The tag row, or NOT_FOUND. */
export function requireTag(catalog: RepoCatalog, name: string): TagRow {
  validateName(name, "tag");
  const row = catalog.getTag(name);
  if (!row) throw new RepoError("NOT_FOUND", `no tag named ${name}`);
  return row;
}

type Identity = Pick<PackageRow, "name" | "arch" | "epoch" | "version" | "release" | "sha256">;

/** Repository order: name, arch, then EVR (rpm ordering), then sha256. */
export function compareIdentity(a: Identity, b: Identity): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.arch !== b.arch) return a.arch < b.arch ? -1 : 1;
  const evr = compareEvr(a, b);
  if (evr !== 0) return evr;
  return a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0;
}

/** Resolves packages named by sha256, NEVRA (with or without "0:") or file name to sha256s. */
export function resolvePackages(catalog: RepoCatalog, wanted: readonly unknown[]): string[] {
  const bySha = new Map<string, string>();
  const byNevra = new Map<string, string>();
  const byFile = new Map<string, string[]>();
  for (const p of catalog.listPackages()) {
    bySha.set(p.sha256, p.sha256);
    byNevra.set(p.nevra, p.sha256);
    const file = p.href.slice(p.href.lastIndexOf("/") + 1);
    byFile.set(file, [...(byFile.get(file) ?? []), p.sha256]);
  }
  const found = new Set<string>();
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  for (const item of wanted) {
    if (typeof item !== "string") throw new RepoError("INVALID_REQUEST", "packages must be strings");
    const files = byFile.get(item) ?? [];
    const sha =
      bySha.get(item.toLowerCase()) ??
      byNevra.get(item) ??
      byNevra.get(item.replace(/-0:(?=[^-]*-[^-]*$)/, "-")) ??
      (files.length === 1 ? files[0] : undefined);
    if (sha) found.add(sha);
    else if (files.length > 1) ambiguous.push(item);
    else unknown.push(item);
  }
  if (unknown.length > 0 || ambiguous.length > 0) {
    const parts = [
      unknown.length > 0 ? `unknown packages: ${unknown.join(", ")}` : "",
      ambiguous.length > 0 ? `ambiguous file names (give the NEVRA or sha256): ${ambiguous.join(", ")}` : "",
    ];
    throw new RepoError("INVALID_REQUEST", parts.filter((p) => p !== "").join("; "));
  }
  return [...found];
}

/** Freezes the pool (or the packages requested) into a new, immutable tag. */
export async function freezeTag(ctx: TagContext, request: FreezeRequest = {}): Promise<TagRow> {
  const createdAt = ctx.now();
  const name = validateName(request.name ?? uuidv7(createdAt), "tag");
  if (ctx.catalog.getTag(name) || ctx.inFlight.has(name)) {
    throw new RepoError("TAG_EXISTS", `tag ${name} exists; tags are immutable, choose another name`);
  }
  if (request.packages !== undefined && !Array.isArray(request.packages)) {
    throw new RepoError("INVALID_REQUEST", "packages must be a list");
  }
  const shas = request.packages === undefined ? undefined : resolvePackages(ctx.catalog, request.packages);
  const rows = ctx.catalog.identities(shas).sort(compareIdentity);
  const staging = join(ctx.layout.tags, `.tmp-${randomSuffix()}`);
  const final = join(ctx.layout.tags, name);
  ctx.inFlight.add(name);
  try {
    await mkdir(staging);
    const segments = await chunkedSegments(
      chunkStoreFromRows(ctx.catalog),
      rows.map((r) => r.sha256),
    );
    await writeRepodataSegments(staging, segments, rows.length, {
      revision: Math.floor(createdAt / 1000),
      ...(ctx.signer ? { signer: ctx.signer } : {}),
    });
    await discardOrphan(ctx.layout, final);
    try {
      await rename(staging, final);
    } catch (error) {
      throw new RepoError("TAG_EXISTS", `tag ${name} exists`, { cause: error });
    }
    const row: TagRow = {
      name,
      created_at: createdAt,
      package_count: rows.length,
      signed: ctx.signer ? 1 : 0,
    };
    try {
      ctx.catalog.insertTag(
        row,
        rows.map((r) => r.sha256),
      );
    } catch (error) {
      await removeDir(ctx.layout, final);
      if (isConstraintError(error)) throw new RepoError("TAG_EXISTS", `tag ${name} exists`, { cause: error });
      throw error;
    }
    return row;
  } finally {
    ctx.inFlight.delete(name);
    await rm(staging, { recursive: true, force: true });
  }
}

/** A tags/<name> folder with no catalog row is what an interrupted delete leaves: move it away. */
async function discardOrphan(layout: RepoLayout, dir: string): Promise<void> {
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  if (exists) await removeDir(layout, dir);
}

/** Renames the folder to tags/.trash-<random> (never half-deleted in place), then removes it. */
export async function removeDir(layout: RepoLayout, dir: string): Promise<void> {
  const trash = join(layout.tags, `.trash-${randomSuffix()}`);
  try {
    await rename(dir, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  await rm(trash, { recursive: true, force: true });
}

/** Deletes a tag no channel points at: rows first, then its folder. */
export async function deleteTag(ctx: TagContext, name: string): Promise<void> {
  requireTag(ctx.catalog, name);
  ctx.catalog.transaction(() => {
    const channels = ctx.catalog.channelsForTag(name);
    if (channels.length > 0) {
      throw new RepoError("TAG_IN_USE", `tag ${name} is in use by channel(s) ${channels.join(", ")}`);
    }
    ctx.catalog.deleteTag(name);
  });
  await removeDir(ctx.layout, join(ctx.layout.tags, name));
}

/** Keeps the newest `keep` tags and every tag a channel points at; deletes the rest. */
export async function pruneTags(ctx: TagContext, keep: number): Promise<PruneResult> {
  if (!Number.isSafeInteger(keep) || keep < 0) {
    throw new RepoError("INVALID_REQUEST", `keep must be a whole number ≥ 0, not ${keep}`);
  }
  const newestFirst = ctx.catalog.listTags().reverse();
  const pinned = new Set(ctx.catalog.listChannels().map((c) => c.tag));
  const removed: string[] = [];
  const kept: string[] = [];
  for (const [index, tag] of newestFirst.entries()) {
    if (index < keep || pinned.has(tag.name)) kept.push(tag.name);
    else removed.push(tag.name);
  }
  for (const name of removed) await deleteTag(ctx, name);
  return { removed, kept };
}

export function toPackageRef(p: PackageRow): PackageRef {
  return {
    nevra: p.nevra,
    name: p.name,
    arch: p.arch,
    evr: `${p.epoch ? `${p.epoch}:` : ""}${p.version}-${p.release}`,
    sha256: p.sha256,
  };
}

/** added/removed by NEVRA; a name.arch that lost and gained versions pairs them up as "changed". */
export function diffTags(catalog: RepoCatalog, from: string, to: string): TagDiff {
  requireTag(catalog, from);
  requireTag(catalog, to);
  const a = catalog.tagPackages(from);
  const b = catalog.tagPackages(to);
  const inA = new Set(a.map((p) => canonicalNevra(p)));
  const inB = new Set(b.map((p) => canonicalNevra(p)));
  const onlyA = groupByNameArch(a.filter((p) => !inB.has(canonicalNevra(p))));
  const onlyB = groupByNameArch(b.filter((p) => !inA.has(canonicalNevra(p))));
  const diff: TagDiff = { from, to, added: [], removed: [], changed: [] };
  for (const key of new Set([...onlyA.keys(), ...onlyB.keys()])) {
    const olds = onlyA.get(key) ?? [];
    const news = onlyB.get(key) ?? [];
    const pairs = Math.min(olds.length, news.length);
    for (let i = 0; i < pairs; i++) {
      const old = olds[olds.length - pairs + i] as PackageRow;
      const neu = news[news.length - pairs + i] as PackageRow;
      diff.changed.push({ name: old.name, arch: old.arch, from: toPackageRef(old), to: toPackageRef(neu) });
    }
    diff.removed.push(...olds.slice(0, olds.length - pairs).map(toPackageRef));
    diff.added.push(...news.slice(0, news.length - pairs).map(toPackageRef));
  }
  const byRef = (x: PackageRef, y: PackageRef) => (x.nevra < y.nevra ? -1 : x.nevra > y.nevra ? 1 : 0);
  diff.added.sort(byRef);
  diff.removed.sort(byRef);
  diff.changed.sort((x, y) => (x.name !== y.name ? (x.name < y.name ? -1 : 1) : x.arch < y.arch ? -1 : 1));
  return diff;
}

/** Packages grouped by name.arch, each group in EVR order (oldest first). */
function groupByNameArch(packages: PackageRow[]): Map<string, PackageRow[]> {
  const groups = new Map<string, PackageRow[]>();
  for (const p of [...packages].sort(compareIdentity)) {
    const key = `${p.name}.${p.arch}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return groups;
}
