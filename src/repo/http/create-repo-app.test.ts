import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import { Repository } from "../repository.js";
import type { AddResult, ChannelInfo, RepositoryApi } from "../types.js";
import { createRepoApp } from "./create-repo-app.js";

/** A pino logger whose entries land in `entries`. */
function capturedLogger() {
  const entries: { level: number; msg: string; [key: string]: unknown }[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => entries.push(JSON.parse(line)) });
  return { logger, entries };
}

const ADDED = { nevra: "x-1-1.noarch", status: "created" } as AddResult;

/** A repository whose addStream reads the whole body, then does `then`. */
function fakeRepository(dir: string, then: () => Promise<AddResult> = async () => ADDED): RepositoryApi {
  const channel: ChannelInfo = { name: "same", tag: "same", updatedAt: "2024-01-01T00:00:00Z", history: [] };
  return {
    root: dir,
    async addStream(body: AsyncIterable<Uint8Array>) {
      for await (const _ of body) {
        // read it all
      }
      return then();
    },
    tagDir: () => dir,
    getChannel: () => channel,
    packageFile: () => undefined,
  } as unknown as RepositoryApi;
}

/** A body that sends one chunk, then nothing (`stall`) or an error (`fail`). */
function brokenBody(how: "stall" | "fail"): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new Uint8Array(1000).fill(0xab));
        return;
      }
      if (how === "fail") controller.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
      return new Promise(() => {}); // never another byte
    },
  });
}

const post = (body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1/api/v1/packages", {
    method: "POST",
    body,
    headers,
    duplex: "half",
  } as RequestInit);

describe("createRepoApp: uploads", () => {
  const work = tmpDir("escalator-repo-app-");
  let repository: Repository;
  beforeAll(async () => {
    repository = await Repository.open(join(work.path, "root"));
  });
  afterAll(() => {
    repository?.close();
    work.remove();
  });
  const tmpFiles = () => readdirSync(join(repository.root, "tmp"));

  it("aborts an upload that stalls, removes its temporary file and logs a warning, not a 500", async () => {
    const { logger, entries } = capturedLogger();
    const app = createRepoApp({ repository, logger, uploadIdleMs: 50 });
    const response = await app.request(post(brokenBody("stall")));
    expect(response.status).toBe(408);
    expect(await response.json()).toMatchObject({
      code: "UPLOAD_TIMEOUT",
      error: expect.stringMatching(/no bytes/),
    });
    expect(tmpFiles()).toEqual([]);
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
    expect(entries.find((e) => e.msg === "upload timed out")).toMatchObject({ level: 40 });
  });

  it("logs a client that went away mid-upload as a warning without a stack, storing nothing", async () => {
    const { logger, entries } = capturedLogger();
    const app = createRepoApp({ repository, logger });
    const response = await app.request(post(brokenBody("fail")));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "CLIENT_GONE" });
    expect(tmpFiles()).toEqual([]);
    expect(repository.listPackages()).toEqual([]);
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
    const warning = entries.find((e) => e.msg === "client went away");
    expect(warning).toMatchObject({ level: 40, reason: expect.stringMatching(/after sending 1000 bytes/) });
    expect(JSON.stringify(warning)).not.toContain("stack");
  });

  it("names --max-upload-bytes in the 413, declared or streamed", async () => {
    const app = createRepoApp({ repository, maxUploadBytes: 100 });
    const declared = await app.request(post(new Uint8Array(200), { "Content-Length": "200" }));
    const streamed = await app.request(post(brokenBody("stall")));
    for (const response of [declared, streamed]) {
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({
        code: "TOO_LARGE",
        error: expect.stringMatching(
          /limit of 100 bytes; the server's limit is set with --max-upload-bytes$/,
        ),
      });
    }
    expect(tmpFiles()).toEqual([]);
  });
});

describe("createRepoApp: concurrent uploads", () => {
  const work = tmpDir("escalator-repo-app-busy-");
  afterAll(() => work.remove());

  it("answers 503 BUSY with Retry-After beyond the limit, and takes uploads again once one ends", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    const { logger, entries } = capturedLogger();
    const app = createRepoApp({
      repository: fakeRepository(work.path, async () => {
        await held;
        return ADDED;
      }),
      maxConcurrentUploads: 2,
      logger,
    });
    const first = app.request(post("a"));
    const second = app.request(post("b"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const busy = await app.request(post("c"));
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(await busy.json()).toEqual({
      code: "BUSY",
      error: expect.stringMatching(/at most 2 at once/),
    });
    expect(entries.find((e) => e.status === 503)).toMatchObject({ level: 40 });
    release();
    expect((await first).status).toBe(201);
    expect((await second).status).toBe(201);
    expect((await app.request(post("d"))).status).toBe(201);
  });
});

describe("createRepoApp: request rules", () => {
  const work = tmpDir("escalator-repo-app-rules-");
  const app = createRepoApp({ repository: fakeRepository(work.path) });
  afterAll(() => work.remove());
  const tags = (headers: Record<string, string>, body?: string) =>
    app.request("http://127.0.0.1/api/v1/tags", { method: "POST", headers, ...(body ? { body } : {}) });

  it("refuses writes with Origin: null (sandboxed frames, file: pages) as foreign", async () => {
    const response = await tags({ Origin: "null", "Content-Type": "application/json" }, "{}");
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "FORBIDDEN" });
  });

  it("requires Content-Type: application/json on JSON bodies, telling curl users what to add", async () => {
    for (const [contentType, body] of [
      ["application/x-www-form-urlencoded", '{"name":"x"}'],
      ["text/plain", '{"name":"x"}'],
      ["application/json; charset=latin1", '{"name":"x"}'],
      ["application/x-www-form-urlencoded", ""],
    ] as const) {
      const response = await tags({ "Content-Type": contentType }, body);
      expect(response.status, contentType).toBe(415);
      const error = (await response.json()) as { error: string; code: string };
      expect(error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect(error.error).toContain("-H 'content-type: application/json'");
    }
    const promote = await app.request("http://127.0.0.1/api/v1/channels/prod", {
      method: "PUT",
      body: '{"tag":"t1"}', // fetch sends text/plain for a string
    });
    expect(promote.status).toBe(415);
    const noType = await app.request(
      new Request("http://127.0.0.1/api/v1/tags", {
        method: "POST",
        body: new Blob(['{"name":"x"}']),
      }),
    );
    expect(noType.status).toBe(415);
  });

  it("answers 405 with Allow for a wrong method on a known path, and OPTIONS with 204", async () => {
    for (const [method, path, allow] of [
      ["PUT", "/api/v1/tags", "GET, POST, HEAD, OPTIONS"],
      ["DELETE", "/api/v1/packages", "GET, POST, HEAD, OPTIONS"],
      ["PATCH", "/api/v1/tags/t1", "GET, DELETE, HEAD, OPTIONS"],
      ["POST", "/api/v1/channels/prod", "GET, PUT, HEAD, OPTIONS"],
      ["DELETE", "/tags/t1/repodata/repomd.xml", "GET, HEAD, OPTIONS"],
      ["PUT", "/channels/prod.repo", "GET, HEAD, OPTIONS"],
      ["POST", "/healthz", "GET, HEAD, OPTIONS"],
    ] as const) {
      const response = await app.request(`http://127.0.0.1${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(await response.json()).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
    }
    const options = await app.request("http://127.0.0.1/api/v1/tags", { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS");
    expect((await app.request("http://127.0.0.1/nope", { method: "DELETE" })).status).toBe(404);
  });

  it("gives a tag and a channel of the same name different .repo section ids", async () => {
    const tag = await (await app.request("http://h/tags/same.repo")).text();
    const channel = await (await app.request("http://h/channels/same.repo")).text();
    expect(tag).toMatch(/^\[escalator-tag-same\]$/m);
    expect(channel).toMatch(/^\[escalator-channel-same\]$/m);
  });
});
