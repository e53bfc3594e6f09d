import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../test/helpers/build-rpm.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { RepoCatalog } from "../store/repo-catalog.js";
import { Repository } from "./repository.js";

const rpmbuild = requireTool("rpmbuild");
const tmp = tmpDir("escalator-tags-");
afterAll(() => tmp.remove());

const SPEC = `Name: tagged
Version: 1.0
Release: 1
Summary: Package for the tag tests
License: MIT
BuildArch: noarch

%description
Tagged.

%install
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\\n' > %{buildroot}/usr/bin/tagged

%files
/usr/bin/tagged
`;

let rpmPath = "";
beforeAll(async () => {
  if (!rpmbuild) return;
  rpmPath = (await buildRpm(rpmbuild, tmp.path, SPEC))[0] as string;
}, 120_000);

let counter = 0;
function newRoot(): string {
  return join(tmp.path, `root-${++counter}`);
}

describe("tag names", () => {
  it("refuses hostile names with INVALID_NAME everywhere a name is taken", async () => {
    const repo = await Repository.open(newRoot());
    await repo.freeze({ name: "ok" });
    for (const bad of ["../x", "a/b", "", "x".repeat(129), "..", ".", "a\\b", "a\0b", "tag name"]) {
      await expect(repo.freeze({ name: bad }), bad).rejects.toMatchObject({ code: "INVALID_NAME" });
      expect(() => repo.getTag(bad), bad).toThrow(expect.objectContaining({ code: "INVALID_NAME" }));
      expect(() => repo.tagDir(bad), bad).toThrow(expect.objectContaining({ code: "INVALID_NAME" }));
      expect(() => repo.diff("ok", bad), bad).toThrow(expect.objectContaining({ code: "INVALID_NAME" }));
      await expect(repo.deleteTag(bad), bad).rejects.toMatchObject({ code: "INVALID_NAME" });
      expect(repo.packageFile(bad, "Packages/x/x.rpm")).toBeUndefined();
    }
    expect(await repo.freeze({ name: "x".repeat(128) })).toMatchObject({ packages: 0 });
    expect(await repo.freeze({ name: "A.b_c-1" })).toMatchObject({ url: "/tags/A.b_c-1/" });
    expect(readdirSync(join(repo.root, "tags")).sort()).toEqual(["A.b_c-1", "ok", "x".repeat(128)].sort());
    repo.close();
  });
});

describe.skipIf(!rpmbuild)("reopening a root", () => {
  it("keeps packages, tags and channels, and cleans what an interrupted process left", async () => {
    const root = newRoot();
    const first = await Repository.open(root);
    const added = await first.addFile(rpmPath);
    await first.freeze({ name: "t1" });
    first.promote("prod", "t1");
    const tagBytes = readFileSync(join(first.tagDir("t1"), "repodata", "repomd.xml"));
    first.close();
    // Debris of a crash: an upload in flight, a half-written tag, a half-deleted one.
    // An hour old: dead. A fresh one may belong to a server still running on the same root: kept.
    const hoursAgo = new Date(Date.now() - 2 * 3600_000);
    writeFileSync(join(root, "tmp", "upload-dead"), "partial");
    mkdirSync(join(root, "tags", ".tmp-dead", "repodata"), { recursive: true });
    mkdirSync(join(root, "tags", ".trash-dead"), { recursive: true });
    for (const dead of ["tmp/upload-dead", "tags/.tmp-dead", "tags/.trash-dead"]) {
      utimesSync(join(root, dead), hoursAgo, hoursAgo);
    }
    writeFileSync(join(root, "tmp", "upload-live"), "in flight");

    const again = await Repository.open(root);
    expect(readdirSync(join(root, "tmp"))).toEqual(["upload-live"]);
    expect(readdirSync(join(root, "tags"))).toEqual(["t1"]);
    const { status: _status, ...summary } = added;
    expect(again.listPackages()).toEqual([summary]);
    expect(await again.addFile(rpmPath)).toMatchObject({ status: "exists", sha256: added.sha256 });
    expect(again.getTag("t1")).toMatchObject({ packages: 1, channels: ["prod"] });
    expect(again.getChannel("prod").history).toHaveLength(1);
    expect(readFileSync(join(again.tagDir("t1"), "repodata", "repomd.xml"))).toEqual(tagBytes);
    expect(again.packageFile("t1", added.href)).toContain(added.sha256);
    again.close();
  });
});

describe.skipIf(!rpmbuild)("freezing from the header cache", () => {
  it("freezes 10,000 cached packages from their cached fragments, without reading package files", async () => {
    const root = newRoot();
    const repo = await Repository.open(root);
    const real = await repo.addFile(rpmPath);
    // Clone the real package's cached fragments into 9,999 more rows, as if they had been uploaded.
    const catalog = await RepoCatalog.open(join(root, "repo.db"));
    const [template] = catalog.fragments([real.sha256]);
    if (!template) throw new Error("no fragments cached");
    catalog.transaction(() => {
      for (let i = 1; i < 10_000; i++) {
        const sha256 = i.toString(16).padStart(64, "0");
        const name = `pkg${String(i).padStart(5, "0")}`;
        const swap = (xml: string) => xml.replaceAll(real.sha256, sha256).replaceAll("tagged", name);
        catalog.insertPackage({
          sha256,
          nevra: `${name}-1.0-1.noarch`,
          name,
          epoch: 0,
          version: "1.0",
          release: "1",
          arch: "noarch",
          file_size: real.size,
          href: `Packages/p/${name}-1.0-1.noarch.rpm`,
          added_at: Date.now(),
          primary_xml: swap(template.primary_xml),
          filelists_xml: swap(template.filelists_xml),
          other_xml: swap(template.other_xml),
        });
      }
    });
    catalog.close();

    // Timing is measured by `npm run bench:repo`, not here; this proves it works from the cache alone.
    const tag = await repo.freeze({ name: "big" });
    expect(tag.packages).toBe(10_000);

    const repodata = join(repo.tagDir("big"), "repodata");
    const primaryFile = readdirSync(repodata).find((f) => f.endsWith("-primary.xml.gz")) as string;
    const primary = gunzipSync(readFileSync(join(repodata, primaryFile))).toString("utf8");
    expect(primary).toContain('packages="10000"');
    expect(primary.match(/<package type="rpm">/g)).toHaveLength(10_000);
    // Stable order: by name, so pkg00001 … pkg09999 come before "tagged".
    expect(primary.indexOf("<name>pkg00001</name>")).toBeLessThan(primary.indexOf("<name>pkg00002</name>"));
    expect(primary.indexOf("<name>pkg09999</name>")).toBeLessThan(primary.indexOf("<name>tagged</name>"));

    // One more package, another freeze: the cached chunks are reused, only the one it lands in is new.
    const chunkCount = () => {
      const db = new BetterSqlite3(join(root, "repo.db"), { readonly: true });
      const count = db.prepare("SELECT count(*) FROM repodata_chunk_use").pluck().get() as number;
      db.close();
      return count;
    };
    const chunksBefore = chunkCount();
    expect(chunksBefore).toBeGreaterThan(50);
    const extra = await RepoCatalog.open(join(root, "repo.db"));
    const [first] = extra.fragments(["1".padStart(64, "0")]);
    const sha256 = "f".repeat(64);
    extra.insertPackage({
      ...(extra.packageBySha("1".padStart(64, "0")) as NonNullable<ReturnType<typeof extra.packageBySha>>),
      sha256,
      nevra: "pkg05000a-1.0-1.noarch",
      name: "pkg05000a",
      href: "Packages/p/pkg05000a-1.0-1.noarch.rpm",
      primary_xml: (first?.primary_xml ?? "").replaceAll("pkg00001", "pkg05000a"),
      filelists_xml: first?.filelists_xml ?? "",
      other_xml: first?.other_xml ?? "",
    });
    extra.close();
    expect(await repo.freeze({ name: "bigger" })).toMatchObject({ packages: 10_001 });
    const biggerData = join(repo.tagDir("bigger"), "repodata");
    const biggerFile = readdirSync(biggerData).find((f) => f.endsWith("-primary.xml.gz")) as string;
    const bigger = gunzipSync(readFileSync(join(biggerData, biggerFile))).toString("utf8");
    expect(bigger.replace(/\s*<package type="rpm">\s*<name>pkg05000a<\/name>[\s\S]*?<\/package>/, "")).toBe(
      primary.replace('packages="10000"', 'packages="10001"'),
    );
    expect(chunkCount()).toBeLessThanOrEqual(chunksBefore + 2);
    repo.close();
  }, 60_000);
});
