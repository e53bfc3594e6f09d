import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import {
  isConstraintError,
  RepoCatalog,
  type RepodataChunksTable,
  type RepoPackagesTable,
} from "./repo-catalog.js";
import { repoCatalogMigrations } from "./repo-catalog-migrations.js";

const tmp = tmpDir("escalator-repo-catalog-");
afterAll(() => tmp.remove());

function row(sha: string, name: string, extra: Partial<RepoPackagesTable> = {}): RepoPackagesTable {
  return {
    sha256: sha.padStart(64, "0"),
    nevra: `${name}-1.0-1.noarch`,
    name,
    epoch: 0,
    version: "1.0",
    release: "1",
    arch: "noarch",
    file_size: 10,
    href: `Packages/${name[0]}/${name}-1.0-1.noarch.rpm`,
    added_at: 1,
    primary_xml: `<p>${name}</p>`,
    filelists_xml: `<f>${name}</f>`,
    other_xml: `<o>${name}</o>`,
    ...extra,
  };
}

describe("RepoCatalog", () => {
  it("migrates once, in WAL mode, and survives reopening", async () => {
    const path = join(tmp.path, "a.db");
    const first = await RepoCatalog.open(path);
    first.insertPackage(row("1", "alpha"));
    first.close();
    const again = await RepoCatalog.open(path);
    expect(again.listPackages().map((p) => p.name)).toEqual(["alpha"]);
    expect(again.packageByNevra("alpha-1.0-1.noarch")?.sha256).toBe("1".padStart(64, "0"));
    again.close();
    const BetterSqlite3 = (await import("better-sqlite3")).default;
    const raw = new BetterSqlite3(path);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("enforces unique sha256, NEVRA and href", async () => {
    const catalog = await RepoCatalog.open(join(tmp.path, "b.db"));
    catalog.insertPackage(row("1", "alpha"));
    for (const dup of [
      row("1", "beta"),
      row("2", "alpha"),
      row("3", "beta", { href: row("1", "alpha").href }),
    ]) {
      let caught: unknown;
      try {
        catalog.insertPackage(dup);
      } catch (error) {
        caught = error;
      }
      expect(isConstraintError(caught)).toBe(true);
    }
    expect(isConstraintError(new Error("x"))).toBe(false);
    catalog.close();
  });

  it("stores tags with their packages, channels with their history, and fragments in chunks", async () => {
    const catalog = await RepoCatalog.open(join(tmp.path, "c.db"));
    const names = Array.from({ length: 1200 }, (_, i) => `p${i}`);
    catalog.transaction(() => {
      for (const [i, n] of names.entries()) catalog.insertPackage(row(String(i + 1), n));
    });
    const shas = names.map((_, i) => String(i + 1).padStart(64, "0"));
    expect(catalog.fragments(shas)).toHaveLength(1200);
    expect(catalog.fragments()).toHaveLength(1200);
    catalog.insertTag({ name: "t", created_at: 5, package_count: 2, signed: 0 }, shas.slice(0, 2));
    expect(
      catalog
        .tagPackages("t")
        .map((p) => p.name)
        .sort(),
    ).toEqual(["p0", "p1"]);
    expect(catalog.tagPackageByHref("t", "Packages/p/p1-1.0-1.noarch.rpm")).toBe(shas[1]);
    expect(catalog.tagPackageByHref("t", "Packages/p/p2-1.0-1.noarch.rpm")).toBeUndefined();
    catalog.promote("prod", "t", 10);
    catalog.promote("prod", "t", 11);
    expect(catalog.promotions("prod").map((p) => [p.from_tag, p.to_tag, p.at])).toEqual([
      ["t", "t", 11],
      [null, "t", 10],
    ]);
    expect(catalog.channelsForTag("t")).toEqual(["prod"]);
    // A channel must point at an existing tag.
    expect(() => catalog.promote("dev", "missing", 12)).toThrow();
    expect(catalog.getChannel("dev")).toBeUndefined();
    catalog.close();
  });

  it("migrates a 0001 catalog: tag rows survive the new tag_packages table", async () => {
    const path = join(tmp.path, "old.db");
    const handle = new BetterSqlite3(path);
    // biome-ignore lint/suspicious/noExplicitAny: the 0001 schema, before today's table types.
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: handle }) });
    const only = { "0001_repo_initial": repoCatalogMigrations["0001_repo_initial"] } as never;
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: async () => only },
    }).migrateToLatest();
    expect(error).toBeUndefined();
    const p = row("1", "alpha");
    await db.insertInto("packages").values(p).execute();
    await db.insertInto("tags").values({ name: "old", created_at: 1, package_count: 1, signed: 0 }).execute();
    await db.insertInto("tag_packages").values({ tag: "old", sha256: p.sha256 }).execute();
    await db.destroy();

    const catalog = await RepoCatalog.open(path);
    expect(catalog.tagPackages("old").map((r) => r.name)).toEqual(["alpha"]);
    expect(catalog.tagPackageByHref("old", p.href)).toBe(p.sha256);
    catalog.deleteTag("old");
    expect(catalog.tagPackages("old")).toEqual([]);
    catalog.close();
  });

  it("lists identities, and caches metadata chunks for the latest freezes only", async () => {
    const catalog = await RepoCatalog.open(join(tmp.path, "d.db"));
    catalog.insertPackage(row("1", "alpha", { epoch: 2, version: "1.0~rc1", release: "3.el9" }));
    catalog.insertPackage(row("2", "beta", { nevra: "beta-2", href: "b.rpm", arch: "x86_64" }));
    expect(catalog.identities().sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
      {
        name: "alpha",
        arch: "noarch",
        epoch: 2,
        version: "1.0~rc1",
        release: "3.el9",
        sha256: row("1", "a").sha256,
      },
      { name: "beta", arch: "x86_64", epoch: 0, version: "1.0", release: "1", sha256: row("2", "b").sha256 },
    ]);
    expect(catalog.identities([row("2", "b").sha256]).map((r) => r.name)).toEqual(["beta"]);

    const chunk = (key: string): RepodataChunksTable => ({
      key,
      primary_crc: 1,
      primary_xml: Buffer.from(`<p>${key}</p>`),
      primary_gz: Buffer.from([1, 2, 3]),
      filelists_crc: 2,
      filelists_xml: Buffer.from("f"),
      filelists_gz: Buffer.from([4]),
      other_crc: 3,
      other_xml: Buffer.from("o"),
      other_gz: Buffer.from([5]),
    });
    catalog.saveChunks([chunk("a"), chunk("b")], ["a", "b"]);
    expect(
      catalog
        .chunks(["a", "b", "missing"])
        .map((c) => c.key)
        .sort(),
    ).toEqual(["a", "b"]);
    const [a] = catalog.chunks(["a"]);
    expect(a && Buffer.from(a.primary_xml).toString()).toBe("<p>a</p>");
    expect(a?.other_crc).toBe(3);
    // "a" stays in use; "b" was last used 4 freezes ago and goes.
    for (let i = 0; i < 4; i++) catalog.saveChunks([], ["a"]);
    expect(catalog.chunks(["a", "b"]).map((c) => c.key)).toEqual(["a"]);
    catalog.close();
  });

  it("migrates 0003 tags to published (0004), and reads only published tags", async () => {
    const path = join(tmp.path, "states.db");
    const handle = new BetterSqlite3(path);
    // biome-ignore lint/suspicious/noExplicitAny: the 0003 schema, before today's table types.
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: handle }) });
    const upTo3 = Object.fromEntries(
      Object.entries(repoCatalogMigrations).filter(([name]) => name < "0004"),
    ) as never;
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: async () => upTo3 },
    }).migrateToLatest();
    expect(error).toBeUndefined();
    const p = row("1", "alpha");
    await db.insertInto("packages").values(p).execute();
    await db
      .insertInto("tags")
      .values({
        name: "old",
        created_at: 1,
        package_count: 1,
        signed: 0,
        packages: Buffer.from(p.sha256, "hex"),
      })
      .execute();
    await db.destroy();

    const catalog = await RepoCatalog.open(path);
    expect(catalog.tagState("old")).toEqual({ name: "old", state: "published", state_at: 0 });
    expect(catalog.listTags().map((t) => t.name)).toEqual(["old"]);
    const tag = { created_at: 2, package_count: 1, signed: 0 };
    catalog.insertTag({ name: "pending", ...tag }, [p.sha256], "publishing", 100);
    catalog.insertTag({ name: "going", ...tag }, [p.sha256], "deleting", 200);
    // A second reservation of a name fails on the primary key, whatever the first one's state.
    expect(() => catalog.insertTag({ name: "pending", ...tag }, [], "publishing", 101)).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/) }),
    );
    for (const name of ["pending", "going"]) {
      expect(catalog.getTag(name)).toBeUndefined();
      expect(catalog.tagPackages(name)).toEqual([]);
      expect(catalog.tagPackageByHref(name, p.href)).toBeUndefined();
      expect(() => catalog.promote("prod", name, 1)).toThrow(/no published tag/);
    }
    expect(catalog.listTags().map((t) => t.name)).toEqual(["old"]);
    expect(catalog.unfinishedTags(150).map((t) => t.name)).toEqual(["pending"]);
    // Publishing needs the same claim; then the tag is seen.
    expect(catalog.setTagState("pending", "publishing", 99, "published", 300)).toBe(false);
    expect(catalog.setTagState("pending", "publishing", 100, "published", 300)).toBe(true);
    expect(catalog.getTag("pending")).toMatchObject({ name: "pending", package_count: 1 });
    expect(catalog.tagPackageByHref("pending", p.href)).toBe(p.sha256);
    expect(catalog.deleteTag("going", "deleting", 1)).toBe(false);
    expect(catalog.deleteTag("going", "deleting", 200)).toBe(true);
    expect(catalog.tagState("going")).toBeUndefined();
    catalog.close();
  });
});
