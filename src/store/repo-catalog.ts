/**
 * The repository catalog: a SQLite file (repo.db) beside the package pool. Queries are built with
 * Kysely and run synchronously on better-sqlite3 (compile, then a cached prepared statement), so the
 * repository's read methods can return plain values; only opening (migrations) is async.
 */
import BetterSqlite3 from "better-sqlite3";
import { type Compilable, type Generated, Kysely, SqliteDialect } from "kysely";
import {
  type IdentityRow,
  type RepodataChunksTable,
  saveChunks,
  selectChunks,
  selectIdentities,
} from "./repo-catalog-freeze.js";
import { runRepoCatalogMigrations } from "./repo-catalog-migrations.js";

export type { IdentityRow, RepodataChunksTable } from "./repo-catalog-freeze.js";

export interface RepoPackagesTable {
  sha256: string;
  nevra: string;
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  file_size: number;
  href: string;
  added_at: number;
  primary_xml: string;
  filelists_xml: string;
  other_xml: string;
}

export interface RepoTagsTable {
  name: string;
  created_at: number;
  package_count: number;
  signed: number;
  /**
   * The tag's packages: their sha256s as 32-byte binary values, concatenated in repository order.
   * A tag's package set is written once and read whole, so one value replaces a row per package.
   */
  packages: Buffer;
}

export interface RepoDatabase {
  packages: RepoPackagesTable;
  tags: RepoTagsTable;
  repodata_chunks: RepodataChunksTable;
  repodata_chunk_use: { key: string; generation: number };
  channels: { name: string; tag: string; updated_at: number };
  promotions: { id: Generated<number>; channel: string; from_tag: string | null; to_tag: string; at: number };
}

/** A package row without its XML fragments. */
export type PackageRow = Omit<RepoPackagesTable, "primary_xml" | "filelists_xml" | "other_xml">;
/** Identity plus fragments: what freezing a tag reads. */
export type FragmentRow = Pick<
  RepoPackagesTable,
  "sha256" | "name" | "epoch" | "version" | "release" | "arch" | "primary_xml" | "filelists_xml" | "other_xml"
>;
export type TagRow = Omit<RepoTagsTable, "packages">;
export type ChannelRow = RepoDatabase["channels"];
export type PromotionRow = Omit<RepoDatabase["promotions"], "id"> & { id: number };

const SUMMARY_COLUMNS = [
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

const TAG_COLUMNS = ["name", "created_at", "package_count", "signed"] as const;

/** SQLite's default limit on bound parameters is 32766; stay well below it. */
const CHUNK = 500;

export class RepoCatalog {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

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

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.handle.transaction(fn)();
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
    return selectIdentities((sql) => this.prepare(sql), sha256s);
  }

  // --- metadata chunk cache (repo-catalog-freeze.ts) -----------------------------------------

  /** The cached chunks among `keys`. */
  chunks(keys: readonly string[]): RepodataChunksTable[] {
    return selectChunks((sql) => this.prepare(sql), keys);
  }

  /** Caches new chunks and records that `used` made up the latest freeze; evicts old ones. */
  saveChunks(added: readonly RepodataChunksTable[], used: readonly string[]): void {
    this.transaction(() => saveChunks((sql) => this.prepare(sql), added, used));
  }

  // --- tags -----------------------------------------------------------------------------------

  /** The tag row with its package set. */
  insertTag(tag: TagRow, sha256s: readonly string[]): void {
    this.run(this.db.insertInto("tags").values({ ...tag, packages: Buffer.from(sha256s.join(""), "hex") }));
  }

  getTag(name: string): TagRow | undefined {
    return this.first(this.db.selectFrom("tags").select(TAG_COLUMNS).where("name", "=", name));
  }

  /** Tags, oldest first (created_at, then name). */
  listTags(): TagRow[] {
    return this.all(this.db.selectFrom("tags").select(TAG_COLUMNS).orderBy("created_at").orderBy("name"));
  }

  /** The sha256s of a tag's packages (none for an unknown tag). */
  private tagShas(tag: string): string[] {
    const row = this.first(this.db.selectFrom("tags").select("packages").where("name", "=", tag));
    const hex = row ? Buffer.from(row.packages).toString("hex") : "";
    const shas: string[] = [];
    for (let i = 0; i < hex.length; i += 64) shas.push(hex.slice(i, i + 64));
    return shas;
  }

  tagPackages(tag: string): PackageRow[] {
    return this.prepare(
      `SELECT ${SUMMARY_COLUMNS.join(", ")} FROM packages WHERE sha256 IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(this.tagShas(tag))) as PackageRow[];
  }

  /** The pool sha256 of `href` inside `tag`, or undefined. */
  tagPackageByHref(tag: string, href: string): string | undefined {
    const sha256 = this.first(
      this.db.selectFrom("packages").select("sha256").where("href", "=", href),
    )?.sha256;
    if (sha256 === undefined) return undefined;
    const row = this.first(this.db.selectFrom("tags").select("packages").where("name", "=", tag));
    if (!row) return undefined;
    const set = Buffer.from(row.packages);
    const wanted = Buffer.from(sha256, "hex");
    // Only a match at a multiple of 32 bytes is a member.
    for (let at = set.indexOf(wanted); at >= 0; at = set.indexOf(wanted, at + 1)) {
      if (at % 32 === 0) return sha256;
    }
    return undefined;
  }

  deleteTag(name: string): void {
    this.run(this.db.deleteFrom("tags").where("name", "=", name));
  }

  // --- channels -------------------------------------------------------------------------------

  getChannel(name: string): ChannelRow | undefined {
    return this.first(this.db.selectFrom("channels").selectAll().where("name", "=", name));
  }

  listChannels(): ChannelRow[] {
    return this.all(this.db.selectFrom("channels").selectAll().orderBy("name"));
  }

  channelsForTag(tag: string): string[] {
    return this.all(this.db.selectFrom("channels").select("name").where("tag", "=", tag).orderBy("name")).map(
      (r) => r.name,
    );
  }

  /** Points `channel` at `tag` and records the promotion, in one transaction. */
  promote(channel: string, tag: string, at: number): void {
    this.transaction(() => {
      const previous = this.getChannel(channel);
      if (previous) {
        this.run(this.db.updateTable("channels").set({ tag, updated_at: at }).where("name", "=", channel));
      } else {
        this.run(this.db.insertInto("channels").values({ name: channel, tag, updated_at: at }));
      }
      this.run(
        this.db
          .insertInto("promotions")
          .values({ channel, from_tag: previous?.tag ?? null, to_tag: tag, at }),
      );
    });
  }

  /** A channel's promotions, newest first. */
  promotions(channel: string): PromotionRow[] {
    return this.all(
      this.db.selectFrom("promotions").selectAll().where("channel", "=", channel).orderBy("id", "desc"),
    );
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
