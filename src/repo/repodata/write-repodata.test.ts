import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../../test/helpers/build-rpm.js";
import { requireTool } from "../../../test/helpers/require-tool.js";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import { indexDirectory } from "./index-directory.js";
import { packageRecordFromFile } from "./package-record.js";
import { renderFragments } from "./render.js";
import { testRecord } from "./test-record.test-helper.js";
import type { RepodataResult } from "./types.js";
import { writeRepodata } from "./write-repodata.js";

const tmp = tmpDir("escalator-repodata-");
afterAll(() => tmp.remove());
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function expectEntriesMatchFiles(repoDir: string, result: RepodataResult): string[] {
  const repomd = readFileSync(join(repoDir, "repodata", "repomd.xml"), "utf8");
  expect(repomd).toContain(`<revision>${result.revision}</revision>`);
  expect(result.entries.map((e) => e.type)).toEqual(["primary", "filelists", "other"]);
  return result.entries.map((e) => {
    const gz = readFileSync(join(repoDir, e.href));
    const xml = gunzipSync(gz);
    expect(e.href).toBe(`repodata/${e.checksum}-${e.type}.xml.gz`);
    expect(sha256(gz)).toBe(e.checksum);
    expect(sha256(xml)).toBe(e.openChecksum);
    expect([gz.length, xml.length]).toEqual([e.size, e.openSize]);
    expect(repomd).toContain(`<checksum type="sha256">${e.checksum}</checksum>`);
    expect(repomd).toContain(`<open-checksum type="sha256">${e.openChecksum}</open-checksum>`);
    expect(repomd).toContain(`<location href="${e.href}"/>`);
    return xml.toString("utf8");
  });
}

describe("writeRepodata", () => {
  it("streams the three files and repomd.xml with checksums that verify", async () => {
    const repo = join(tmp.path, "synthetic");
    // Enough packages to go through several gzip batches.
    const records = Array.from({ length: 400 }, (_, i) =>
      testRecord({ name: `p${i}`, description: "x".repeat(500) }),
    );
    const fragments = records.map((r) => renderFragments(r, { changelogLimit: 10 }));
    const result = await writeRepodata(repo, fragments.values(), records.length, { revision: 42 });
    expect(result).toMatchObject({ revision: 42, packages: 400 });
    const [primary, filelists, other] = expectEntriesMatchFiles(repo, result);
    expect(primary).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<metadata xmlns="http:\/\/linux.duke.edu\/metadata\/common" xmlns:rpm="http:\/\/linux.duke.edu\/metadata\/rpm" packages="400">\n<package type="rpm">/,
    );
    expect(primary?.endsWith("</package>\n</metadata>")).toBe(true);
    expect(primary?.split("<package ").length).toBe(401);
    expect(filelists).toContain(
      '<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="400">',
    );
    expect(other).toContain('<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="400">');
    expect(readdirSync(join(repo, "repodata")).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("signs repomd.xml when a signer is given", async () => {
    const repo = join(tmp.path, "signed");
    let signed: Uint8Array | undefined;
    const signer = {
      sign: async (bytes: Uint8Array) => {
        signed = bytes;
        return { signature: "SIGNATURE", publicKey: "KEY" };
      },
    };
    await writeRepodata(repo, [], 0, { signer });
    expect(Buffer.from(signed ?? []).equals(readFileSync(join(repo, "repodata", "repomd.xml")))).toBe(true);
    expect(readFileSync(join(repo, "repodata", "repomd.xml.asc"), "utf8")).toBe("SIGNATURE");
    expect(readFileSync(join(repo, "repodata", "repomd.xml.key"), "utf8")).toBe("KEY");
  });

  it("refuses a count that does not match and leaves no files behind", async () => {
    const repo = join(tmp.path, "mismatch");
    const one = renderFragments(testRecord(), { changelogLimit: 10 });
    await expect(writeRepodata(repo, [one], 2)).rejects.toThrow(/1 packages given, but the count said 2/);
    expect(readdirSync(join(repo, "repodata"))).toEqual([]);
  });
});

const rpmbuild = requireTool("rpmbuild");
const SPEC = (name: string) => `Name: ${name}
Version: 1.0
Release: 1
Summary: ${name}
License: MIT
BuildArch: noarch

%description
${name}.

%files
`;

describe.skipIf(!rpmbuild)("indexDirectory", () => {
  const dir = join(tmp.path, "index");
  const outside = join(tmp.path, "outside");
  beforeAll(async () => {
    const [a = "", b = ""] = (
      await Promise.all([
        buildRpm(rpmbuild ?? "", tmp.path, SPEC("idx-a")),
        buildRpm(rpmbuild ?? "", tmp.path, SPEC("idx-b")),
      ])
    ).flat();
    mkdirSync(join(dir, "sub", "deeper"), { recursive: true });
    mkdirSync(join(dir, ".hidden"), { recursive: true });
    mkdirSync(outside, { recursive: true });
    cpSync(a, join(dir, "sub", "deeper", "idx-a-1.0-1.noarch.rpm"));
    cpSync(b, join(dir, "idx-b-1.0-1.noarch.rpm"));
    cpSync(b, join(dir, ".hidden", "hidden.rpm"));
    cpSync(b, join(outside, "outside.rpm"));
    symlinkSync(join(outside, "outside.rpm"), join(dir, "escape.rpm"));
  });

  it("indexes packages recursively, sorted by file name, skipping dot folders and outside links", async () => {
    const progress: string[] = [];
    const indexed = await indexDirectory(dir, {
      onProgress: (done, total, label) => progress.push(`${done}/${total} ${label}`),
    });
    expect(indexed.packages).toBe(2);
    expect(progress.map((p) => p.slice(0, 4))).toEqual(["1/2 ", "2/2 "]);
    expect(progress.map((p) => p.slice(4)).sort()).toEqual([
      "idx-b-1.0-1.noarch.rpm",
      "sub/deeper/idx-a-1.0-1.noarch.rpm",
    ]);
    const [primary = ""] = expectEntriesMatchFiles(dir, indexed.result);
    expect(primary.indexOf("<name>idx-a</name>")).toBeLessThan(primary.indexOf("<name>idx-b</name>"));
    expect(primary).toContain('<location href="sub/deeper/idx-a-1.0-1.noarch.rpm"/>');
    expect(indexed.result.repomdPath).toBe(join(dir, "repodata", "repomd.xml"));
    expect(readdirSync(dir).sort()).toEqual([
      ".hidden",
      "escape.rpm",
      "idx-b-1.0-1.noarch.rpm",
      "repodata",
      "sub",
    ]);
  });

  it("packageRecordFromFile gives sha256, size and mtime", async () => {
    const file = join(dir, "idx-b-1.0-1.noarch.rpm");
    const record = await packageRecordFromFile(file, "x/y.rpm");
    const bytes = readFileSync(file);
    expect(record).toMatchObject({ sha256: sha256(bytes), href: "x/y.rpm", fileSize: bytes.length });
    expect(record.rpm.name).toBe("idx-b");
    expect(record.fileTime).toBeGreaterThan(1_600_000_000);
  });

  it("on an invalid package fails naming it and keeps the old repodata; skipInvalid collects it", async () => {
    const before = readFileSync(join(dir, "repodata", "repomd.xml"), "utf8");
    writeFileSync(join(dir, "repodata", "marker"), "old");
    writeFileSync(
      join(dir, "sub", "broken.rpm"),
      "definitely not an rpm, but longer than the 96-byte lead ".repeat(3),
    );
    await expect(indexDirectory(dir)).rejects.toThrow(/sub\/broken\.rpm: not a valid RPM: .*lead magic/);
    expect(readFileSync(join(dir, "repodata", "repomd.xml"), "utf8")).toBe(before);
    expect(readFileSync(join(dir, "repodata", "marker"), "utf8")).toBe("old");
    expect(readdirSync(dir).filter((f) => f.startsWith(".repodata"))).toEqual([]);

    const indexed = await indexDirectory(dir, { skipInvalid: true, changelogLimit: 1 });
    expect(indexed.packages).toBe(2);
    expect(indexed.skipped).toEqual([
      { file: join(dir, "sub", "broken.rpm"), reason: expect.stringMatching(/lead magic/) },
    ]);
    expect(readdirSync(dir).filter((f) => f.startsWith(".repodata"))).toEqual([]);
    const files = readdirSync(join(dir, "repodata"));
    expect(files).toHaveLength(4); // a fresh folder: the marker went with the old one
    expect(files).not.toContain("marker");
  });
});
