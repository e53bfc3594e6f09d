import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../test/helpers/build-rpm.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { Repository } from "./repository.js";
import { generateSigningKey, signerFromArmored } from "./signing.js";

const rpmbuild = requireTool("rpmbuild");
const tmp = tmpDir("escalator-repo-");
afterAll(() => tmp.remove());

function spec(name: string, version: string, opts: { epoch?: number; note?: string } = {}): string {
  return `Name: ${name}
${opts.epoch === undefined ? "" : `Epoch: ${opts.epoch}\n`}Version: ${version}
Release: 1
Summary: ${name} for the repository tests
License: MIT
BuildArch: noarch

%description
${opts.note ?? "Test package."}

%install
mkdir -p %{buildroot}/usr/share/${name}
echo ${version} > %{buildroot}/usr/share/${name}/version

%files
/usr/share/${name}/version
`;
}

/** Built once: hello 1.0 and 2.0, each rebuilt (same NEVRA, other bytes), hello 1:1.0, other 0.1. */
const rpms: Record<"hello1" | "hello2" | "hello1b" | "hello2b" | "helloE1" | "other", string> = {
  hello1: "",
  hello2b: "",
  hello2: "",
  hello1b: "",
  helloE1: "",
  other: "",
};

beforeAll(async () => {
  if (!rpmbuild) return;
  const built = await Promise.all([
    buildRpm(rpmbuild, tmp.path, spec("hello", "1.0")),
    buildRpm(rpmbuild, tmp.path, spec("hello", "2.0")),
    buildRpm(rpmbuild, tmp.path, spec("hello", "1.0", { note: "Rebuilt with other content." })),
    buildRpm(rpmbuild, tmp.path, spec("hello", "1.0", { epoch: 1 })),
    buildRpm(rpmbuild, tmp.path, spec("other", "0.1")),
    buildRpm(rpmbuild, tmp.path, spec("hello", "2.0", { note: "Rebuilt with other content." })),
  ]);
  const [a, b, c, d, e, f] = built.map((paths) => paths[0] as string);
  Object.assign(rpms, { hello1: a, hello2: b, hello1b: c, helloE1: d, other: e, hello2b: f });
}, 120_000);

let counter = 0;
function fakeClock() {
  let t = Date.UTC(2026, 0, 1);
  return { now: () => (t += 1000) };
}

async function openRepo(options: Parameters<typeof Repository.open>[1] = {}) {
  const root = join(tmp.path, `root-${++counter}`);
  return Repository.open(root, { clock: fakeClock(), ...options });
}

/** Every file under `dir`, relative, with its bytes (for "nothing changed" checks). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) out[relative(dir, path)] = readFileSync(path).toString("base64");
  }
  return out;
}

async function* chunks(...parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield p;
}

describe.skipIf(!rpmbuild)("Repository: the pool", () => {
  it("adds (created), re-adds (exists), refuses a NEVRA conflict and a non-RPM, storing nothing on refusal", async () => {
    const repo = await openRepo();
    const created = await repo.addFile(rpms.hello1);
    expect(created).toMatchObject({
      status: "created",
      nevra: "hello-1.0-1.noarch",
      name: "hello",
      epoch: 0,
      href: "Packages/h/hello-1.0-1.noarch.rpm",
      size: statSync(rpms.hello1).size,
    });
    expect(created.sha256).toMatch(/^[0-9a-f]{64}$/);
    const pool = join(repo.root, "pool");
    expect(readFileSync(join(pool, created.sha256.slice(0, 2), `${created.sha256}.rpm`))).toEqual(
      readFileSync(rpms.hello1),
    );

    const before = { pool: snapshot(pool), tmp: snapshot(join(repo.root, "tmp")) };
    expect(await repo.addFile(rpms.hello1)).toMatchObject({ status: "exists", sha256: created.sha256 });
    await expect(repo.addFile(rpms.hello1b)).rejects.toMatchObject({ code: "NEVRA_CONFLICT" });
    await expect(repo.addStream(chunks(new TextEncoder().encode("not an rpm at all")))).rejects.toMatchObject(
      {
        code: "INVALID_PACKAGE",
        // Said once: "not a valid RPM: file is 17 bytes, shorter than the 96-byte lead (at byte 0)".
        message: expect.stringMatching(/^not a valid RPM: file is 17 bytes, shorter than the 96-byte lead/),
      },
    );
    const truncated = readFileSync(rpms.hello2).subarray(0, 300);
    await expect(repo.addStream(chunks(truncated))).rejects.toMatchObject({ code: "INVALID_PACKAGE" });
    await expect(repo.addStream(chunks())).rejects.toMatchObject({ code: "INVALID_PACKAGE" });
    expect({ pool: snapshot(pool), tmp: snapshot(join(repo.root, "tmp")) }).toEqual(before);
    expect(repo.listPackages().map((p) => p.nevra)).toEqual(["hello-1.0-1.noarch"]);
    repo.close();
  });

  it("refuses an upload over the size limit with TOO_LARGE and keeps nothing", async () => {
    const repo = await openRepo({ maxPackageBytes: 1000 });
    const bytes = readFileSync(rpms.hello1);
    await expect(repo.addStream(chunks(bytes.subarray(0, 600), bytes.subarray(600)))).rejects.toMatchObject({
      code: "TOO_LARGE",
    });
    await expect(repo.addFile(rpms.hello1)).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(snapshot(join(repo.root, "tmp"))).toEqual({});
    expect(snapshot(join(repo.root, "pool"))).toEqual({});
    // The per-call limit overrides the default.
    expect(await repo.addStream(chunks(bytes), { maxBytes: bytes.length })).toMatchObject({
      status: "created",
    });
    repo.close();
  });

  it("keeps the pool consistent under concurrent uploads of the same file and of a NEVRA twin", async () => {
    const repo = await openRepo();
    const same = await Promise.all([repo.addFile(rpms.hello1), repo.addFile(rpms.hello1)]);
    expect(same.map((r) => r.status).sort()).toEqual(["created", "exists"]);
    const twins = await Promise.allSettled([repo.addFile(rpms.hello2), repo.addFile(rpms.hello2b)]);
    expect(twins.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = twins.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "NEVRA_CONFLICT" });
    expect(Object.keys(snapshot(join(repo.root, "pool")))).toHaveLength(2);
    expect(snapshot(join(repo.root, "tmp"))).toEqual({});
    repo.close();
  });

  it("treats no epoch and epoch 0 alike, and gives an epoch twin its own href", async () => {
    const repo = await openRepo();
    const plain = await repo.addFile(rpms.hello1);
    const twin = await repo.addFile(rpms.helloE1);
    expect(twin).toMatchObject({ nevra: "hello-1:1.0-1.noarch", epoch: 1, status: "created" });
    expect(twin.href).toBe(`Packages/${twin.sha256.slice(0, 12)}/hello-1.0-1.noarch.rpm`);
    const tag = await repo.freeze({ name: "t", packages: ["hello-0:1.0-1.noarch", "hello-1:1.0-1.noarch"] });
    expect(tag.packages).toBe(2);
    expect(repo.packageFile("t", plain.href)).toContain(plain.sha256);
    expect(repo.packageFile("t", twin.href)).toContain(twin.sha256);
    await expect(repo.freeze({ name: "u", packages: ["hello-1.0-1.noarch.rpm"] })).rejects.toMatchObject({
      code: "INVALID_REQUEST",
      message: expect.stringContaining("ambiguous"),
    });
    repo.close();
  });
});

describe.skipIf(!rpmbuild)("Repository: tags", () => {
  it("freezes the pool under a time-ordered default name, and refuses an existing name", async () => {
    const repo = await openRepo();
    await repo.addFile(rpms.hello1);
    const first = await repo.freeze();
    const second = await repo.freeze();
    expect(first.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.name > first.name).toBe(true);
    expect(first).toMatchObject({ packages: 1, url: `/tags/${first.name}/`, signed: false });
    const repodata = join(repo.tagDir(first.name), "repodata");
    expect(readdirSync(repodata).sort()).toEqual(
      expect.arrayContaining(["repomd.xml", expect.stringMatching(/^[0-9a-f]{64}-primary\.xml\.gz$/)]),
    );
    await expect(repo.freeze({ name: first.name })).rejects.toMatchObject({ code: "TAG_EXISTS" });
    expect(repo.listTags().map((t) => t.name)).toEqual([first.name, second.name]);
    repo.close();
  });

  it("freezes an empty pool, and selected packages by sha256, NEVRA or file name", async () => {
    const repo = await openRepo();
    expect(await repo.freeze({ name: "empty" })).toMatchObject({ packages: 0 });
    const h1 = await repo.addFile(rpms.hello1);
    await repo.addFile(rpms.hello2);
    const o = await repo.addFile(rpms.other);
    await repo.freeze({
      name: "pick",
      packages: [h1.sha256, "hello-2.0-1.noarch", "other-0.1-1.noarch.rpm"],
    });
    expect(repo.getTag("pick").packageList.map((p) => p.nevra)).toEqual([
      "hello-1.0-1.noarch",
      "hello-2.0-1.noarch",
      "other-0.1-1.noarch",
    ]);
    await repo.freeze({ name: "one", packages: [o.sha256, o.nevra] });
    expect(repo.getTag("one").packages).toBe(1);
    await expect(
      repo.freeze({ name: "bad", packages: ["nope-1-1.x86_64", h1.sha256] }),
    ).rejects.toMatchObject({
      code: "INVALID_REQUEST",
      message: expect.stringContaining("nope-1-1.x86_64"),
    });
    expect(() => repo.getTag("bad")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    // An explicitly empty list is a mistake (a CI variable that expanded to nothing), not "everything".
    await expect(repo.freeze({ name: "none", packages: [] })).rejects.toMatchObject({
      code: "INVALID_REQUEST",
      message: "packages is empty; leave it out to freeze the whole pool",
    });
    expect(repo.listTags().map((t) => t.name)).not.toContain("none");
    repo.close();
  });

  it("never changes a tag's metadata once frozen", async () => {
    const repo = await openRepo();
    await repo.addFile(rpms.hello1);
    await repo.freeze({ name: "v1" });
    const before = snapshot(repo.tagDir("v1"));
    await repo.addFile(rpms.hello2);
    await repo.freeze({ name: "v2" });
    expect(snapshot(repo.tagDir("v1"))).toEqual(before);
    expect(repo.getTag("v1").packages).toBe(1);
    expect(repo.getTag("v2").packages).toBe(2);
    repo.close();
  });

  it("diffs two tags into added, removed and changed", async () => {
    const repo = await openRepo();
    await repo.addFile(rpms.hello1);
    await repo.addFile(rpms.other);
    await repo.freeze({ name: "a", packages: ["hello-1.0-1.noarch", "other-0.1-1.noarch"] });
    await repo.addFile(rpms.hello2);
    await repo.freeze({ name: "b", packages: ["hello-2.0-1.noarch"] });
    const diff = repo.diff("a", "b");
    expect(diff.added).toEqual([]);
    expect(diff.removed.map((p) => p.nevra)).toEqual(["other-0.1-1.noarch"]);
    expect(diff.changed).toEqual([
      {
        name: "hello",
        arch: "noarch",
        from: expect.objectContaining({ evr: "1.0-1" }),
        to: expect.objectContaining({ evr: "2.0-1" }),
      },
    ]);
    const back = repo.diff("b", "a");
    expect(back.added.map((p) => p.nevra)).toEqual(["other-0.1-1.noarch"]);
    expect(repo.diff("a", "a")).toMatchObject({ added: [], removed: [], changed: [] });
    expect(() => repo.diff("a", "zzz")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    repo.close();
  });

  it("publishes atomically: a failing metadata write leaves no tag folder and no rows", async () => {
    const failing = { sign: async () => Promise.reject(new Error("signer exploded")) };
    const repo = await openRepo({ signer: failing });
    await repo.addFile(rpms.hello1);
    await expect(repo.freeze({ name: "broken" })).rejects.toThrow("signer exploded");
    expect(readdirSync(join(repo.root, "tags"))).toEqual([]);
    expect(repo.listTags()).toEqual([]);
    expect(() => repo.tagDir("broken")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    repo.close();
  });

  it("signs each tag's repomd.xml when a signer is configured", async () => {
    const key = await generateSigningKey("Repo Test", "repo@example.org");
    const repo = await openRepo({ signer: await signerFromArmored(key.privateKey) });
    await repo.addFile(rpms.hello1);
    expect(await repo.freeze({ name: "signed" })).toMatchObject({ signed: true });
    const repodata = join(repo.tagDir("signed"), "repodata");
    expect(readFileSync(join(repodata, "repomd.xml.asc"), "utf8")).toContain("BEGIN PGP SIGNATURE");
    expect(readFileSync(join(repodata, "repomd.xml.key"), "utf8").trim()).toBe(key.publicKey.trim());
    repo.close();
  });

  it("serves a package file only for hrefs the tag holds", async () => {
    const repo = await openRepo();
    const h1 = await repo.addFile(rpms.hello1);
    await repo.freeze({ name: "t1" });
    const h2 = await repo.addFile(rpms.hello2);
    expect(repo.packageFile("t1", h1.href)).toBe(
      join(repo.root, "pool", h1.sha256.slice(0, 2), `${h1.sha256}.rpm`),
    );
    expect(repo.packageFile("t1", h2.href)).toBeUndefined();
    expect(repo.packageFile("t1", "../../repo.db")).toBeUndefined();
    expect(repo.packageFile("t1", `pool/${h1.sha256.slice(0, 2)}/${h1.sha256}.rpm`)).toBeUndefined();
    expect(repo.packageFile("../t1", h1.href)).toBeUndefined();
    expect(repo.packageFile("missing", h1.href)).toBeUndefined();
    repo.close();
  });
});
