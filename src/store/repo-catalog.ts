/**
 * The repository catalog: a SQLite file (repo.db) beside the package pool. Queries are built with
 * Kysely or written out (repo-catalog-freeze.ts, repo-catalog-tags.ts) and run synchronously on
 * better-sqlite3 (cached prepared statements), so the repository's read methods can return plain
 * values; only opening (migrations) is async.
 */
import BetterSqlite3 from "better-sqlite3";
import { type Compilable, Kysely, SqliteDialect } from "kysely";
import {
  type IdentityRow,
  type RepodataChunksTable,
  saveChunks,
  selectChunks,
  selectIdentities,
} from "./repo-catalog-freeze.js";
import { runRepoCatalogMigrations } from "./repo-catalog-migrations.js";
import * as tags from "./repo-catalog-tags.js";
import { SUMMARY_COLUMNS } from "./repo-catalog-tags.js";
import type {
  ChannelRow,
  FragmentRow,
  PackageRow,
  PromotionRow,
  RepoDatabase,
  RepoPackagesTable,
  TagRow,
  TagState,
  TagStateRow,
} from "./repo-catalog-types.js";

export type { IdentityRow, RepodataChunksTable } from "./repo-catalog-freeze.js";
export type {
  ChannelRow,
  FragmentRow,
  PackageRow,
  PromotionRow,
  RepoDatabase,
  RepoPackagesTable,
  RepoTagsTable,
  TagRow,
  TagState,
  TagStateRow,
} from "./repo-catalog-types.js";

/** SQLite's default limit on bound parameters is 32766; stay well below it. */
const CHUNK = 500;

export class RepoCatalog {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly prep = (sql: string) => this.prepare(sql);

  private constructor(
    private readonly handle: BetterSqlite3.Database,
    private readonly db: Kysely<RepoDatabase>,
    readonly location: string,
  ) {}

  /** Opens (creating when needed) the catalog at `path` in WAL mode and migrates it. */
  static async open(path: string): Promise<RepoCatalog> {
    const handle = new BetterSqlite3(path);
    try {
      handle.pragma("busy_timeout = 5000");
      handle.pragma("journal_mode = WAL");
      handle.pragma("synchronous = NORMAL");
      handle.pragma("foreign_keys = ON");
      // Read pages through a memory map: a freeze reads tens of MB of cached chunks.
      handle.pragma("mmap_size = 1073741824");
      const db = new Kysely<RepoDatabase>({ dialect: new SqliteDialect({ database: handle }) });
      // BEGIN IMMEDIATE: two processes opening a fresh file never both create the tables.
      handle.exec("BEGIN IMMEDIATE");
      try {
        await runRepoCatalogMigrations(db);
        handle.exec("COMMIT");
      } catch (error) {
        if (handle.inTransaction) handle.exec("ROLLBACK");
        throw error;
      }
      return new RepoCatalog(handle, db, path);
    } catch (error) {
      handle.close();
      throw error;
    }
  }

  close(): void {
    if (this.handle.open) this.handle.close();
  }

  /**
   * Runs `fn` in one transaction (nested calls join the outer one). BEGIN IMMEDIATE: the write lock
   * is taken first, so what `fn` reads is still true when it writes, also across processes.
   */
  transaction<T>(fn: () => T): T {
    return this.handle.transaction(fn).immediate();
  }

  // --- packages -------------------------------------------------------------------------------

  packageBySha(sha256: string): PackageRow | undefined {
    return this.first(this.db.selectFrom("packages").select(SUMMARY_COLUMNS).where("sha256", "=", sha256));
  }

  packageByNevra(nevra: string): PackageRow | undefined {
    return this.first(this.db.selectFrom("packages").select(SUMMARY_COLUMNS).where("nevra", "=", nevra));
  }

  packageByHref(href: string): PackageRow | undefined {
    return this.first(this.db.selectFrom("packages").select(SUMMARY_COLUMNS).where("href", "=", href));
  }

  insertPackage(row: RepoPackagesTable): void {
    this.run(this.db.insertInto("packages").values(row));
  }

  listPackages(): PackageRow[] {
    return this.all(this.db.selectFrom("packages").select(SUMMARY_COLUMNS).orderBy("name").orderBy("arch"));
  }

  /** Every sha256 in the pool. */
  packageShas(): Set<string> {
    return new Set(this.prepare("SELECT sha256 FROM packages").pluck().all() as string[]);
  }

  /** Fragments of every package in the pool, or of the given ones. One query per 500 packages. */
  fragments(sha256s?: readonly string[]): FragmentRow[] {
    const base = this.db
      .selectFrom("packages")
      .select([
        "sha256",
        "name",
        "epoch",
        "version",
        "release",
        "arch",
        "primary_xml",
        "filelists_xml",
        "other_xml",
      ]);
    if (sha256s === undefined) return this.all(base);
    const rows: FragmentRow[] = [];
    for (let i = 0; i < sha256s.length; i += CHUNK) {
      rows.push(...this.all(base.where("sha256", "in", sha256s.slice(i, i + CHUNK))));
    }
    return rows;
  }

  /** Identities of every package in the pool, or of the given ones (repo-catalog-freeze.ts). */
  identities(sha256s?: readonly string[]): IdentityRow[] {
    return selectIdentities(this.prep, sha256s);
  }

  // --- metadata chunk cache (repo-catalog-freeze.ts) -----------------------------------------

  /** The cached chunks among `keys`. */
  chunks(keys: readonly string[]): RepodataChunksTable[] {
    return selectChunks(this.prep, keys);
  }

  /** Caches new chunks and records that `used` made up the latest freeze; evicts old ones. */
  saveChunks(added: readonly RepodataChunksTable[], used: readonly string[]): void {
    this.transaction(() => saveChunks(this.prep, added, used));
  }

  // --- tags (repo-catalog-tags.ts): reads see published tags only ----------------------------

  /** The tag row with its package set, published (or in `state`, with `stateAt`). */
  insertTag(tag: TagRow, sha256s: readonly string[], state: TagState = "published", stateAt = 0): void {
    tags.insertTag(this.prep, tag, sha256s, state, stateAt);
  }

  getTag(name: string): TagRow | undefined {
    return tags.getTag(this.prep, name);
  }

  /** Published tags, oldest first (created_at, then name). */
  listTags(): TagRow[] {
    return tags.listTags(this.prep);
  }

  /** The row's state, whatever it is. */
  tagState(name: string): TagStateRow | undefined {
    return tags.tagState(this.prep, name);
  }

  /** Rows left "publishing" or "deleting" since before `before` (wall-clock ms). */
  unfinishedTags(before: number): TagStateRow[] {
    return tags.unfinishedTags(this.prep, before);
  }

  /** Moves a row from `from` (with claim `fromAt`, when given) to `to`; false when it was not there. */
  setTagState(name: string, from: TagState, fromAt: number | undefined, to: TagState, toAt: number): boolean {
    return tags.setTagState(this.prep, name, from, fromAt, to, toAt);
  }

  tagPackages(tag: string): PackageRow[] {
    return tags.tagPackages(this.prep, tag);
  }

  /** The pool sha256 of `href` inside `tag`, or undefined. */
  tagPackageByHref(tag: string, href: string): string | undefined {
    return tags.tagPackageByHref(this.prep, tag, href);
  }

  /** Deletes the row; with `state` (and `stateAt`), only while it is still in that state. */
  deleteTag(name: string, state?: TagState, stateAt?: number): boolean {
    return tags.deleteTag(this.prep, name, state, stateAt);
  }

  // --- channels -------------------------------------------------------------------------------

  getChannel(name: string): ChannelRow | undefined {
    return tags.getChannel(this.prep, name);
  }

  listChannels(): ChannelRow[] {
    return tags.listChannels(this.prep);
  }

  channelsForTag(tag: string): string[] {
    return tags.channelsForTag(this.prep, tag);
  }

  /** Points `channel` at published `tag` and records the promotion, in one transaction. */
  promote(channel: string, tag: string, at: number): void {
    this.transaction(() => tags.promote(this.prep, channel, tag, at));
  }

  /** A channel's promotions, newest first. */
  promotions(channel: string): PromotionRow[] {
    return tags.promotions(this.prep, channel);
  }

  // --- execution ------------------------------------------------------------------------------

  private prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.handle.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private all<O>(query: Compilable<O>): O[] {
    const { sql, parameters } = query.compile();
    return this.prepare(sql).all(...parameters) as O[];
  }

  private first<O>(query: Compilable<O>): O | undefined {
    const { sql, parameters } = query.compile();
    return this.prepare(sql).get(...parameters) as O | undefined;
  }

  private run(query: Compilable<unknown>): void {
    const { sql, parameters } = query.compile();
    this.prepare(sql).run(...parameters);
  }
}

/** True for SQLite constraint violations (UNIQUE, PRIMARY KEY, FOREIGN KEY). */
export function isConstraintError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "string" &&
    error.code.startsWith("SQLITE_CONSTRAINT")
  );
}
