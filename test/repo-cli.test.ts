import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexDirectory } from "../src/repo/repodata/index-directory.js";
import { buildRpm } from "./helpers/build-rpm.js";
import { helloSpec } from "./helpers/hello-rpm.js";
import { requireTool } from "./helpers/require-tool.js";
import { runCli } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const rpmbuild = requireTool("rpmbuild");
const work = tmpDir("escalator-repo-cli-");
const root = join(work.path, "root");
const env = { ESCALATOR_REPO_ROOT: "", CI: "true" };

async function repo(args: string[], extraEnv: Record<string, string> = {}) {
  const result = await runCli(["repo", ...args], { cwd: work.path, env: { ...env, ...extraEnv } });
  return { ...result, json: () => JSON.parse(result.stdout) as Record<string, unknown> };
}

afterAll(() => work.remove());

describe("escalator repo: usage", { timeout: 120_000 }, () => {
  it("documents every command with examples", async () => {
    const help = await repo(["--help"]);
    expect(help.code).toBe(0);
    for (const command of [
      "add",
      "tag",
      "tags",
      "diff",
      "promote",
      "delete",
      "prune",
      "index",
      "keygen",
      "serve",
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
      const sub = await repo([command, "--help"]);
      expect(sub.code, command).toBe(0);
      expect(sub.stdout, command).toMatch(/Examples:\n {2}escalator/);
    }
    const top = await runCli(["--help"]);
    expect(top.stdout).toMatch(/escalator repo serve --root DIR/);
  });

  it("exits 2 with a clear message on usage errors", async () => {
    const cases: [string[], RegExp][] = [
      [["tags"], /--root DIR \(or set ESCALATOR_REPO_ROOT\)/],
      [["tags", "--root", join(work.path, "missing")], /no repository at .*missing/],
      [["add", "--root", root], /missing required argument 'files'/],
      [["add", "--root", root, join(work.path, "nope.rpm")], /no such file or folder: .*nope\.rpm/],
      [["diff", "--root", root, "a"], /missing required argument 'b'/],
      [["prune", "--root", root], /required option '--keep <n>'/],
      [["prune", "--root", root, "--keep", "-1"], /--keep must be a whole number/],
      [["index", join(work.path, "missing")], /is not a folder/],
      [["index", work.path, "--changelog-limit", "x"], /--changelog-limit must be a whole number/],
      [["serve", "--root", root, "--listen", "nowhere"], /is not HOST:PORT/],
      [
        ["serve", "--root", root, "--listen", "0.0.0.0:0"],
        /refusing to listen on 0\.0\.0\.0:0 without a token file/,
      ],
      [["serve", "--root", root, "--max-upload-bytes", "lots"], /--max-upload-bytes must be a size/],
      [
        ["serve", "--root", root, "--max-concurrent-uploads", "0"],
        /--max-concurrent-uploads must be a whole number of at least 1/,
      ],
      [["add", "--root", root, "--max-package-bytes", "lots", "x.rpm"], /--max-package-bytes must be a size/],
      [["serve", "--root", root, "--token-file", join(work.path, "no-tokens")], /cannot read the token file/],
      [["tags", "--root", root, "--bogus"], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const result = await repo(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(message);
    }
  });
});

describe.skipIf(!rpmbuild)("escalator repo: the workflow", { timeout: 120_000 }, () => {
  const rpms = join(work.path, "rpms");
  let hello1 = "";
  let hello1Rebuilt = "";
  let hello2 = "";

  beforeAll(async () => {
    mkdirSync(rpms);
    const [a] = await buildRpm(rpmbuild as string, work.path, helloSpec("1.0"));
    const [b] = await buildRpm(rpmbuild as string, work.path, helloSpec("1.0", "rebuilt"));
    const [c] = await buildRpm(rpmbuild as string, work.path, helloSpec("2.0"));
    hello1 = join(rpms, "hello-1.0-1.noarch.rpm");
    hello2 = join(rpms, "hello-2.0-1.noarch.rpm");
    hello1Rebuilt = b as string;
    copyFileSync(a as string, hello1);
    copyFileSync(c as string, hello2);
  }, 60_000);

  it("adds files and folders, says which already exist, refuses conflicts and non-RPMs with exit 1", async () => {
    const first = await repo(["--json", "add", "--root", root, hello1]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({
      added: [{ nevra: "hello-1.0-1.noarch", status: "created" }],
      refused: [],
    });

    const folder = await repo(["add", "--root", root, rpms]);
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.stdout).toMatch(/exists hello-1\.0-1\.noarch/);
    expect(folder.stdout).toMatch(/added +hello-2\.0-1\.noarch/);
    expect(folder.stdout).toMatch(/1 added, 1 already there/);
    expect(folder.stderr).toBe(""); // no progress bar without a terminal

    const garbage = join(work.path, "garbage.rpm");
    writeFileSync(garbage, "not an rpm");
    const refused = await repo(["--json", "add", "--root", root, hello1Rebuilt, garbage, hello2]);
    expect(refused.code).toBe(1);
    const body = refused.json() as { added: unknown[]; refused: { code: string }[] };
    expect(body.refused.map((r) => r.code)).toEqual(["NEVRA_CONFLICT", "INVALID_PACKAGE"]);
    expect(body.added).toMatchObject([{ nevra: "hello-2.0-1.noarch", status: "exists" }]);

    const human = await repo(["add", "--root", root, garbage]);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/refused .*garbage\.rpm: .*RPM/);
  });

  it("freezes tags, lists and diffs them, promotes, deletes and prunes", async () => {
    const t1 = await repo(["--json", "tag", "--root", root, "t1", "--package", "hello-1.0-1.noarch"]);
    expect(t1.code, t1.stderr).toBe(0);
    expect(t1.json()).toMatchObject({ tag: "t1", packages: 1, url: "/tags/t1/" });
    const t2 = await repo(["tag", "t2"], { ESCALATOR_REPO_ROOT: root });
    expect(t2.code, t2.stderr).toBe(0);
    expect(t2.stdout).toMatch(/tag t2: 2 packages/);
    const again = await repo(["--json", "tag", "--root", root, "t2"]);
    expect(again.code).toBe(1);
    expect(again.json()).toMatchObject({ code: "TAG_EXISTS" });
    const invalid = await repo(["tag", "--root", root, "../evil"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/tag name/);

    const tags = await repo(["--json", "tags", "--root", root]);
    expect((tags.json().tags as { name: string }[]).map((t) => t.name)).toEqual(["t1", "t2"]);
    const table = await repo(["tags", "--root", root]);
    expect(table.stdout).toMatch(/^TAG +PACKAGES +CREATED +SIGNED +CHANNELS$/m);
    expect(table.stdout).toMatch(/^t2 +2 /m);

    const diff = await repo(["--json", "diff", "--root", root, "t1", "t2"]);
    expect(diff.code).toBe(0);
    expect(diff.json()).toMatchObject({ from: "t1", to: "t2", removed: [], changed: [] });
    expect((diff.json().added as { nevra: string }[]).map((p) => p.nevra)).toEqual(["hello-2.0-1.noarch"]);
    const humanDiff = await repo(["diff", "--root", root, "t1", "t2"]);
    expect(humanDiff.stdout).toMatch(/^\+ hello-2\.0-1\.noarch$/m);
    expect((await repo(["diff", "--root", root, "t1", "nope"])).code).toBe(1);

    const promote = await repo(["--json", "promote", "--root", root, "prod", "t1"]);
    expect(promote.code).toBe(0);
    expect(promote.json()).toMatchObject({ name: "prod", tag: "t1" });
    const inUse = await repo(["--json", "delete", "--root", root, "t1"]);
    expect(inUse.code).toBe(1);
    expect(inUse.json()).toMatchObject({ code: "TAG_IN_USE" });
    const moved = await repo(["promote", "--root", root, "prod", "t2"]);
    expect(moved.stdout).toMatch(/channel prod → t2 \(was t1\)/);
    const channels = await repo(["--json", "channels", "--root", root]);
    expect((channels.json().channels as { history: unknown[] }[])[0]?.history).toHaveLength(2);

    expect((await repo(["tag", "--root", root, "t3"])).code).toBe(0);
    const prune = await repo(["--json", "prune", "--root", root, "--keep", "1"]);
    expect(prune.code, prune.stderr).toBe(0);
    // t3 is the newest; t2 stays because prod points at it.
    expect(prune.json()).toMatchObject({ removed: ["t1"] });
    expect((prune.json().kept as string[]).sort()).toEqual(["t2", "t3"]);
    const deleted = await repo(["--json", "delete", "--root", root, "t3"]);
    expect(deleted.code).toBe(0);
    expect(deleted.json()).toEqual({ deleted: "t3" });
    expect((await repo(["delete", "--root", root, "t3"])).code).toBe(1);
  });

  it("repo index writes what indexDirectory writes", async () => {
    const dir = join(work.path, "index-me");
    mkdirSync(join(dir, "sub"), { recursive: true });
    copyFileSync(hello1, join(dir, "hello-1.0-1.noarch.rpm"));
    copyFileSync(hello2, join(dir, "sub", "hello-2.0-1.noarch.rpm"));
    const result = await repo(["--json", "index", dir, "--changelog-limit", "3"]);
    expect(result.code, result.stderr).toBe(0);
    const body = result.json() as {
      packages: number;
      entries: { type: string; href: string; openChecksum: string }[];
    };
    expect(body.packages).toBe(2);
    const read = (href: string) => gunzipSync(readFileSync(join(dir, href))).toString("utf8");
    const fromCli = Object.fromEntries(body.entries.map((e) => [e.type, read(e.href)]));
    expect(Object.keys(fromCli).sort()).toEqual(["filelists", "other", "primary"]);

    rmSync(join(dir, "repodata"), { recursive: true });
    const direct = await indexDirectory(dir, { changelogLimit: 3 });
    const fromLibrary = Object.fromEntries(direct.result.entries.map((e) => [e.type, read(e.href)]));
    expect(fromCli).toEqual(fromLibrary);
    expect(body.entries.map((e) => e.openChecksum)).toEqual(direct.result.entries.map((e) => e.openChecksum));

    const human = await repo(["index", dir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/indexed 2 packages into .*repodata/);
  });

  it("repo add --max-package-bytes sets the package limit, and a refusal names the flag", async () => {
    const limited = join(work.path, "root-limited");
    const small = await repo(["--json", "add", "--root", limited, "--max-package-bytes", "1K", hello1]);
    expect(small.code).toBe(1);
    expect(small.json()).toMatchObject({
      added: [],
      refused: [
        { code: "TOO_LARGE", error: expect.stringMatching(/limit of 1024 bytes.*--max-package-bytes/) },
      ],
    });
    const human = await repo(["add", "--root", limited, "--max-package-bytes", "1K", hello1]);
    expect(human.stderr).toMatch(/raise it with --max-package-bytes/);
    const raised = await repo(["--json", "add", "--root", limited, "--max-package-bytes", "2G", hello1]);
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.json()).toMatchObject({ added: [{ status: "created" }] });
  });

  it("repo index fails on the first invalid file, naming it; --skip-invalid indexes the rest and exits 1", async () => {
    const dir = join(work.path, "index-invalid");
    mkdirSync(dir);
    copyFileSync(hello1, join(dir, "hello-1.0-1.noarch.rpm"));
    writeFileSync(join(dir, "broken.rpm"), "not an rpm");
    const strict = await repo(["index", dir]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/broken\.rpm: not a valid RPM/);
    expect(() => statSync(join(dir, "repodata"))).toThrow();

    const json = await repo(["--json", "index", dir, "--skip-invalid"]);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({
      packages: 1,
      skipped: [{ file: expect.stringMatching(/broken\.rpm$/), reason: expect.any(String) }],
    });
    const human = await repo(["index", dir, "--skip-invalid"]);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/skipped .*broken\.rpm: /);
    expect(human.stdout).toMatch(/indexed 1 packages .*; skipped 1 invalid/);
    const help = await repo(["index", "--help"]);
    expect(help.stdout).toMatch(/the switch is two renames/);
    expect(help.stdout).not.toMatch(/never see/);
  });

  it("generates a signing key, never overwriting one", async () => {
    const out = join(work.path, "key.asc");
    const made = await repo([
      "--json",
      "keygen",
      "--out",
      out,
      "--name",
      "Test Key",
      "--email",
      "t@example.org",
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.json().fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(readFileSync(out, "utf8")).toMatch(/BEGIN PGP PRIVATE KEY BLOCK/);
    expect(readFileSync(`${out}.pub`, "utf8")).toMatch(/BEGIN PGP PUBLIC KEY BLOCK/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await repo(["keygen", "--out", out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists/);
  });

  it("signs a tag frozen from the CLI with --signing-key", async () => {
    const key = join(work.path, "key.asc");
    const tagged = await repo(["--json", "tag", "--root", root, "signed-1", "--signing-key", key]);
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(tagged.json()).toMatchObject({ tag: "signed-1", signed: true });
    const repodata = join(root, "tags", "signed-1", "repodata");
    expect(readFileSync(join(repodata, "repomd.xml.asc"), "utf8")).toMatch(/BEGIN PGP SIGNATURE/);
    expect(readFileSync(join(repodata, "repomd.xml.key"), "utf8")).toMatch(/BEGIN PGP PUBLIC KEY BLOCK/);
    const missing = await repo([
      "tag",
      "--root",
      root,
      "signed-2",
      "--signing-key",
      join(work.path, "no.asc"),
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no\.asc/);
    expect(readFileSync(join(root, "repo.db")).length).toBeGreaterThan(0);
  });

  it("refuses to promote an unsigned tag to a channel serving a signed one, unless --force", async () => {
    const key = join(work.path, "key.asc");
    expect((await repo(["tag", "--root", root, "signed-cli", "--signing-key", key])).code).toBe(0);
    expect((await repo(["tag", "--root", root, "unsigned-cli"])).code).toBe(0);
    expect((await repo(["promote", "--root", root, "secure", "signed-cli"])).code).toBe(0);
    const refused = await repo(["promote", "--root", root, "secure", "unsigned-cli"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/repo_gpgcheck=1/);
    expect(refused.stderr).toMatch(/--force/);
    const forced = await repo(["--json", "promote", "--root", root, "--force", "secure", "unsigned-cli"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json()).toMatchObject({ name: "secure", tag: "unsigned-cli" });
  });
});
