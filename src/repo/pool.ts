/**
 * The content-addressed package pool: pool/<aa>/<sha256>.rpm. Uploads stream into tmp/ while being
 * hashed and counted, are parsed, checked against the catalog, rendered once into their metadata
 * fragments and only then renamed into the pool and recorded. A refused upload leaves nothing behind.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { isConstraintError, type PackageRow, type RepoCatalog } from "../store/repo-catalog.js";
import { renderFragments } from "./repodata/render.js";
import { RpmFormatError, type RpmPackage, readRpm } from "./rpm/read-rpm.js";
import { type PackageSummary, RepoError } from "./types.js";

export interface RepoLayout {
  root: string;
  db: string;
  pool: string;
  tags: string;
  tmp: string;
}

export function repoLayout(root: string): RepoLayout {
  return {
    root,
    db: join(root, "repo.db"),
    pool: join(root, "pool"),
    tags: join(root, "tags"),
    tmp: join(root, "tmp"),
  };
}

/**
 * Leftovers younger than this are kept: another process (`repo serve` while a CLI command opens the
 * same root) may still be writing them. An upload or freeze never takes an hour.
 */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

/**
 * Creates the folders and removes what an interrupted process left (tmp/*, tags/.tmp-*,
 * tags/.trash-*), once it is older than an hour.
 */
export async function prepareLayout(layout: RepoLayout, now = Date.now()): Promise<void> {
  await mkdir(layout.root, { recursive: true });
  for (const dir of [layout.pool, layout.tags, layout.tmp]) await mkdir(dir, { recursive: true });
  const stale = async (path: string) => {
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && now - info.mtimeMs > LEFTOVER_AGE_MS;
  };
  for (const entry of await readdir(layout.tmp)) {
    const path = join(layout.tmp, entry);
    if (await stale(path)) await rm(path, { recursive: true, force: true });
  }
  for (const entry of await readdir(layout.tags)) {
    const path = join(layout.tags, entry);
    if ((entry.startsWith(".tmp-") || entry.startsWith(".trash-")) && (await stale(path))) {
      await rm(path, { recursive: true, force: true });
    }
  }
}

export function randomSuffix(): string {
  return randomBytes(8).toString("hex");
}

export function poolPath(layout: RepoLayout, sha256: string): string {
  return join(layout.pool, sha256.slice(0, 2), `${sha256}.rpm`);
}

/** name-[epoch:]version-release.arch with epoch 0 (or none) left out: one spelling per package. */
export function canonicalNevra(p: {
  name: string;
  epoch?: number | undefined;
  version: string;
  release: string;
  arch: string;
}): string {
  const epoch = p.epoch ? `${p.epoch}:` : "";
  return `${p.name}-${epoch}${p.version}-${p.release}.${p.arch}`;
}

/** The package's file name as it appears at the end of its href. */
export function packageFileName(rpm: Pick<RpmPackage, "name" | "version" | "release" | "arch">): string {
  return `${rpm.name}-${rpm.version}-${rpm.release}.${rpm.arch}.rpm`;
}

/**
 * `Packages/<first letter>/<file name>`, or `Packages/<sha256 prefix>/<file name>` when another
 * package (differing only in epoch) already has that href.
 */
export function packageHref(rpm: RpmPackage, sha256: string, taken: (href: string) => boolean): string {
  const file = packageFileName(rpm);
  const plain = `Packages/${rpm.name.charAt(0).toLowerCase()}/${file}`;
  return taken(plain) ? `Packages/${sha256.slice(0, 12)}/${file}` : plain;
}

/** Path separators, whitespace and control characters (code points below 0x20, and 0x7f). */
function unsafe(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return /[/\\\s]/.test(value);
}

/** Refuses identities that would make a hostile href or file name. */
function checkIdentity(rpm: RpmPackage): void {
  for (const [label, value] of Object.entries({
    name: rpm.name,
    version: rpm.version,
    release: rpm.release,
    arch: rpm.arch,
  })) {
    if (value === "" || value === "." || value === ".." || unsafe(value)) {
      throw new RepoError(
        "INVALID_PACKAGE",
        `package ${label} ${JSON.stringify(value)} is not usable in a path`,
      );
    }
  }
}

export interface Upload {
  path: string;
  sha256: string;
  size: number;
}

/** Streams `body` into a fresh file under tmp/, hashing and counting; over `maxBytes` → TOO_LARGE. */
export async function receive(
  body: AsyncIterable<Uint8Array>,
  tmp: string,
  maxBytes: number,
): Promise<Upload> {
  const path = join(tmp, `upload-${randomSuffix()}`);
  const hash = createHash("sha256");
  const file = await open(path, "wx", 0o644);
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > maxBytes)
        throw new RepoError("TOO_LARGE", `upload is larger than the limit of ${maxBytes} bytes`);
      hash.update(chunk);
      await file.write(chunk);
    }
    await file.close();
  } catch (error) {
    await file.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
  return { path, sha256: hash.digest("hex"), size };
}

export interface AddContext {
  layout: RepoLayout;
  catalog: RepoCatalog;
  changelogLimit: number;
  now: () => number;
}

/** The pool half of addStream, after `receive`: returns the row and whether it was new. */
export async function admit(ctx: AddContext, upload: Upload): Promise<{ row: PackageRow; created: boolean }> {
  try {
    const existing = ctx.catalog.packageBySha(upload.sha256);
    if (existing) return { row: existing, created: false };
    const rpm = parse(await readFile(upload.path));
    checkIdentity(rpm);
    const nevra = canonicalNevra(rpm);
    refuseConflict(ctx.catalog, nevra, upload.sha256);
    const fileTime = Math.floor((await stat(upload.path)).mtimeMs / 1000);
    const dest = poolPath(ctx.layout, upload.sha256);
    await mkdir(join(dest, ".."), { recursive: true });
    await rename(upload.path, dest);
    // Two attempts: a concurrent upload may take the plain href between the check and the insert.
    for (let attempt = 0; ; attempt++) {
      const href = packageHref(
        rpm,
        upload.sha256,
        (h) => attempt > 0 || ctx.catalog.packageByHref(h) !== undefined,
      );
      const fragments = renderFragments(
        { sha256: upload.sha256, href, fileSize: upload.size, fileTime, rpm },
        { changelogLimit: ctx.changelogLimit },
      );
      const row: PackageRow = {
        sha256: upload.sha256,
        nevra,
        name: rpm.name,
        epoch: rpm.epoch ?? 0,
        version: rpm.version,
        release: rpm.release,
        arch: rpm.arch,
        file_size: upload.size,
        href,
        added_at: ctx.now(),
      };
      try {
        ctx.catalog.insertPackage({
          ...row,
          primary_xml: fragments.primary,
          filelists_xml: fragments.filelists,
          other_xml: fragments.other,
        });
        return { row, created: true };
      } catch (error) {
        if (!isConstraintError(error)) throw error;
        const raced = ctx.catalog.packageBySha(upload.sha256);
        if (raced) return { row: raced, created: false }; // same file, same pool path: keep it
        if (ctx.catalog.packageByNevra(nevra) || attempt > 0) {
          await unlink(dest).catch(() => {});
          refuseConflict(ctx.catalog, nevra, upload.sha256);
          throw error;
        }
      }
    }
  } finally {
    await rm(upload.path, { force: true });
  }
}

function refuseConflict(catalog: RepoCatalog, nevra: string, sha256: string): void {
  const other = catalog.packageByNevra(nevra);
  if (other && other.sha256 !== sha256) {
    throw new RepoError(
      "NEVRA_CONFLICT",
      `${nevra} is already in the pool with different content (sha256 ${other.sha256})`,
    );
  }
}

function parse(bytes: Uint8Array): RpmPackage {
  try {
    return readRpm(bytes);
  } catch (error) {
    if (error instanceof RpmFormatError) {
      throw new RepoError("INVALID_PACKAGE", `not a valid RPM: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

export function toPackageSummary(row: PackageRow): PackageSummary {
  return {
    nevra: row.nevra,
    name: row.name,
    epoch: row.epoch,
    version: row.version,
    release: row.release,
    arch: row.arch,
    sha256: row.sha256,
    size: row.file_size,
    href: row.href,
    addedAt: new Date(row.added_at).toISOString(),
  };
}
