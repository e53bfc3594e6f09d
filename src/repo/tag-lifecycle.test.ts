import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../test/helpers/build-rpm.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { RepoCatalog, type TagState } from "../store/repo-catalog.js";
import { repoLayout } from "./pool.js";
import { Repository } from "./repository.js";
import { pruneTags } from "./tag-lifecycle.js";

const rpmbuild = requireTool("rpmbuild");
const tmp = tmpDir("escalator-tag-lifecycle-");
afterAll(() => tmp.remove());

const SPEC = `Name: racer
Version: 1.0
Release: 1
Summary: Package for the race test
License: MIT
BuildArch: noarch

%description
Racer.

%files
`;

let rpmPath: string | undefined;
beforeAll(async () => {
  if (rpmbuild) rpmPath = (await buildRpm(rpmbuild, tmp.path, SPEC))[0];
}, 120_000);

let counter = 0;
const newRoot = () => join(tmp.path, `root-${++counter}`);
const HOURS_AGO = new Date(Date.now() - 2 * 3600_000);

/** A catalog row in any state, as a process that died (or is still running) would have left it. */
async function plantRow(root: string, name: string, state: TagState, stateAt: number): Promise<void> {
  const catalog = await RepoCatalog.open(join(root, "repo.db"));
  catalog.insertTag({ name, created_at: 1, package_count: 0, signed: 0 }, [], state, stateAt);
  catalog.close();
}

describe("freezing the same name from two processes", () => {
  it("gives one tag with its files and TAG_EXISTS to the others, never a row without files", async () => {
    const root = newRoot();
    const a = await Repository.open(root);
    const b = await Repository.open(root);
    if (rpmPath) await a.addFile(rpmPath);
    for (let i = 0; i < 50; i++) {
      const name = `race-${i}`;
      const outcomes = await Promise.allSettled([a.freeze({ name }), b.freeze({ name }), a.freeze({ name })]);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      expect(won, name).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === "rejected") expect(o.reason, name).toMatchObject({ code: "TAG_EXISTS" });
      }
      for (const repo of [a, b]) {
        expect(
          repo.listTags().some((t) => t.name === name),
          name,
        ).toBe(true);
        expect(existsSync(join(repo.tagDir(name), "repodata", "repomd.xml")), name).toBe(true);
      }
    }
    expect(readdirSync(join(root, "tags")).filter((e) => e.startsWith("."))).toEqual([]);
    a.close();
    b.close();
  }, 60_000);
});

describe("tag states", () => {
  it("hides a tag being published or deleted from reads, channels and a second freeze", async () => {
    const root = newRoot();
    const repo = await Repository.open(root);
    await repo.freeze({ name: "live" });
    await plantRow(root, "pending", "publishing", Date.now());
    await plantRow(root, "going", "deleting", Date.now());
    expect(repo.listTags().map((t) => t.name)).toEqual(["live"]);
    for (const name of ["pending", "going"]) {
      expect(() => repo.getTag(name)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
      expect(() => repo.tagDir(name)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
      expect(() => repo.diff("live", name)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
      expect(() => repo.promote("prod", name)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
      await expect(repo.deleteTag(name)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(repo.freeze({ name: "pending" })).rejects.toMatchObject({
      code: "TAG_EXISTS",
      message: expect.stringContaining("being frozen"),
    });
    await expect(repo.freeze({ name: "going" })).rejects.toMatchObject({
      code: "TAG_EXISTS",
      message: expect.stringContaining("being deleted"),
    });
    repo.close();
  });

  it("cleans rows (and folders) a dead process left unfinished over an hour ago, on open", async () => {
    const root = newRoot();
    (await Repository.open(root)).close();
    const old = HOURS_AGO.getTime();
    for (const [name, state, at] of [
      ["dead-publish", "publishing", old],
      ["dead-delete", "deleting", old],
      ["busy-publish", "publishing", Date.now()],
    ] as const) {
      await plantRow(root, name, state, at);
      mkdirSync(join(root, "tags", name, "repodata"), { recursive: true });
    }
    const repo = await Repository.open(root);
    expect(readdirSync(join(root, "tags"))).toEqual(["busy-publish"]);
    const catalog = await RepoCatalog.open(join(root, "repo.db"));
    expect(catalog.tagState("dead-publish")).toBeUndefined();
    expect(catalog.tagState("dead-delete")).toBeUndefined();
    expect(catalog.tagState("busy-publish")?.state).toBe("publishing");
    catalog.close();
    expect(await repo.freeze({ name: "dead-publish" })).toMatchObject({ name: "dead-publish" });
    repo.close();
  });

  it("refuses a name whose folder a crash left less than an hour ago, and moves an older one aside", async () => {
    const root = newRoot();
    const repo = await Repository.open(root);
    const leftover = join(root, "tags", "leftover");
    mkdirSync(join(leftover, "repodata"), { recursive: true });
    writeFileSync(join(leftover, "repodata", "marker"), "from a crash");
    await expect(repo.freeze({ name: "leftover" })).rejects.toMatchObject({
      code: "TAG_EXISTS",
      message: expect.stringContaining("without a catalog entry"),
    });
    // Refused: the folder this call did not create stays, and the name is not held.
    expect(existsSync(join(leftover, "repodata", "marker"))).toBe(true);
    expect(repo.listTags()).toEqual([]);
    utimesSync(leftover, HOURS_AGO, HOURS_AGO);
    expect(await repo.freeze({ name: "leftover" })).toMatchObject({ name: "leftover" });
    expect(existsSync(join(leftover, "repodata", "marker"))).toBe(false);
    expect(existsSync(join(leftover, "repodata", "repomd.xml"))).toBe(true);
    expect(readdirSync(join(root, "tags"))).toEqual(["leftover"]);
    repo.close();
  });

  it("deletes a tag whose folder is already gone, leaving no row and no trash", async () => {
    const root = newRoot();
    const repo = await Repository.open(root);
    await repo.freeze({ name: "t1" });
    await import("node:fs/promises").then((fs) => fs.rm(join(root, "tags", "t1"), { recursive: true }));
    await repo.deleteTag("t1");
    expect(repo.listTags()).toEqual([]);
    expect(readdirSync(join(root, "tags"))).toEqual([]);
    expect(await repo.freeze({ name: "t1" })).toMatchObject({ name: "t1" });
    repo.close();
  });
});

describe("prune", () => {
  it("skips a tag that became in use or vanished meanwhile, with the reason, and goes on", async () => {
    const root = newRoot();
    const repo = await Repository.open(root);
    for (const name of ["t1", "t2", "t3", "t4"]) await repo.freeze({ name });
    repo.promote("prod", "t2");
    const catalog = await RepoCatalog.open(join(root, "repo.db"));
    // The prune's first look: no channels yet, and a tag "ghost" that is gone by the time it is deleted.
    const stale = new Proxy(catalog, {
      get(target, prop) {
        if (prop === "listChannels") return () => [];
        if (prop === "listTags") {
          return () => [{ name: "ghost", created_at: 0, package_count: 0, signed: 0 }, ...target.listTags()];
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const result = await pruneTags(
      { layout: repoLayout(root), catalog: stale, signer: undefined, now: Date.now },
      1,
    );
    expect(result.removed.sort()).toEqual(["t1", "t3"]);
    expect(result.kept).toEqual(["t4"]);
    expect(result.skipped).toEqual([
      { tag: "t2", reason: expect.stringContaining("in use by channel(s) prod") },
      { tag: "ghost", reason: expect.stringContaining("no tag named ghost") },
    ]);
    expect(repo.listTags().map((t) => t.name)).toEqual(["t2", "t4"]);
    catalog.close();
    repo.close();
  });
});
