import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepoApp } from "../src/repo/http/create-repo-app.js";
import { Repository } from "../src/repo/repository.js";
import { buildRpm } from "./helpers/build-rpm.js";
import { helloSpec } from "./helpers/hello-rpm.js";
import { requireTool } from "./helpers/require-tool.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const rpmbuild = requireTool("rpmbuild");
const dir = tmpDir("escalator-repo-http-");
const TOKEN = "s3cret-token";
const LIMIT = 64 * 1024;

let repository: Repository;
let app: Hono;
let hello1: Buffer;
let hello1Again: Buffer; // same NEVRA, other bytes (another build)
let hello2: Buffer;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const auth = { Authorization: `Bearer ${TOKEN}` };
const json = { ...auth, "Content-Type": "application/json" };

function upload(body: string | Uint8Array, headers: Record<string, string> = auth) {
  return app.request("/api/v1/packages", { method: "POST", body, headers });
}

function poolFiles(): string[] {
  const pool = join(repository.root, "pool");
  return readdirSync(pool, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".rpm"));
}

function tmpFiles(): string[] {
  const tmp = join(repository.root, "tmp");
  return existsSync(tmp) ? readdirSync(tmp) : [];
}

/** A body of `size` bytes sent without Content-Length, in 8 KiB chunks. */
function chunkedBody(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(8192, size - sent)).fill(0xab);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

describe.skipIf(!rpmbuild)("repo HTTP API", () => {
  beforeAll(async () => {
    const [a] = await buildRpm(rpmbuild as string, dir.path, helloSpec("1.0"));
    const [b] = await buildRpm(rpmbuild as string, dir.path, helloSpec("1.0", "rebuilt"));
    const [c] = await buildRpm(rpmbuild as string, dir.path, helloSpec("2.0"));
    hello1 = readFileSync(a as string);
    hello1Again = readFileSync(b as string);
    hello2 = readFileSync(c as string);
    repository = await Repository.open(join(dir.path, "root"));
    app = createRepoApp({ repository, tokens: [TOKEN], maxUploadBytes: LIMIT });
  }, 60_000);
  afterAll(() => {
    repository?.close();
    dir.remove();
  });

  it("uploads: 201 new, 200 the same file again, 409 same NEVRA with other content", async () => {
    const created = await upload(hello1);
    expect(created.status).toBe(201);
    const body = (await created.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ nevra: "hello-1.0-1.noarch", sha256: sha256(hello1), status: "created" });

    const again = await upload(hello1);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ nevra: "hello-1.0-1.noarch", status: "exists" });

    const conflict = await upload(hello1Again);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: "NEVRA_CONFLICT" });
    expect(poolFiles()).toHaveLength(1);
    expect(tmpFiles()).toEqual([]);
  });

  it("refuses what is not an RPM with 400 and the reason, storing nothing", async () => {
    const before = poolFiles();
    for (const bad of [Buffer.from("#!/bin/sh\necho not an rpm\n"), hello2.subarray(0, 500)]) {
      const response = await upload(bad);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; code: string };
      expect(body.code).toBe("INVALID_PACKAGE");
      expect(body.error.length).toBeGreaterThan(10);
    }
    const empty = await upload(new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(poolFiles()).toEqual(before);
    expect(tmpFiles()).toEqual([]);
  });

  it("refuses oversized uploads with 413, with and without Content-Length, storing nothing", async () => {
    const before = poolFiles();
    const declared = await upload(new Uint8Array(LIMIT + 1), {
      ...auth,
      "Content-Length": String(LIMIT + 1),
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: "TOO_LARGE" });

    const streamed = await app.request(
      new Request("http://localhost/api/v1/packages", {
        method: "POST",
        headers: auth,
        body: chunkedBody(LIMIT * 3),
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ code: "TOO_LARGE" });
    expect(poolFiles()).toEqual(before);
    expect(tmpFiles()).toEqual([]);
    expect(repository.listPackages().map((p) => p.nevra)).toEqual(["hello-1.0-1.noarch"]);
  });

  it("needs the bearer token for writes once tokens are configured; reads stay open", async () => {
    const none = await upload(hello2, {});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: "UNAUTHORIZED" });
    const wrong = await upload(hello2, { Authorization: "Bearer not-the-token" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      code: "UNAUTHORIZED",
      error: expect.stringMatching(/not valid/),
    });
    for (const [method, path] of [
      ["POST", "/api/v1/tags"],
      ["PUT", "/api/v1/channels/prod"],
      ["DELETE", "/api/v1/tags/anything"],
    ] as const) {
      expect((await app.request(path, { method })).status).toBe(401);
    }
    expect(repository.listPackages()).toHaveLength(1);
    expect((await app.request("/api/v1/packages")).status).toBe(200);
    expect((await app.request("/healthz")).status).toBe(200);
  });

  it("refuses writes from web pages on other sites, and (when set) for other Host names", async () => {
    const crossSite = await upload(hello2, { ...auth, "Sec-Fetch-Site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ code: "FORBIDDEN" });
    const otherOrigin = await app.request("http://127.0.0.1:8471/api/v1/tags", {
      method: "POST",
      headers: { ...auth, Origin: "http://evil.example" },
    });
    expect(otherOrigin.status).toBe(403);
    const loopbackOnly = createRepoApp({ repository, allowedHosts: ["127.0.0.1", "localhost"] });
    const rebound = await loopbackOnly.request("http://evil.example:8471/api/v1/tags", { method: "POST" });
    expect(rebound.status).toBe(403);
    expect((await loopbackOnly.request("http://evil.example:8471/api/v1/tags")).status).toBe(200);
    expect(repository.listTags()).toEqual([]);
    expect(repository.listPackages()).toHaveLength(1);
  });

  it("freezes, lists, shows, diffs and deletes tags", async () => {
    const t1 = await app.request("/api/v1/tags", { method: "POST", headers: json, body: '{"name":"t1"}' });
    expect(t1.status).toBe(201);
    expect(await t1.json()).toMatchObject({ tag: "t1", packages: 1, url: "/tags/t1/" });
    expect((await upload(hello2)).status).toBe(201);
    const t2 = await app.request("/api/v1/tags", { method: "POST", headers: json, body: '{"name":"t2"}' });
    expect(t2.status).toBe(201);
    expect(await t2.json()).toMatchObject({ tag: "t2", packages: 2 });

    const only = await app.request("/api/v1/tags", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ name: "only-2", packages: ["hello-2.0-1.noarch"] }),
    });
    expect(only.status).toBe(201);
    expect(await only.json()).toMatchObject({ tag: "only-2", packages: 1 });

    const unnamed = await app.request("/api/v1/tags", { method: "POST", headers: auth });
    expect(unnamed.status).toBe(201);
    const generated = ((await unnamed.json()) as { tag: string }).tag;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);

    const exists = await app.request("/api/v1/tags", {
      method: "POST",
      headers: json,
      body: '{"name":"t1"}',
    });
    expect(exists.status).toBe(409);
    expect(await exists.json()).toMatchObject({ code: "TAG_EXISTS" });
    const badName = await app.request("/api/v1/tags", {
      method: "POST",
      headers: json,
      body: '{"name":"a/b"}',
    });
    expect(badName.status).toBe(400);
    expect(await badName.json()).toMatchObject({ code: "INVALID_NAME" });
    const malformed = await app.request("/api/v1/tags", { method: "POST", headers: json, body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      code: "INVALID_REQUEST",
      error: expect.stringMatching(/JSON/),
    });
    const typo = await app.request("/api/v1/tags", { method: "POST", headers: json, body: '{"tag":"x"}' });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { error: string }).error).toMatch(/"tag"/);
    const unknown = await app.request("/api/v1/tags", {
      method: "POST",
      headers: json,
      body: '{"name":"x","packages":["nope-1-1.noarch"]}',
    });
    expect(unknown.status).toBe(400);

    const list = (await (await app.request("/api/v1/tags")).json()) as { tags: { name: string }[] };
    expect(list.tags.map((t) => t.name)).toEqual(["t1", "t2", "only-2", generated]);
    const detail = (await (await app.request("/api/v1/tags/t2")).json()) as {
      packageList: { nevra: string }[];
    };
    expect(detail.packageList.map((p) => p.nevra)).toEqual(["hello-1.0-1.noarch", "hello-2.0-1.noarch"]);
    expect((await app.request("/api/v1/tags/nope")).status).toBe(404);

    const diff = (await (await app.request("/api/v1/tags/only-2/diff/t1")).json()) as {
      added: unknown[];
      removed: unknown[];
      changed: { name: string; from: { evr: string }; to: { evr: string } }[];
    };
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toMatchObject([{ name: "hello", from: { evr: "2.0-1" }, to: { evr: "1.0-1" } }]);

    const deleted = await app.request(`/api/v1/tags/${generated}`, { method: "DELETE", headers: auth });
    expect(deleted.status).toBe(204);
    expect((await app.request(`/api/v1/tags/${generated}`, { method: "DELETE", headers: auth })).status).toBe(
      404,
    );
  });

  it("promotes channels with a history; a tag a channel points at cannot be deleted", async () => {
    const put = (name: string, body: string) =>
      app.request(`/api/v1/channels/${name}`, { method: "PUT", headers: json, body });
    const first = await put("prod", '{"tag":"t1"}');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ name: "prod", tag: "t1" });
    expect((await put("prod", '{"tag":"t2"}')).status).toBe(200);
    expect((await put("prod", '{"tag":"nope"}')).status).toBe(404);
    expect((await put("prod", "{}")).status).toBe(400);
    expect((await put("bad%20name", '{"tag":"t1"}')).status).toBe(400);

    const channel = (await (await app.request("/api/v1/channels/prod")).json()) as {
      tag: string;
      history: { fromTag: string | null; toTag: string }[];
    };
    expect(channel.tag).toBe("t2");
    expect(channel.history.map((h) => [h.fromTag, h.toTag]).sort()).toEqual(
      [
        ["t1", "t2"],
        [null, "t1"],
      ].sort(),
    );
    const all = (await (await app.request("/api/v1/channels")).json()) as { channels: { name: string }[] };
    expect(all.channels.map((c) => c.name)).toEqual(["prod"]);
    expect((await app.request("/api/v1/channels/nope")).status).toBe(404);

    const inUse = await app.request("/api/v1/tags/t2", { method: "DELETE", headers: auth });
    expect(inUse.status).toBe(409);
    expect(await inUse.json()).toMatchObject({ code: "TAG_IN_USE" });
    expect((await app.request("/api/v1/tags/t2")).status).toBe(200);
  });

  it("serves the tags' metadata and packages, streamed with their headers, and .repo files", async () => {
    const repomdPath = join(repository.tagDir("t1"), "repodata", "repomd.xml");
    const repomd = await app.request("/tags/t1/repodata/repomd.xml");
    expect(repomd.status).toBe(200);
    expect(repomd.headers.get("content-type")).toBe("application/xml");
    expect(repomd.headers.get("content-length")).toBe(String(readFileSync(repomdPath).length));
    const text = await repomd.text();
    expect(text).toBe(readFileSync(repomdPath, "utf8"));
    for (const href of [...text.matchAll(/<location href="([^"]+)"/g)].map((m) => m[1] as string)) {
      const file = await app.request(`/tags/t1/${href}`);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toBe("application/gzip");
      await file.arrayBuffer();
    }
    const head = await app.request("/tags/t1/repodata/repomd.xml", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(repomd.headers.get("content-length"));
    expect(await head.text()).toBe("");

    const href = repository.getTag("t1").packageList[0]?.href as string;
    const pkg = await app.request(`/tags/t1/${href}`);
    expect(pkg.status).toBe(200);
    expect(pkg.headers.get("content-type")).toBe("application/x-rpm");
    expect(pkg.headers.get("content-length")).toBe(String(hello1.length));
    expect(Buffer.from(await pkg.arrayBuffer()).equals(hello1)).toBe(true);
    const etag = pkg.headers.get("etag") as string;
    expect((await app.request(`/tags/t1/${href}`, { headers: { "If-None-Match": etag } })).status).toBe(304);
    // librepo resumes an interrupted download with a Range.
    const rest = await app.request(`/tags/t1/${href}`, {
      headers: { Range: "bytes=100-", "If-Range": etag },
    });
    expect(rest.status).toBe(206);
    expect(rest.headers.get("content-range")).toBe(`bytes 100-${hello1.length - 1}/${hello1.length}`);
    expect(Buffer.from(await rest.arrayBuffer()).equals(hello1.subarray(100))).toBe(true);

    const repoFile = await app.request("http://repo.example:8471/tags/t1.repo");
    expect(repoFile.status).toBe(200);
    const ini = await repoFile.text();
    expect(ini).toContain("[escalator-tag-t1]");
    expect(ini).toContain("baseurl=http://repo.example:8471/tags/t1/");
    expect(ini).toMatch(/^enabled=1$/m);
    expect(ini).toMatch(/^gpgcheck=0$/m);
    expect(ini).not.toContain("repo_gpgcheck");
    expect((await app.request("/tags/nope.repo")).status).toBe(404);

    // The channel serves the tag it points at now (t2).
    const viaChannel = await (await app.request("/channels/prod/repodata/repomd.xml")).text();
    expect(viaChannel).toBe(readFileSync(join(repository.tagDir("t2"), "repodata", "repomd.xml"), "utf8"));
    const channelRepo = await (await app.request("http://h/channels/prod.repo")).text();
    expect(channelRepo).toContain("[escalator-channel-prod]");
    expect(channelRepo).toContain("baseurl=http://h/channels/prod/");
    expect((await app.request("/channels/nope/repodata/repomd.xml")).status).toBe(404);

    // A client that read t1's repomd.xml just before prod moved to t2 still gets t1's metadata.
    const t1Primary = /<location href="(repodata\/[^"]+-primary\.xml\.gz)"/.exec(text)?.[1] as string;
    expect(viaChannel).not.toContain(t1Primary);
    const stale = await app.request(`/channels/prod/${t1Primary}`);
    expect(stale.status).toBe(200);
    expect(
      Buffer.from(await stale.arrayBuffer()).equals(readFileSync(join(repository.tagDir("t1"), t1Primary))),
    ).toBe(true);
    expect((await app.request(`/tags/t2/${t1Primary}`)).status).toBe(404);
  });

  it("never serves a file outside the tag, whatever the path", async () => {
    const t2Only = repository.getTag("t2").packageList.find((p) => p.version === "2.0")?.href as string;
    const attempts = [
      "/tags/..%2f..%2fetc/passwd",
      "/tags/..%2F..%2Frepo.db",
      "/tags/x/../../repo.db",
      "/tags/t1/../../repo.db",
      "/tags/t1/..%2f..%2frepo.db",
      "/tags/t1/repodata/..%2f..%2f..%2frepo.db",
      "/tags/t1/repodata/%2e%2e/%2e%2e/%2e%2e/repo.db",
      "/tags/t1/%2e%2e/%2e%2e/repo.db",
      "/tags/%2e%2e/repo.db",
      "/tags/%2e%2e.repo",
      "/tags/t1%2f..%2f..%2frepo.db",
      "/tags/t1/repodata/",
      "/tags/t1/",
      "/tags/t1/Packages/h/not-there.rpm",
      `/tags/t1/${t2Only}`,
      "/tags/t1/%ff%fe",
      "/channels/..%2f..%2frepo.db/x",
      "/channels/prod/..%2f..%2f..%2frepo.db",
      "/api/v1/tags/..%2f..%2frepo.db",
      "/api/v1/tags/a%2Fb",
      "/api/v1/channels/..",
    ];
    for (const path of attempts) {
      const response = await app.request(path);
      expect([400, 404], path).toContain(response.status);
      const body = (await response.json()) as { error: string; code: string };
      expect(body.code, path).toMatch(/^(NOT_FOUND|INVALID_NAME|INVALID_REQUEST)$/);
    }
    const valid = await app.request(`/tags/t2/${t2Only}`);
    expect(valid.status).toBe(200);
    await valid.arrayBuffer();
  });

  it("answers every error as JSON { error, code }", async () => {
    for (const [method, path, status] of [
      ["GET", "/nope", 404],
      ["GET", "/api/v1/tags/nope", 404],
      ["PATCH", "/api/v1/tags/t1", 405],
      ["DELETE", "/tags/t1/repodata/repomd.xml", 405],
      ["PUT", "/api/v1/tags", 405],
    ] as const) {
      const response = await app.request(path, { method, headers: auth });
      expect(response.status, `${method} ${path}`).toBe(status);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      expect(Object.keys((await response.json()) as object).sort()).toEqual(["code", "error"]);
    }
  });
});
