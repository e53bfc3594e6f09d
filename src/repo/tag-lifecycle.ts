/**
 * A tag's life on disk and in the catalog, safe against other processes on the same root:
 *  - freeze: reserve the name with a "publishing" row (the primary key refuses a second reservation,
 *    so only one process writes tags/<name>), write tags/.tmp-*, rename it to tags/<name>, then mark
 *    the row "published" in one UPDATE. On failure the row goes, and the folder if this call made it.
 *  - delete: mark the row "deleting" (no longer listed, served or promotable), move the folder to
 *    tags/.trash-*, delete the row, remove the trash.
 *  - open: rows a dead process left unfinished over an hour ago are cleaned up.
 */
import { renameSync } from "node:fs";
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { isConstraintError, type RepoCatalog, type TagRow } from "../store/repo-catalog.js";
import { uuidv7 } from "../util/uuid-v7.js";
import { LEFTOVER_AGE_MS, type RepoLayout, randomSuffix } from "./pool.js";
import { chunkedSegments, chunkStoreFromRows } from "./repodata/chunks.js";
import { writeRepodataSegments } from "./repodata/write-repodata.js";
import { compareIdentity, requireTag, resolvePackages, type TagContext, validateName } from "./tags.js";
import { type FreezeRequest, type PruneResult, RepoError } from "./types.js";

/** Freezes the pool (or the packages requested) into a new, immutable tag. */
export async function freezeTag(ctx: TagContext, request: FreezeRequest = {}): Promise<TagRow> {
  const createdAt = ctx.now();
  const name = validateName(request.name ?? uuidv7(createdAt), "tag");
  if (request.packages !== undefined && !Array.isArray(request.packages)) {
    throw new RepoError("INVALID_REQUEST", "packages must be a list");
  }
  if (request.packages?.length === 0) {
    throw new RepoError("INVALID_REQUEST", "packages is empty; leave it out to freeze the whole pool");
  }
  refuseTaken(ctx.catalog, name);
  const shas = request.packages === undefined ? undefined : resolvePackages(ctx.catalog, request.packages);
  const rows = ctx.catalog.identities(shas).sort(compareIdentity);
  const row: TagRow = {
    name,
    created_at: createdAt,
    package_count: rows.length,
    signed: ctx.signer ? 1 : 0,
  };
  const claim = Date.now();
  try {
    ctx.catalog.insertTag(
      row,
      rows.map((r) => r.sha256),
      "publishing",
      claim,
    );
  } catch (error) {
    if (!isConstraintError(error)) throw error;
    refuseTaken(ctx.catalog, name);
    throw new RepoError("TAG_EXISTS", `tag ${name} exists`, { cause: error });
  }
  const final = join(ctx.layout.tags, name);
  const staging = join(ctx.layout.tags, `.tmp-${randomSuffix()}`);
  let created = false;
  try {
    await moveAsideLeftover(ctx.layout, name, Date.now());
    await mkdir(staging);
    const segments = await chunkedSegments(
      chunkStoreFromRows(ctx.catalog),
      rows.map((r) => r.sha256),
    );
    await writeRepodataSegments(staging, segments, rows.length, {
      revision: Math.floor(createdAt / 1000),
      ...(ctx.signer ? { signer: ctx.signer } : {}),
    });
    try {
      await rename(staging, final);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
      throw new RepoError("TAG_EXISTS", `tag ${name}: ${final} appeared on disk while freezing`, {
        cause: error,
      });
    }
    created = true;
    if (!ctx.catalog.setTagState(name, "publishing", claim, "published", Date.now())) {
      throw new Error(`tag ${name}: its reservation vanished while publishing (a freeze over an hour long?)`);
    }
    return row;
  } catch (error) {
    if (created) await removeDir(ctx.layout, final).catch(() => {});
    ctx.catalog.deleteTag(name, "publishing", claim);
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** TAG_EXISTS when a row of that name exists, whatever its state, with a message that fits it. */
function refuseTaken(catalog: RepoCatalog, name: string): void {
  const existing = catalog.tagState(name);
  if (!existing) return;
  const why = {
    published: "exists; tags are immutable, choose another name",
    publishing: "is being frozen by another request; tags are immutable, choose another name",
    deleting: "is being deleted; try again once it is gone, or choose another name",
  }[existing.state];
  throw new RepoError("TAG_EXISTS", `tag ${name} ${why}`);
}

/**
 * A tags/<name> folder with no catalog row (this call holds the reservation) is what an interrupted
 * process left. Once over an hour old it is moved aside; a younger one may be another process's
 * work in progress (an older version of this code), so the name is refused for now.
 */
async function moveAsideLeftover(layout: RepoLayout, name: string, now: number): Promise<void> {
  const dir = join(layout.tags, name);
  const info = await lstat(dir).catch(() => undefined);
  if (!info) return;
  if (now - info.mtimeMs > LEFTOVER_AGE_MS) return removeDir(layout, dir);
  throw new RepoError(
    "TAG_EXISTS",
    `tag ${name}: ${dir} exists on disk without a catalog entry (left by an interrupted freeze or delete` +
      " less than an hour ago); it is moved aside automatically once an hour old. Choose another name," +
      " or remove that folder by hand if no other process is using it",
  );
}

/** Renames the folder to tags/.trash-<random>; the trash path, or undefined when it was not there. */
async function moveToTrash(layout: RepoLayout, dir: string): Promise<string | undefined> {
  const trash = join(layout.tags, `.trash-${randomSuffix()}`);
  try {
    await rename(dir, trash);
    return trash;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Renames the folder to tags/.trash-<random> (never half-deleted in place), then removes it. */
export async function removeDir(layout: RepoLayout, dir: string): Promise<void> {
  const trash = await moveToTrash(layout, dir);
  if (trash) await rm(trash, { recursive: true, force: true });
}

/** Deletes a tag no channel points at: marked "deleting", folder to the trash, row, trash. */
export async function deleteTag(ctx: TagContext, name: string): Promise<void> {
  requireTag(ctx.catalog, name);
  const at = Date.now();
  ctx.catalog.transaction(() => {
    const channels = ctx.catalog.channelsForTag(name);
    if (channels.length > 0) {
      throw new RepoError("TAG_IN_USE", `tag ${name} is in use by channel(s) ${channels.join(", ")}`);
    }
    if (!ctx.catalog.setTagState(name, "published", undefined, "deleting", at)) {
      throw new RepoError("NOT_FOUND", `no tag named ${name}`);
    }
  });
  let trash: string | undefined;
  try {
    trash = await moveToTrash(ctx.layout, join(ctx.layout.tags, name));
  } catch (error) {
    ctx.catalog.setTagState(name, "deleting", at, "published", Date.now());
    throw error;
  }
  ctx.catalog.deleteTag(name, "deleting", at);
  if (trash) await rm(trash, { recursive: true, force: true });
}

/**
 * Keeps the newest `keep` tags and every tag a channel points at; deletes the rest one by one. A tag
 * that cannot be deleted (a channel took it, it vanished, the disk refused) is skipped with the reason.
 */
export async function pruneTags(ctx: TagContext, keep: number): Promise<PruneResult> {
  if (!Number.isSafeInteger(keep) || keep < 0) {
    throw new RepoError("INVALID_REQUEST", `keep must be a whole number ≥ 0, not ${keep}`);
  }
  const newestFirst = ctx.catalog.listTags().reverse();
  const pinned = new Set(ctx.catalog.listChannels().map((c) => c.tag));
  const result: PruneResult = { removed: [], kept: [], skipped: [] };
  const doomed: string[] = [];
  for (const [index, tag] of newestFirst.entries()) {
    if (index < keep || pinned.has(tag.name)) result.kept.push(tag.name);
    else doomed.push(tag.name);
  }
  for (const name of doomed) {
    try {
      await deleteTag(ctx, name);
      result.removed.push(name);
    } catch (error) {
      result.skipped.push({ tag: name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

/**
 * Rows a dead process left "publishing" or "deleting" over an hour ago: the folder goes to the trash
 * and the row is deleted, under the catalog's write lock, so no freeze can reserve the name between.
 */
export async function cleanUnfinishedTags(
  layout: RepoLayout,
  catalog: RepoCatalog,
  now = Date.now(),
): Promise<void> {
  for (const row of catalog.unfinishedTags(now - LEFTOVER_AGE_MS)) {
    const trash = join(layout.tags, `.trash-${randomSuffix()}`);
    const moved = catalog.transaction(() => {
      if (catalog.tagState(row.name)?.state_at !== row.state_at) return false;
      let renamed = true;
      try {
        renameSync(join(layout.tags, row.name), trash);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        renamed = false;
      }
      catalog.deleteTag(row.name, row.state, row.state_at);
      return renamed;
    });
    if (moved) await rm(trash, { recursive: true, force: true });
  }
}
