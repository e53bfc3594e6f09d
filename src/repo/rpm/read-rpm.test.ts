import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../../test/helpers/build-rpm.js";
import { requireTool } from "../../../test/helpers/require-tool.js";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import { nevra, type RpmPackage, readRpm } from "./read-rpm.js";

const DEMO_SPEC = `Name: escalator-demo
Epoch: 3
Version: 1.2~rc1
Release: 4
Summary: Demo package for the reader
License: MIT
URL: https://example.org/demo
Vendor: Escalator Tests
Packager: Tëst Packager <t@example.org>
Group: Applications/System
BuildArch: noarch
Provides: demo-api = 2.0-1
Provides: demo-virtual
Requires: bash >= 4.0
Requires(pre): shadow-utils
Requires(post): coreutils
Recommends: less
Suggests: vim >= 2:8.0
Supplements: demo-base
Enhances: demo-extra
Conflicts: demo-old < 1.0
Obsoletes: demo-legacy <= 0.9-1

%description
Line one.
Line two — with a dash.

%pre
true

%install
mkdir -p %{buildroot}/etc/demo %{buildroot}/usr/share/demo %{buildroot}/var/log/demo
echo "key=value" > %{buildroot}/etc/demo/demo.conf
printf 'hello\\n' > %{buildroot}/usr/share/demo/hello.txt

%files
%config(noreplace) /etc/demo/demo.conf
%dir /usr/share/demo
/usr/share/demo/hello.txt
%dir /var/log/demo
%ghost /var/log/demo/demo.log

%changelog
* Tue Jan 02 2024 Jürgen Müller <jm@example.org> - 3:1.2~rc1-4
- Ünïcödé entry — with ✓
* Mon Jan 01 2024 Alice <a@example.org> - 1.0-1
- First
`;

const PLAIN_SPEC = `Name: escalator-plain
Version: 0.1
Release: 1
Summary: Arch-specific package without epoch
License: GPL-2.0-or-later

%description
Plain.

%install
mkdir -p %{buildroot}/opt/plain
printf 'x' > %{buildroot}/opt/plain/x

%files
/opt/plain/x
`;

const rpmbuild = requireTool("rpmbuild");
const tmp = tmpDir("escalator-rpm-");
afterAll(() => tmp.remove());

/** rpm is the oracle: what `rpm -qp --queryformat` says about the file. */
function query(file: string, format: string): string {
  return execFileSync("rpm", ["-qp", "--queryformat", format, file], {
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C.UTF-8" },
  });
}

/** Rows of an array query, fields separated by "|||", rows by "@@@". */
function rows(file: string, tags: string[]): string[][] {
  const format = `[${tags.map((t) => `%{${t}}`).join("|||")}@@@]`;
  return query(file, format)
    .split("@@@")
    .filter((r) => r !== "")
    .map((r) => r.split("|||"));
}

const none = (v: string): string | undefined => (v === "(none)" ? undefined : v);

function expectMatchesRpm(file: string, pkg: RpmPackage): void {
  const scalars =
    "NAME EPOCH VERSION RELEASE ARCH SUMMARY DESCRIPTION BUILDTIME BUILDHOST SIZE LONGARCHIVESIZE VENDOR LICENSE PACKAGER GROUP URL SOURCERPM SHA256HEADER SHA1HEADER SIGMD5".split(
      " ",
    );
  const v = query(file, scalars.map((t) => `%{${t}}`).join("|||")).split("|||");
  expect(v).toHaveLength(scalars.length);
  const [name, epoch, version, release, arch, summary, description, buildtime, buildhost, size, archiveSize] =
    v;
  expect(pkg.name).toBe(name);
  expect(pkg.epoch).toBe(epoch === "(none)" ? undefined : Number(epoch));
  expect([pkg.version, pkg.release, pkg.summary, pkg.description]).toEqual([
    version,
    release,
    summary,
    description,
  ]);
  expect(pkg.arch).toBe(arch);
  expect(pkg.buildtime).toBe(Number(buildtime));
  expect(pkg.buildhost).toBe(buildhost);
  expect(pkg.size).toBe(Number(size));
  expect(pkg.archiveSize).toBe(Number(archiveSize));
  const [vendor, license, packager, group, url, sourcerpm, sha256, sha1, md5] = v
    .slice(11)
    .map((s) => none(s));
  expect([pkg.vendor, pkg.license, pkg.packager, pkg.group, pkg.url]).toEqual([
    vendor,
    license,
    packager,
    group,
    url,
  ]);
  expect(pkg.sourcerpm).toBe(sourcerpm);
  expect(pkg.signature).toEqual({ sha256, sha1, md5 });

  for (const [kind, prefix] of [
    ["provides", "PROVIDE"],
    ["requires", "REQUIRE"],
    ["conflicts", "CONFLICT"],
    ["obsoletes", "OBSOLETE"],
    ["recommends", "RECOMMEND"],
    ["suggests", "SUGGEST"],
    ["supplements", "SUPPLEMENT"],
    ["enhances", "ENHANCE"],
  ] as const) {
    const expected = rows(file, [`${prefix}NAME`, `${prefix}FLAGS`, `${prefix}VERSION`]);
    expect(
      pkg[kind].map((d) => [d.name, String(d.flags), d.version]),
      kind,
    ).toEqual(expected);
  }
  const files = rows(file, ["FILENAMES", "FILEMODES", "FILEFLAGS", "LONGFILESIZES"]);
  expect(pkg.files.map((f) => [f.path, String(f.mode), String(f.flags), String(f.size)])).toEqual(files);
  const changelog = rows(file, ["CHANGELOGTIME", "CHANGELOGNAME", "CHANGELOGTEXT"]);
  expect(pkg.changelogs.map((c) => [String(c.time), c.author, c.text])).toEqual(changelog);
}

describe.skipIf(!rpmbuild)("readRpm on packages built by rpmbuild", () => {
  let demo = "";
  let plain = "";
  let source = "";
  beforeAll(async () => {
    const tool = rpmbuild ?? "rpmbuild";
    [demo = ""] = await buildRpm(tool, tmp.path, DEMO_SPEC);
    [plain = ""] = await buildRpm(tool, tmp.path, PLAIN_SPEC);
    [source = ""] = await buildRpm(tool, tmp.path, DEMO_SPEC, "-bs");
  });

  it("reads every field as rpm -qp reports it (noarch, epoch, ~ version, all dependency kinds)", () => {
    const bytes = readFileSync(demo);
    const pkg = readRpm(bytes);
    expectMatchesRpm(demo, pkg);
    expect(nevra(pkg)).toBe("escalator-demo-3:1.2~rc1-4.noarch");
    expect(nevra(pkg)).toBe(query(demo, "%{NEVRA}"));
    expect(pkg.arch).toBe("noarch");
    expect(pkg.packager).toBe("Tëst Packager <t@example.org>");
  });

  it("flags Requires(pre), Requires(post) and %pre's interpreter as pre, like createrepo_c", () => {
    const pkg = readRpm(readFileSync(demo));
    const pre = Object.fromEntries(pkg.requires.map((r) => [r.name, r.pre]));
    expect(pre).toMatchObject({ "shadow-utils": true, coreutils: true, "/bin/sh": true, bash: false });
    expect(pkg.requires.find((r) => r.name === "bash")).toMatchObject({ flags: 12, version: "4.0" });
    expect(pkg.provides.find((p) => p.name === "demo-api")).toMatchObject({ flags: 8, version: "2.0-1" });
    expect(pkg.suggests).toEqual([{ name: "vim", flags: 12, version: "2:8.0", pre: false }]);
    expect(pkg.provides.every((p) => !p.pre)).toBe(true);
    expect(pkg.conflicts).toEqual([{ name: "demo-old", flags: 2, version: "1.0", pre: false }]);
    expect(pkg.obsoletes).toEqual([{ name: "demo-legacy", flags: 10, version: "0.9-1", pre: false }]);
    expect([pkg.recommends, pkg.supplements, pkg.enhances].map((d) => d.map((x) => x.name))).toEqual([
      ["less"],
      ["demo-base"],
      ["demo-extra"],
    ]);
  });

  it("types files as createrepo_c does: dir, ghost, file; keeps %config in flags", () => {
    const pkg = readRpm(readFileSync(demo));
    expect(pkg.files.map((f) => [f.path, f.type, f.flags & 1])).toEqual([
      ["/etc/demo/demo.conf", "file", 1],
      ["/usr/share/demo", "dir", 0],
      ["/usr/share/demo/hello.txt", "file", 0],
      ["/var/log/demo", "dir", 0],
      ["/var/log/demo/demo.log", "ghost", 0],
    ]);
  });

  it("decodes a non-ASCII changelog", () => {
    const [latest] = readRpm(readFileSync(demo)).changelogs;
    expect(latest).toEqual({
      time: 1704196800,
      author: "Jürgen Müller <jm@example.org> - 3:1.2~rc1-4",
      text: "- Ünïcödé entry — with ✓",
    });
  });

  it("gives the main header's byte range: its SHA-256 is the signature's header digest", () => {
    const bytes = readFileSync(demo);
    const pkg = readRpm(bytes);
    expect([...bytes.subarray(pkg.headerRange.start, pkg.headerRange.start + 3)]).toEqual([0x8e, 0xad, 0xe8]);
    const digest = createHash("sha256").update(bytes.subarray(pkg.headerRange.start, pkg.headerRange.end));
    expect(digest.digest("hex")).toBe(pkg.signature.sha256);
    expect(pkg.headerRange.start % 8).toBe(0);
  });

  it("reads an arch-specific package without epoch", () => {
    const pkg = readRpm(readFileSync(plain));
    expectMatchesRpm(plain, pkg);
    expect(pkg.epoch).toBeUndefined();
    expect(pkg.arch).toBe(query(plain, "%{ARCH}"));
    expect(pkg.arch).not.toBe("noarch");
    expect(nevra(pkg)).toBe(`escalator-plain-0.1-1.${pkg.arch}`);
    expect(nevra(pkg)).toBe(query(plain, "%{NEVRA}"));
    expect(pkg.changelogs).toEqual([]);
    expect(pkg.recommends).toEqual([]);
  });

  it("calls a source package's arch src and gives it no sourcerpm", () => {
    const pkg = readRpm(readFileSync(source));
    expect(pkg.arch).toBe("src");
    expect(pkg.sourcerpm).toBeUndefined();
    expect(pkg.name).toBe("escalator-demo");
    expect(pkg.files.map((f) => f.path)).toEqual(["package.spec"]);
  });
});
