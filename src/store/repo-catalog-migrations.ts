import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";

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

/** The catalog's migrations, in order of their names. Never edit one that has shipped; add the next. */
export const repoCatalogMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  "0001_repo_initial": initial,
});

const provider: MigrationProvider = { getMigrations: async () => ({ ...repoCatalogMigrations }) };

export async function runRepoCatalogMigrations(db: AnyDb): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) throw error;
}
