import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../test/helpers/build-rpm.js";
import { helloSpec } from "../../test/helpers/hello-rpm.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { importIncoming } from "./incoming.js";
import { Repository } from "./repository.js";

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
