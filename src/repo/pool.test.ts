import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { RepoCatalog } from "../store/repo-catalog.js";
import { poolPath, repoLayout } from "./pool.js";
import { Repository } from "./repository.js";

const tmp = tmpDir("escalator-pool-");
afterAll(() => tmp.remove());

const HOURS_AGO = new Date(Date.now() - 2 * 3600_000);
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("orphan pool files", () => {
  it("removes pool files with no catalog row once over an hour old, on open", async () => {
    const root = join(tmp.path, "orphans");
    (await Repository.open(root)).close();
    const layout = repoLayout(root);
    const place = (content: string, old: boolean) => {
      const path = poolPath(layout, sha(content));
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, content);
      if (old) utimesSync(path, HOURS_AGO, HOURS_AGO);
      return path;
    };
    // A crash between the rename into pool/ and the catalog insert, two hours ago: an orphan.
    const orphan = place("orphan", true);
    // The same, a moment ago: maybe another process about to insert its row; kept.
    const fresh = place("fresh", false);
    // An old file the catalog knows: a package; kept.
    const known = place("known", true);
    const catalog = await RepoCatalog.open(layout.db);
    catalog.insertPackage({
      sha256: sha("known"),
      nevra: "known-1-1.noarch",
      name: "known",
      epoch: 0,
      version: "1",
      release: "1",
      arch: "noarch",
      file_size: 5,
      href: "Packages/k/known-1-1.noarch.rpm",
      added_at: 1,
      primary_xml: "",
      filelists_xml: "",
      other_xml: "",
    });
    catalog.close();
    // Not pool files at all: left alone.
    writeFileSync(join(layout.pool, "README"), "not a package");
    utimesSync(join(layout.pool, "README"), HOURS_AGO, HOURS_AGO);

    (await Repository.open(root)).close();
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(known)).toBe(true);
    expect(existsSync(join(layout.pool, "README"))).toBe(true);
    expect(readdirSync(layout.tmp)).toEqual([]);
  });
});
