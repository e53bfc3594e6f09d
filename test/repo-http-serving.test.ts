import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Repository } from "../src/repo/repository.js";
import { json, type RepoHttpFixture, repoHttpFixture } from "./helpers/repo-http-fixture.js";
import { requireTool } from "./helpers/require-tool.js";

const rpmbuild = requireTool("rpmbuild");
let f: RepoHttpFixture;
let repository: Repository;
let app: RepoHttpFixture["app"];
let hello1: Buffer;
let hello2: Buffer;
const upload = (body: string | Uint8Array, headers?: Record<string, string>) => f.upload(body, headers);
const _poolFiles = () => f.poolFiles();
const _tmpFiles = () => f.tmpFiles();

describe.skipIf(!rpmbuild)("repo HTTP: serving tags and channels", () => {
  beforeAll(async () => {
    f = await repoHttpFixture(rpmbuild as string, "escalator-repo-serving-");
    ({ repository, app, hello1, hello2 } = f);
    const freeze = (name: string) =>
      app.request("/api/v1/tags", { method: "POST", headers: json, body: JSON.stringify({ name }) });
    expect((await upload(hello1)).status).toBe(201);
    expect((await freeze("t1")).status).toBe(201);
    expect((await upload(hello2)).status).toBe(201);
    expect((await freeze("t2")).status).toBe(201);
    // prod points at t1, then moves on to t2.
    for (const tag of ["t1", "t2"]) {
      const put = await app.request("/api/v1/channels/prod", {
        method: "PUT",
        headers: json,
        body: JSON.stringify({ tag }),
      });
      expect(put.status).toBe(200);
    }
  }, 60_000);
  afterAll(() => f?.close());

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
});
