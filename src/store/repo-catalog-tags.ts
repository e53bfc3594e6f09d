/**
 * The catalog's tag and channel statements, used by RepoCatalog. A tag row is reserved in state
 * "publishing" before its folder is written (the primary key keeps a second process from taking the
 * same name), marked "published" once the folder is in place, and "deleting" while it is removed;
 * every read here sees published tags only.
 */
import type BetterSqlite3 from "better-sqlite3";
import type {
  ChannelRow,
  PackageRow,
  PromotionRow,
  TagRow,
  TagState,
  TagStateRow,
} from "./repo-catalog-types.js";

type Prepare = (sql: string) => BetterSqlite3.Statement;

export const SUMMARY_COLUMNS = [
  "sha256",
  "nevra",
  "name",
  "epoch",
  "version",
  "release",
  "arch",
  "file_size",
  "href",
  "added_at",
] as const;

const TAG = "SELECT name, created_at, package_count, signed FROM tags";
const PUBLISHED = "state = 'published'";

export function insertTag(
  prepare: Prepare,
  tag: TagRow,
  sha256s: readonly string[],
  state: TagState,
  stateAt: number,
): void {
  prepare(
    "INSERT INTO tags (name, created_at, package_count, signed, packages, state, state_at)" +
      " VALUES (?, ?, ?, ?, ?, ?, ?)",
  ).run(
    tag.name,
    tag.created_at,
    tag.package_count,
    tag.signed,
    Buffer.from(sha256s.join(""), "hex"),
    state,
    stateAt,
  );
}

export function getTag(prepare: Prepare, name: string): TagRow | undefined {
  return prepare(`${TAG} WHERE name = ? AND ${PUBLISHED}`).get(name) as TagRow | undefined;
}

export function listTags(prepare: Prepare): TagRow[] {
  return prepare(`${TAG} WHERE ${PUBLISHED} ORDER BY created_at, name`).all() as TagRow[];
}

export function tagState(prepare: Prepare, name: string): TagStateRow | undefined {
  return prepare("SELECT name, state, state_at FROM tags WHERE name = ?").get(name) as
    | TagStateRow
    | undefined;
}

/** Rows left "publishing" or "deleting" since before `before` (wall-clock ms). */
export function unfinishedTags(prepare: Prepare, before: number): TagStateRow[] {
  return prepare(
    "SELECT name, state, state_at FROM tags WHERE state <> 'published' AND state_at < ? ORDER BY name",
  ).all(before) as TagStateRow[];
}

/** Moves a row from one state to another; false when it is not (or no longer) in `from`. */
export function setTagState(
  prepare: Prepare,
  name: string,
  from: TagState,
  fromAt: number | undefined,
  to: TagState,
  toAt: number,
): boolean {
  const sameClaim = fromAt === undefined ? "" : " AND state_at = ?";
  const args: unknown[] = [to, toAt, name, from];
  if (fromAt !== undefined) args.push(fromAt);
  return (
    prepare(`UPDATE tags SET state = ?, state_at = ? WHERE name = ? AND state = ?${sameClaim}`).run(...args)
      .changes === 1
  );
}

/** Deletes the row; with `state`/`stateAt`, only while it is still in that state (and claim). */
export function deleteTag(prepare: Prepare, name: string, state?: TagState, stateAt?: number): boolean {
  if (state === undefined) return prepare("DELETE FROM tags WHERE name = ?").run(name).changes === 1;
  if (stateAt === undefined) {
    return prepare("DELETE FROM tags WHERE name = ? AND state = ?").run(name, state).changes === 1;
  }
  return (
    prepare("DELETE FROM tags WHERE name = ? AND state = ? AND state_at = ?").run(name, state, stateAt)
      .changes === 1
  );
}

/** The sha256s of a published tag's packages (none for an unknown tag). */
export function tagShas(prepare: Prepare, tag: string): string[] {
  const packages = prepare(`SELECT packages FROM tags WHERE name = ? AND ${PUBLISHED}`).pluck().get(tag) as
    | Buffer
    | undefined;
  const hex = packages ? Buffer.from(packages).toString("hex") : "";
  const shas: string[] = [];
  for (let i = 0; i < hex.length; i += 64) shas.push(hex.slice(i, i + 64));
  return shas;
}

export function tagPackages(prepare: Prepare, tag: string): PackageRow[] {
  return prepare(
    `SELECT ${SUMMARY_COLUMNS.join(", ")} FROM packages WHERE sha256 IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(tagShas(prepare, tag))) as PackageRow[];
}

/** The pool sha256 of `href` inside published `tag`, or undefined. */
export function tagPackageByHref(prepare: Prepare, tag: string, href: string): string | undefined {
  const sha256 = prepare("SELECT sha256 FROM packages WHERE href = ?").pluck().get(href) as
    | string
    | undefined;
  if (sha256 === undefined) return undefined;
  const packages = prepare(`SELECT packages FROM tags WHERE name = ? AND ${PUBLISHED}`).pluck().get(tag) as
    | Buffer
    | undefined;
  if (!packages) return undefined;
  const set = Buffer.from(packages);
  const wanted = Buffer.from(sha256, "hex");
  // Only a match at a multiple of 32 bytes is a member.
  for (let at = set.indexOf(wanted); at >= 0; at = set.indexOf(wanted, at + 1)) {
    if (at % 32 === 0) return sha256;
  }
  return undefined;
}

export function getChannel(prepare: Prepare, name: string): ChannelRow | undefined {
  return prepare("SELECT name, tag, updated_at FROM channels WHERE name = ?").get(name) as
    | ChannelRow
    | undefined;
}

export function listChannels(prepare: Prepare): ChannelRow[] {
  return prepare("SELECT name, tag, updated_at FROM channels ORDER BY name").all() as ChannelRow[];
}

export function channelsForTag(prepare: Prepare, tag: string): string[] {
  return prepare("SELECT name FROM channels WHERE tag = ? ORDER BY name").pluck().all(tag) as string[];
}

/** Points `channel` at `tag` and records the promotion. Run inside a transaction. */
export function promote(prepare: Prepare, channel: string, tag: string, at: number): void {
  if (!getTag(prepare, tag)) throw new Error(`repo catalog: no published tag named ${tag}`);
  const previous = getChannel(prepare, channel);
  if (previous) prepare("UPDATE channels SET tag = ?, updated_at = ? WHERE name = ?").run(tag, at, channel);
  else prepare("INSERT INTO channels (name, tag, updated_at) VALUES (?, ?, ?)").run(channel, tag, at);
  prepare("INSERT INTO promotions (channel, from_tag, to_tag, at) VALUES (?, ?, ?, ?)").run(
    channel,
    previous?.tag ?? null,
    tag,
    at,
  );
}

/** A channel's promotions, newest first. */
export function promotions(prepare: Prepare, channel: string): PromotionRow[] {
  return prepare(
    "SELECT id, channel, from_tag, to_tag, at FROM promotions WHERE channel = ? ORDER BY id DESC",
  ).all(channel) as PromotionRow[];
}
