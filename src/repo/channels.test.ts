import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { Repository } from "./repository.js";
import { generateSigningKey, signerFromArmored } from "./signing.js";

// Channels, deletion and retention need tags, not packages: an empty pool freezes to a valid empty repo.

const tmp = tmpDir("escalator-channels-");
afterAll(() => tmp.remove());

let counter = 0;
async function openRepo() {
  let t = Date.UTC(2026, 0, 1);
  return Repository.open(join(tmp.path, `root-${++counter}`), { clock: { now: () => (t += 1000) } });
}

describe("channels", () => {
  it("records every promotion, newest first, with the tag it replaced", async () => {
    const repo = await openRepo();
    for (const name of ["t1", "t2"]) await repo.freeze({ name });
    const first = repo.promote("prod", "t1");
    expect(first).toMatchObject({ name: "prod", tag: "t1" });
    expect(first.history).toEqual([{ channel: "prod", fromTag: null, toTag: "t1", at: first.updatedAt }]);
    repo.promote("prod", "t2");
    repo.promote("prod", "t2");
    repo.promote("dev", "t2");
    const prod = repo.getChannel("prod");
    expect(prod.tag).toBe("t2");
    expect(prod.history.map((h) => [h.fromTag, h.toTag])).toEqual([
      ["t2", "t2"],
      ["t1", "t2"],
      [null, "t1"],
    ]);
    expect(repo.listChannels().map((c) => [c.name, c.tag])).toEqual([
      ["dev", "t2"],
      ["prod", "t2"],
    ]);
    expect(repo.getTag("t2").channels).toEqual(["dev", "prod"]);
    expect(repo.getTag("t1").channels).toEqual([]);
    repo.close();
  });

  it("refuses unknown tags and channels, and hostile channel names", async () => {
    const repo = await openRepo();
    await repo.freeze({ name: "t1" });
    expect(() => repo.promote("prod", "nope")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => repo.getChannel("prod")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    for (const bad of ["../x", "a/b", "", "x".repeat(129), "..", ".", "a b", "é"]) {
      expect(() => repo.promote(bad, "t1"), bad).toThrow(expect.objectContaining({ code: "INVALID_NAME" }));
      expect(() => repo.getChannel(bad), bad).toThrow(expect.objectContaining({ code: "INVALID_NAME" }));
    }
    expect(repo.promote("x".repeat(128), "t1").tag).toBe("t1");
    expect(repo.listChannels()).toHaveLength(1);
    repo.close();
  });
});

describe("promoting from a signed tag to an unsigned one", () => {
  it("is refused with UNSIGNED_TAG, explaining how to force, and done with force", async () => {
    const root = join(tmp.path, `root-${++counter}`);
    const key = await generateSigningKey("Channel Test", "channel@example.org");
    const signing = await Repository.open(root, { signer: await signerFromArmored(key.privateKey) });
    const plain = await Repository.open(root);
    await signing.freeze({ name: "signed-1" });
    await signing.freeze({ name: "signed-2" });
    await plain.freeze({ name: "plain-1" });
    // Unsigned → signed, signed → signed, and a new channel on an unsigned tag are all fine.
    plain.promote("dev", "plain-1");
    plain.promote("dev", "signed-1");
    plain.promote("prod", "signed-1");
    plain.promote("prod", "signed-2");
    let refusal: unknown;
    try {
      plain.promote("prod", "plain-1");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: "UNSIGNED_TAG" });
    const message = (refusal as Error).message;
    expect(message).toContain("repo_gpgcheck=1");
    expect(message).toContain('"force": true');
    expect(message).toContain("--force");
    expect(plain.getChannel("prod").tag).toBe("signed-2");
    expect(plain.getChannel("prod").history).toHaveLength(2);
    expect(plain.promote("prod", "plain-1", { force: true }).tag).toBe("plain-1");
    // Once unsigned, moving between unsigned tags needs no force.
    await plain.freeze({ name: "plain-2" });
    expect(plain.promote("prod", "plain-2").tag).toBe("plain-2");
    signing.close();
    plain.close();
  });
});

describe("deleting tags", () => {
  it("refuses while a channel points at the tag, then removes folder and rows", async () => {
    const repo = await openRepo();
    await repo.freeze({ name: "t1" });
    await repo.freeze({ name: "t2" });
    repo.promote("prod", "t1");
    await expect(repo.deleteTag("t1")).rejects.toMatchObject({ code: "TAG_IN_USE" });
    expect(existsSync(repo.tagDir("t1"))).toBe(true);
    repo.promote("prod", "t2");
    await repo.deleteTag("t1");
    expect(existsSync(join(repo.root, "tags", "t1"))).toBe(false);
    expect(readdirSync(join(repo.root, "tags"))).toEqual(["t2"]);
    expect(() => repo.getTag("t1")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    await expect(repo.deleteTag("t1")).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The history keeps mentioning the deleted tag; the name can be frozen again.
    expect(repo.getChannel("prod").history.map((h) => h.toTag)).toEqual(["t2", "t1"]);
    expect(await repo.freeze({ name: "t1" })).toMatchObject({ name: "t1" });
    repo.close();
  });
});

describe("prune", () => {
  it("keeps the newest N tags plus every channel target, and deletes the rest", async () => {
    const repo = await openRepo();
    for (const name of ["t1", "t2", "t3", "t4", "t5"]) await repo.freeze({ name });
    repo.promote("prod", "t1");
    repo.promote("test", "t3");
    const result = await repo.prune(2);
    expect(result.removed.sort()).toEqual(["t2"]);
    expect(result.kept.sort()).toEqual(["t1", "t3", "t4", "t5"]);
    expect(repo.listTags().map((t) => t.name)).toEqual(["t1", "t3", "t4", "t5"]);
    expect(readdirSync(join(repo.root, "tags")).sort()).toEqual(["t1", "t3", "t4", "t5"]);

    const none = await repo.prune(0);
    expect(none.removed.sort()).toEqual(["t4", "t5"]);
    expect(repo.listTags().map((t) => t.name)).toEqual(["t1", "t3"]);
    await expect(repo.prune(-1)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(repo.prune(1.5)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    repo.close();
  });
});
