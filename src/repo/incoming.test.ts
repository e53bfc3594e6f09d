import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../test/helpers/build-rpm.js";
import { helloSpec } from "../../test/helpers/hello-rpm.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { type IncomingFailure, importIncoming, openRegularFile } from "./incoming.js";
import { Repository } from "./repository.js";
import type { AddResult, RepositoryApi } from "./types.js";

const rpmbuild = requireTool("rpmbuild");

describe.skipIf(!rpmbuild)("importIncoming", () => {
  const work = tmpDir("escalator-incoming-");
  const incoming = join(work.path, "incoming");
  let repository: Repository;
  let hello = "";

  beforeAll(async () => {
    [hello = ""] = await buildRpm(rpmbuild as string, work.path, helloSpec("1.0"));
    repository = await Repository.open(join(work.path, "root"));
  }, 60_000);
  afterAll(() => {
    repository?.close();
    work.remove();
  });

  it("imports a file only once it looked the same on two passes", async () => {
    mkdirSync(incoming);
    writeFileSync(join(incoming, "hello.rpm"), readFileSync(hello));
    const previous = new Map<string, string>();
    const first = await importIncoming(repository, incoming, { previous });
    expect(first).toMatchObject({ imported: [], pending: ["hello.rpm"] });
    const second = await importIncoming(repository, incoming, { previous });
    expect(second.imported).toEqual([{ file: "hello.rpm", nevra: "hello-1.0-1.noarch", status: "created" }]);
    expect(existsSync(join(incoming, "hello.rpm"))).toBe(false);
    expect(previous.size).toBe(0);
  });

  it("removes a file already in the pool and rejects the rest in one pass without previous looks", async () => {
    writeFileSync(join(incoming, "again.rpm"), readFileSync(hello));
    writeFileSync(join(incoming, "truncated.rpm"), readFileSync(hello).subarray(0, 200));
    writeFileSync(join(incoming, ".uploading.rpm"), "in flight");
    const result = await importIncoming(repository, incoming);
    expect(result.imported).toEqual([{ file: "again.rpm", nevra: "hello-1.0-1.noarch", status: "exists" }]);
    expect(result.rejected).toMatchObject([{ file: "truncated.rpm", code: "INVALID_PACKAGE" }]);
    expect(readdirSync(incoming).sort()).toEqual([".uploading.rpm", "rejected"]);
    expect(readFileSync(join(incoming, "rejected", "truncated.rpm.reason"), "utf8")).toMatch(
      /^INVALID_PACKAGE: /,
    );
  });
});

/** A repository whose addStream reads the file, then fails as a full disk or a broken mount would. */
function failingRepository(): RepositoryApi & { reads: number } {
  const fake = {
    reads: 0,
    async addStream(body: AsyncIterable<Uint8Array>): Promise<AddResult> {
      for await (const _ of body) {
        // read it all
      }
      fake.reads++;
      throw Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" });
    },
  };
  return fake as unknown as RepositoryApi & { reads: number };
}

describe("importIncoming: failures that are not the file's content", () => {
  it("reports once per version of the file, retries with a doubling delay, then moves it to rejected/", async () => {
    const work = tmpDir("escalator-incoming-eio-");
    const dir = work.path;
    const repository = failingRepository();
    writeFileSync(join(dir, "a.rpm"), "some bytes");
    let now = 1_000_000;
    const failures = new Map<string, IncomingFailure>();
    const pass = () => importIncoming(repository, dir, { failures, now: () => now, maxAttempts: 4 });

    const first = await pass();
    expect(first.errors).toEqual([{ file: "a.rpm", error: "EIO: i/o error, write" }]);
    expect(first.pending).toEqual(["a.rpm"]);
    // Within the delay (1 s): not tried, not reported.
    now += 500;
    expect(await pass()).toMatchObject({ errors: [], pending: ["a.rpm"] });
    expect(repository.reads).toBe(1);
    // Tried again after 1 s, then 2 s: failing again, but not reported again.
    now += 600;
    expect((await pass()).errors).toEqual([]);
    now += 1500;
    expect((await pass()).errors).toEqual([]);
    expect(repository.reads).toBe(2);
    now += 600;
    expect((await pass()).errors).toEqual([]);
    expect(repository.reads).toBe(3);
    expect(failures.get("a.rpm")).toMatchObject({ attempts: 3, retryAt: now + 4000 });
    // The fourth attempt gives up: rejected/ with the reason.
    now += 4000;
    const last = await pass();
    expect(last.rejected).toEqual([
      { file: "a.rpm", code: "EIO", reason: "EIO: i/o error, write (failed 4 times)" },
    ]);
    expect(last.pending).toEqual([]);
    expect(readFileSync(join(dir, "rejected", "a.rpm.reason"), "utf8")).toBe(
      "EIO: EIO: i/o error, write (failed 4 times)\n",
    );
    expect(failures.size).toBe(0);
    work.remove();
  });

  it("starts over, reporting again, when the file changes", async () => {
    const work = tmpDir("escalator-incoming-changed-");
    const repository = failingRepository();
    writeFileSync(join(work.path, "b.rpm"), "v1");
    const failures = new Map<string, IncomingFailure>();
    let now = 0;
    const pass = () => importIncoming(repository, work.path, { failures, now: () => now });
    expect((await pass()).errors).toHaveLength(1);
    writeFileSync(join(work.path, "b.rpm"), "version 2");
    utimesSync(join(work.path, "b.rpm"), new Date(), new Date(Date.now() + 5000));
    now += 10;
    expect((await pass()).errors).toHaveLength(1);
    expect(failures.get("b.rpm")).toMatchObject({ attempts: 1 });
    work.remove();
  });
});

describe("openRegularFile", () => {
  it("refuses a symlink (O_NOFOLLOW), a FIFO and a folder on the open handle, whatever the listing said", async () => {
    const work = tmpDir("escalator-incoming-open-");
    writeFileSync(join(work.path, "real.rpm"), "bytes");
    symlinkSync(join(work.path, "real.rpm"), join(work.path, "link.rpm"));
    mkdirSync(join(work.path, "folder.rpm"));
    execFileSync("mkfifo", [join(work.path, "fifo.rpm")]); // opened without blocking for a writer
    expect(await openRegularFile(join(work.path, "fifo.rpm"))).toEqual({ kind: "irregular" });
    expect(await openRegularFile(join(work.path, "link.rpm"))).toEqual({ kind: "irregular" });
    expect(await openRegularFile(join(work.path, "folder.rpm"))).toEqual({ kind: "irregular" });
    expect(await openRegularFile(join(work.path, "gone.rpm"))).toEqual({ kind: "gone" });
    const opened = await openRegularFile(join(work.path, "real.rpm"));
    expect(opened.kind).toBe("file");
    if (opened.kind === "file") {
      expect(opened.look).toMatch(/^5:/);
      await opened.handle.close();
    }
    work.remove();
  });
});
