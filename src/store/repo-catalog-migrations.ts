import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";

// The repository catalog (repo.db) is its own database file with its own migrations; the same
// conventions as the engine store: epoch-ms bigint timestamps, 0/1 integers for booleans, schema
// builder only.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

const initial: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("packages")
      .ifNotExists()
      .addColumn("sha256", "text", (c) => c.primaryKey())
      .addColumn("nevra", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("epoch", "integer", (c) => c.notNull())
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("release", "text", (c) => c.notNull())
      .addColumn("arch", "text", (c) => c.notNull())
      .addColumn("file_size", "bigint", (c) => c.notNull())
      // Unique so that a tag's href resolves to exactly one pool file.
      .addColumn("href", "text", (c) => c.notNull().unique())
      .addColumn("added_at", "bigint", (c) => c.notNull())
      // The rendered <package> fragments: the header cache, so freezing never re-reads a package.
      .addColumn("primary_xml", "text", (c) => c.notNull())
      .addColumn("filelists_xml", "text", (c) => c.notNull())
      .addColumn("other_xml", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("tags")
      .ifNotExists()
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("package_count", "integer", (c) => c.notNull())
      .addColumn("signed", "integer", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("tags_created_at").ifNotExists().on("tags").columns(["created_at"]).execute();

    await db.schema
      .createTable("tag_packages")
      .ifNotExists()
      .addColumn("tag", "text", (c) => c.notNull().references("tags.name").onDelete("cascade"))
      .addColumn("sha256", "text", (c) => c.notNull().references("packages.sha256"))
      .addPrimaryKeyConstraint("tag_packages_pk", ["tag", "sha256"])
      .execute();
    await db.schema
      .createIndex("tag_packages_sha256")
      .ifNotExists()
      .on("tag_packages")
      .columns(["sha256"])
      .execute();

    await db.schema
      .createTable("channels")
      .ifNotExists()
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("tag", "text", (c) => c.notNull().references("tags.name"))
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("channels_tag").ifNotExists().on("channels").columns(["tag"]).execute();

    await db.schema
      .createTable("promotions")
      .ifNotExists()
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("channel", "text", (c) => c.notNull())
      // No foreign keys: the history outlives deleted tags.
      .addColumn("from_tag", "text")
      .addColumn("to_tag", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("promotions_channel_id")
      .ifNotExists()
      .on("promotions")
      .columns(["channel", "id"])
      .execute();
  },
};

/**
 * Faster freezes (bench: 10,000 packages). tag_packages becomes a WITHOUT ROWID table keyed by
 * (tag, sha256) with no second index on sha256: inserting a tag's rows was dominated by random
 * inserts into that index, and no query needs it (packages are never deleted). An index covering
 * the packages' identities, so that listing them does not read the large rows. And the cache of
 * compressed metadata chunks (repo/repodata/chunks.ts): repodata_chunks holds each chunk's
 * uncompressed XML, raw deflate and CRC-32 per file; repodata_chunk_use the freeze generation that
 * last used it, in its own small table so that marking a chunk used never rewrites its blobs.
 */
const chunkCache: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("tag_packages_new")
      .addColumn("tag", "text", (c) => c.notNull().references("tags.name").onDelete("cascade"))
      .addColumn("sha256", "text", (c) => c.notNull().references("packages.sha256"))
      .addPrimaryKeyConstraint("tag_packages_pk", ["tag", "sha256"])
      .modifyEnd(sql`without rowid`)
      .execute();
    await db
      .insertInto("tag_packages_new")
      .columns(["tag", "sha256"])
      .expression(db.selectFrom("tag_packages").select(["tag", "sha256"]))
      .execute();
    await db.schema.dropTable("tag_packages").execute();
    await db.schema.alterTable("tag_packages_new").renameTo("tag_packages").execute();

    // A covering index for a freeze's first query (identities, to sort): the package rows themselves
    // are large (fragments), so scanning them touches every page of the table.
    await db.schema
      .createIndex("packages_identity")
      .on("packages")
      .columns(["name", "arch", "epoch", "version", "release", "sha256"])
      .execute();

    let chunks = db.schema.createTable("repodata_chunks").addColumn("key", "text", (c) => c.primaryKey());
    for (const type of ["primary", "filelists", "other"]) {
      chunks = chunks
        .addColumn(`${type}_crc`, "integer", (c) => c.notNull())
        .addColumn(`${type}_xml`, "blob", (c) => c.notNull())
        .addColumn(`${type}_gz`, "blob", (c) => c.notNull());
    }
    await chunks.execute();
    await db.schema
      .createTable("repodata_chunk_use")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("generation", "integer", (c) => c.notNull())
      .modifyEnd(sql`without rowid`)
      .execute();
    await db.schema
      .createIndex("repodata_chunk_use_generation")
      .on("repodata_chunk_use")
      .columns(["generation"])
      .execute();
  },
};

/**
 * A tag's package set moves from tag_packages (a row per package: even without the sha256 index,
 * inserting 10,000 rows with their foreign-key checks took ~13 ms of a ~90 ms freeze) into
 * tags.packages, the sha256s as 32-byte values concatenated: written once, read whole.
 */
const tagPackageSets: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .alterTable("tags")
      .addColumn("packages", "blob", (c) => c.notNull().defaultTo(sql`x''`))
      .execute();
    const members = (await db.selectFrom("tag_packages").select(["tag", "sha256"]).execute()) as {
      tag: string;
      sha256: string;
    }[];
    const byTag = new Map<string, string[]>();
    for (const m of members) {
      const shas = byTag.get(m.tag) ?? [];
      shas.push(m.sha256);
      byTag.set(m.tag, shas);
    }
    for (const [tag, shas] of byTag) {
      await db
        .updateTable("tags")
        .set({ packages: Buffer.from(shas.join(""), "hex") })
        .where("name", "=", tag)
        .execute();
    }
    await db.schema.dropTable("tag_packages").execute();
  },
};

/**
 * Tag states (repo/tags.ts): a freeze reserves its name with a "publishing" row before writing the
 * folder, so two processes freezing the same name never both write it; a delete marks "deleting"
 * first. state_at (wall-clock ms) tells a dead process's leftovers (over an hour old) from live ones.
 */
const tagStates: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .alterTable("tags")
      .addColumn("state", "text", (c) => c.notNull().defaultTo("published"))
      .execute();
    await db.schema
      .alterTable("tags")
      .addColumn("state_at", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/** The catalog's migrations, in order of their names. Never edit one that has shipped; add the next. */
export const repoCatalogMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  "0001_repo_initial": initial,
  "0002_repo_chunk_cache": chunkCache,
  "0003_repo_tag_package_sets": tagPackageSets,
  "0004_repo_tag_states": tagStates,
});

const provider: MigrationProvider = { getMigrations: async () => ({ ...repoCatalogMigrations }) };

export async function runRepoCatalogMigrations(db: AnyDb): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) throw error;
}
