/**
 * The content-addressed package pool: pool/<aa>/<sha256>.rpm. Uploads stream into tmp/ while being
 * hashed and counted, are parsed, checked against the catalog, rendered once into their metadata
 * fragments and only then renamed into the pool and recorded. A refused upload leaves nothing behind.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { isConstraintError, type PackageRow, type RepoCatalog } from "../store/repo-catalog.js";
import { canonicalNevra, checkIdentity, packageHref } from "./package-identity.js";
import { readPackageHead } from "./repodata/package-record.js";
import { renderFragments } from "./repodata/render.js";
import { RpmFormatError, type RpmPackage } from "./rpm/read-rpm.js";
import { type PackageSummary, RepoError } from "./types.js";

export { canonicalNevra } from "./package-identity.js";

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
export const LEFTOVER_AGE_MS = 60 * 60 * 1000;

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
    // Only the file's start: the lead and headers (the upload was hashed while it streamed in).
    const { rpm, mtimeMs } = await parse(upload.path);
    checkIdentity(rpm);
    const nevra = canonicalNevra(rpm);
    refuseConflict(ctx.catalog, nevra, upload.sha256);
    const fileTime = Math.floor(mtimeMs / 1000);
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

async function parse(path: string): Promise<{ rpm: RpmPackage; mtimeMs: number }> {
  try {
    return await readPackageHead(path);
  } catch (error) {
    if (error instanceof RpmFormatError) {
      // RpmFormatError's message starts "invalid RPM: "; say it once.
      const reason = error.message.replace(/^invalid RPM: /, "");
      throw new RepoError("INVALID_PACKAGE", `not a valid RPM: ${reason}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Pool files with no catalog row, over an hour old: what a crash between the rename into pool/ and
 * the catalog insert leaves. Each is moved to tmp/ first and looked at again there: if it turns out
 * fresh (an upload of the same content just replaced it) or the catalog has it now, it goes back.
 */
export async function removeOrphanPoolFiles(
  layout: RepoLayout,
  catalog: RepoCatalog,
  now = Date.now(),
): Promise<string[]> {
  const known = catalog.packageShas();
  const removed: string[] = [];
  for (const dir of await readdir(layout.pool).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    for (const file of await readdir(join(layout.pool, dir)).catch(() => [] as string[])) {
      const match = /^([0-9a-f]{64})\.rpm$/.exec(file);
      const sha256 = match?.[1];
      if (sha256 === undefined || known.has(sha256)) continue;
      const path = join(layout.pool, dir, file);
      const info = await stat(path).catch(() => undefined);
      if (!info || now - info.mtimeMs <= LEFTOVER_AGE_MS) continue;
      const parked = join(layout.tmp, `orphan-${randomSuffix()}`);
      try {
        await rename(path, parked);
      } catch {
        continue;
      }
      const moved = await stat(parked).catch(() => undefined);
      if (!moved || now - moved.mtimeMs <= LEFTOVER_AGE_MS || catalog.packageBySha(sha256)) {
        await rename(parked, path).catch(() => {});
        continue;
      }
      await rm(parked, { force: true });
      removed.push(sha256);
    }
  }
  return removed;
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
