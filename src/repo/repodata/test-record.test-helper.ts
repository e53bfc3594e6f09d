/** A synthetic PackageRecord for unit tests (no rpmbuild needed). */
import type { RpmDependency, RpmPackage } from "../rpm/read-rpm.js";
import type { PackageRecord } from "./types.js";

export function dep(name: string, flags = 0, version = "", pre = false): RpmDependency {
  return { name, flags, version, pre };
}

export function testRecord(
  rpm: Partial<RpmPackage> = {},
  record: Partial<PackageRecord> = {},
): PackageRecord {
  return {
    sha256: "ab".repeat(32),
    href: "Packages/t-1.0-1.noarch.rpm",
    fileSize: 1234,
    fileTime: 1_700_000_000,
    ...record,
    rpm: {
      name: "t",
      epoch: undefined,
      version: "1.0",
      release: "1",
      arch: "noarch",
      summary: "S",
      description: "D",
      buildtime: 1_690_000_000,
      buildhost: "host",
      size: 10,
      archiveSize: 20,
      vendor: undefined,
      license: "MIT",
      packager: undefined,
      group: "Unspecified",
      url: undefined,
      sourcerpm: "t-1.0-1.src.rpm",
      headerRange: { start: 4504, end: 6000 },
      provides: [],
      requires: [],
      conflicts: [],
      obsoletes: [],
      recommends: [],
      suggests: [],
      supplements: [],
      enhances: [],
      files: [],
      changelogs: [],
      signature: { sha256: undefined, sha1: undefined, md5: undefined },
      ...rpm,
    },
  };
}
