import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepoApp } from "../src/repo/http/create-repo-app.js";
import { Repository } from "../src/repo/repository.js";
import { generateSigningKey, signerFromArmored } from "../src/repo/signing.js";
import {
  auth,
  chunkedBody,
  json,
  LIMIT,
  type RepoHttpFixture,
  repoHttpFixture,
  sha256,
} from "./helpers/repo-http-fixture.js";
import { requireTool } from "./helpers/require-tool.js";

const rpmbuild = requireTool("rpmbuild");
let f: RepoHttpFixture;
let repository: Repository;
let app: RepoHttpFixture["app"];
let hello1: Buffer;
let hello1Again: Buffer;
let hello2: Buffer;
const upload = (body: string | Uint8Array, headers?: Record<string, string>) => f.upload(body, headers);
const poolFiles = () => f.poolFiles();
const tmpFiles = () => f.tmpFiles();

describe.skipIf(!rpmbuild)("repo HTTP API", () => {
  beforeAll(async () => {
    f = await repoHttpFixture(rpmbuild as string, "escalator-repo-http-");
    ({ repository, app, hello1, hello1Again, hello2 } = f);
  }, 60_000);
  afterAll(() => f?.close());

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

  it("refuses an explicitly empty package list, and an unsigned tag for a signed channel unless forced", async () => {
    const freeze = (body: string) => app.request("/api/v1/tags", { method: "POST", headers: json, body });
    const empty = await freeze('{"name":"nothing","packages":[]}');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({
      code: "INVALID_REQUEST",
      error: "packages is empty; leave it out to freeze the whole pool",
    });

    const key = await generateSigningKey("HTTP Test", "http@example.org");
    const signing = await Repository.open(repository.root, {
      signer: await signerFromArmored(key.privateKey),
    });
    await signing.freeze({ name: "gpg-1" });
    signing.close();
    expect((await freeze('{"name":"plain-1"}')).status).toBe(201);
    const put = (body: string) =>
      app.request("/api/v1/channels/secure", { method: "PUT", headers: json, body });
    expect((await put('{"tag":"gpg-1"}')).status).toBe(200);
    const refused = await put('{"tag":"plain-1"}');
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { code: string; error: string };
    expect(body.code).toBe("UNSIGNED_TAG");
    expect(body.error).toMatch(/repo_gpgcheck=1.*"force": true/s);
    expect((await put('{"tag":"plain-1","force":"yes"}')).status).toBe(400);
    expect((await put('{"tag":"plain-1","force":false}')).status).toBe(409);
    const forced = await put('{"tag":"plain-1","force":true}');
    expect(forced.status).toBe(200);
    expect(await forced.json()).toMatchObject({ name: "secure", tag: "plain-1" });
  });
});
