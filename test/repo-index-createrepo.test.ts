/**
 * Our `indexDirectory` against createrepo_c on the same packages: `dnf repoquery` must give the same
 * answers on both repositories, and (with Debian 12's createrepo_c 0.17) the uncompressed XML is even
 * byte-identical.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexDirectory } from "../src/repo/repodata/index-directory.js";
import { requireTool } from "./helpers/require-tool.js";
import { buildFixturePackages } from "./helpers/rpm-fixtures.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const execFileAsync = promisify(execFile);
const rpmbuild = requireTool("rpmbuild");
const createrepo = requireTool("createrepo_c");
const dnf = requireTool("dnf");
const tools = rpmbuild && createrepo && dnf;

const tmp = tmpDir("escalator-createrepo-");
afterAll(() => tmp.remove());
const ours = join(tmp.path, "ours");
const theirs = join(tmp.path, "theirs");

/** repoquery on one repository, without the host's configuration, repos or rpmdb. */
async function repoquery(repo: string, args: string[]): Promise<string> {
  const side = basename(repo);
  const conf = join(tmp.path, "dnf.conf");
  const { stdout } = await execFileAsync(
    dnf ?? "dnf",
    [
      "-q",
      `--config=${conf}`,
      "--setopt=reposdir=/nonexistent",
      `--setopt=cachedir=${join(tmp.path, `cache-${side}`)}`,
      `--installroot=${join(tmp.path, `root-${side}`)}`,
      "--releasever=12",
      `--repofrompath=fixtures,file://${repo}`,
      "--repo=fixtures",
      "repoquery",
      ...args,
    ],
    { env: { ...process.env, LC_ALL: "C.UTF-8" }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

function metadata(repo: string, type: string): string {
  const file = readdirSync(join(repo, "repodata")).find((f) => f.endsWith(`-${type}.xml.gz`));
  if (!file) throw new Error(`no ${type} in ${repo}`);
  return gunzipSync(readFileSync(join(repo, "repodata", file))).toString("utf8");
}

const QUERY_FORMAT = [
  "name",
  "epoch",
  "version",
  "release",
  "arch",
  "summary",
  "url",
  "license",
  "vendor",
  "group",
  "packager",
  "buildtime",
  "installsize",
  "downloadsize",
  "sourcerpm",
  "location",
  "provides",
  "requires",
  "conflicts",
  "obsoletes",
  "recommends",
  "suggests",
  "supplements",
  "enhances",
  "files",
  "description",
]
  .map((tag) => `${tag}: %{${tag}}`)
  .join("\n");

const QUERIES: [string, string[]][] = [
  ["--info", ["--info"]],
  ["--provides", ["--provides"]],
  ["--requires", ["--requires"]],
  ["--list", ["--list"]],
  ["--changelog", ["--changelog"]],
  ["--recommends", ["--recommends"]],
  ["--suggests", ["--suggests"]],
  ["--supplements", ["--supplements"]],
  ["--enhances", ["--enhances"]],
  ["--conflicts", ["--conflicts"]],
  ["--obsoletes", ["--obsoletes"]],
  ["--queryformat (every tag, per package)", [`--queryformat=${QUERY_FORMAT}\n----\n`]],
  ["--whatprovides a primary file", ["--whatprovides", "/usr/bin/alpha"]],
  ["--whatprovides a non-primary file", ["--whatprovides", "/usr/share/alpha/data.txt"]],
  ["--whatrequires esc-alpha", ["--whatrequires", "esc-alpha"]],
];

describe.skipIf(!tools)("escalator repo index against createrepo_c", () => {
  let files: string[] = [];
  beforeAll(async () => {
    files = await buildFixturePackages(rpmbuild ?? "", join(tmp.path, "build"));
    writeFileSync(join(tmp.path, "dnf.conf"), "[main]\ngpgcheck=0\n");
    for (const repo of [ours, theirs]) {
      mkdirSync(join(repo, "Packages"), { recursive: true });
      for (const file of files)
        cpSync(file, join(repo, "Packages", basename(file)), { preserveTimestamps: true });
    }
    await indexDirectory(ours);
    await execFileAsync(createrepo ?? "", ["--no-database", "--quiet", theirs], { timeout: 60_000 });
  }, 120_000);

  it("builds the fixture set (binary, noarch and source packages)", () => {
    expect(files.map((f) => basename(f))).toEqual([
      "esc-alpha-1.0~rc1-3.src.rpm",
      `esc-alpha-1.0~rc1-3.${process.arch === "x64" ? "x86_64" : process.arch}.rpm`.replace(
        "arm64",
        "aarch64",
      ),
      "esc-beta-2.0^git20240101.abc-1.noarch.rpm",
      expect.stringMatching(/^esc-delta-10\.4-7\.\w+\.rpm$/),
      "esc-epsilon-1.0~~pre-0.1.noarch.rpm",
      "esc-gamma-0.5-1.el9~beta.noarch.rpm",
    ]);
  });

  for (const [label, args] of QUERIES) {
    const query = label.startsWith("--what") ? args : [...args, "*"];
    it(`dnf repoquery ${label}${query.length > args.length ? " '*'" : ""} answers the same on both repositories`, async () => {
      const [a, b] = await Promise.all([repoquery(ours, query), repoquery(theirs, query)]);
      expect(a.length).toBeGreaterThan(0);
      expect(a).toBe(b);
    }, 60_000);
  }

  it("answers include the source package, weak dependencies and the changelog limit", async () => {
    const info = await repoquery(ours, ["--info", "*"]);
    expect(info).toContain("Architecture : src");
    expect(info).toContain('Summary      : Alpha tools — "fast" & <safe> ünïcödé');
    expect(await repoquery(ours, ["--supplements", "esc-alpha.x86_64"])).toContain(
      "(esc-beta and esc-gamma)",
    );
    const changelog = await repoquery(ours, ["--changelog", "esc-alpha.x86_64"]);
    expect(changelog.match(/^\* /gm)).toHaveLength(10);
    expect(changelog).toContain("Entry 12");
    expect(changelog).not.toContain("Entry 2:");
  }, 60_000);

  it("writes the same uncompressed XML as createrepo_c 0.17, byte for byte", () => {
    for (const type of ["primary", "filelists", "other"]) {
      expect(metadata(ours, type), type).toBe(metadata(theirs, type));
    }
  });
});
