import { createHash } from "node:crypto";
import { appendFileSync, copyFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../../test/helpers/build-rpm.js";
import { requireTool } from "../../../test/helpers/require-tool.js";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import { Repository } from "../repository.js";
import { readRpm } from "../rpm/read-rpm.js";
import {
  packageRecordFromFile,
  readPackageHead,
  readPackageSync,
  rpmPrefixLength,
  WHOLE_READ_LIMIT,
} from "./package-record.js";

const rpmbuild = requireTool("rpmbuild");
const tmp = tmpDir("escalator-package-record-");
afterAll(() => tmp.remove());

// A main header well over the first 64 KiB read: a long description.
const SPEC = `Name: bulky
Version: 1.0
Release: 1
Summary: A package with a large header
License: MIT
BuildArch: noarch

%description
${Array.from({ length: 3000 }, (_, i) => `Line ${i} of a long description that makes the header large.`).join("\n")}

%files
`;

let small = "";
let big = "";
beforeAll(async () => {
  if (!rpmbuild) return;
  small = (await buildRpm(rpmbuild, tmp.path, SPEC))[0] as string;
  // The same header with a payload past the whole-read limit (readRpm never looks past the header).
  big = join(tmp.path, "big.rpm");
  copyFileSync(small, big);
  const mib = Buffer.alloc(1024 * 1024, 0x5a);
  for (let i = 0; i < WHOLE_READ_LIMIT / mib.length + 8; i++) appendFileSync(big, mib);
}, 120_000);

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe.skipIf(!rpmbuild)("reading package files", () => {
  it("knows from the index counts how much of the file the headers take", () => {
    const bytes = readFileSync(small);
    const rpm = readRpm(bytes);
    expect(rpm.headerRange.end).toBeGreaterThan(64 * 1024);
    expect(rpmPrefixLength(bytes)).toBe(rpm.headerRange.end);
    expect(rpmPrefixLength(bytes.subarray(0, 50))).toBe(112);
    const sigPart = rpmPrefixLength(bytes.subarray(0, 112));
    expect(sigPart).toBe(rpm.headerRange.start + 16);
    expect(rpmPrefixLength(bytes.subarray(0, sigPart))).toBe(rpm.headerRange.end);
    // Not an RPM: no more reading, readRpm says why.
    expect(rpmPrefixLength(Buffer.alloc(200))).toBe(200);
  });

  it("parses a package past the whole-read limit from its start and hashes it in steps", async () => {
    const size = statSync(big).size;
    expect(size).toBeGreaterThan(WHOLE_READ_LIMIT);
    const scratch = { buffer: Buffer.allocUnsafe(0) };
    const file = readPackageSync(big, scratch);
    expect(file).toMatchObject({ sha256: sha256(big), size, rpm: { name: "bulky" } });
    expect(scratch.buffer.length).toBeLessThan(4 * 1024 * 1024);

    const record = await packageRecordFromFile(big, "Packages/b/bulky.rpm", scratch);
    expect(record).toMatchObject({ sha256: sha256(big), fileSize: size, rpm: { name: "bulky" } });
    expect(scratch.buffer.length).toBeLessThan(4 * 1024 * 1024);
    expect((await readPackageHead(big)).rpm).toEqual(readRpm(readFileSync(small)));

    // Small packages: one read, same answers.
    expect(readPackageSync(small, scratch)).toMatchObject({ sha256: sha256(small), rpm: { name: "bulky" } });
    expect(await packageRecordFromFile(small, "x.rpm")).toMatchObject({ sha256: sha256(small) });
  });

  it("admits a large upload into the pool reading only its headers", async () => {
    const repo = await Repository.open(join(tmp.path, "root"));
    const added = await repo.addFile(big);
    expect(added).toMatchObject({ status: "created", sha256: sha256(big), size: statSync(big).size });
    repo.close();
  });
});
