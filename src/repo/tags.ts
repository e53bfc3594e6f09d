/**
 * Tags: names, lookups, resolving requested packages, and diffs. Freezing, deletion and retention
 * (the parts that touch tags/ on disk) are in tag-lifecycle.ts.
 */
import type { PackageRow, RepoCatalog, TagRow } from "../store/repo-catalog.js";
import { canonicalNevra } from "./package-identity.js";
import type { RepoLayout } from "./pool.js";
import type { RepomdSigner } from "./repodata/types.js";
import { compareEvr } from "./rpm/rpmvercmp.js";
import { NAME_PATTERN, type PackageRef, RepoError, type TagDiff, type TagSummary } from "./types.js";

export interface TagContext {
  layout: RepoLayout;
  catalog: RepoCatalog;
  signer: RepomdSigner | undefined;
  /** The repository's clock: created_at and default tag names. */
  now: () => number;
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

/** The published tag's row, or NOT_FOUND. */
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
