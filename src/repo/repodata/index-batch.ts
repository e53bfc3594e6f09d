/**
 * One batch of `escalator repo index`: consecutive packages (in createrepo_c's order) read with
 * synchronous calls into one reused buffer (no promise per file; a package too large for one read
 * is parsed from its start and hashed in steps: package-record.ts), parsed, hashed and rendered into
 * one buffer of XML per metadata file, which the caller compresses as one deflate segment.
 */
import { RpmFormatError } from "../rpm/read-rpm.js";
import type { FoundPackage } from "./find-packages.js";
import { readPackageSync, type Scratch } from "./package-record.js";
import { renderFragments } from "./render.js";

export interface BatchResult {
  /** Packages rendered. */
  count: number;
  /** Their fragments, concatenated, as UTF-8. */
  xml: { primary: Buffer; filelists: Buffer; other: Buffer };
  /** Packages that are not valid RPMs, in batch order. */
  invalid: { file: string; reason: string }[];
  /** Any other failure (an fs error): the batch stopped there. */
  failure?: { file: string; message: string; code?: string };
}

/** The batch's read buffer, grown as needed and reused (package-record.ts). */
const scratch: Scratch = { buffer: Buffer.allocUnsafe(256 * 1024) };

export function renderBatch(packages: readonly FoundPackage[], changelogLimit: number): BatchResult {
  const parts = { primary: [] as string[], filelists: [] as string[], other: [] as string[] };
  const invalid: BatchResult["invalid"] = [];
  let failure: BatchResult["failure"];
  for (const pkg of packages) {
    try {
      const { rpm, sha256, size, mtimeMs } = readPackageSync(pkg.path, scratch);
      const record = { sha256, href: pkg.href, fileSize: size, fileTime: Math.floor(mtimeMs / 1000), rpm };
      const f = renderFragments(record, { changelogLimit });
      parts.primary.push(f.primary);
      parts.filelists.push(f.filelists);
      parts.other.push(f.other);
    } catch (error) {
      if (error instanceof RpmFormatError) {
        invalid.push({ file: pkg.path, reason: error.message });
        continue;
      }
      const code = (error as NodeJS.ErrnoException).code;
      failure = { file: pkg.path, message: String((error as Error).message ?? error) };
      if (typeof code === "string") failure.code = code;
      break;
    }
  }
  const utf8 = (texts: string[]) => Buffer.from(texts.join(""), "utf8");
  return {
    count: parts.primary.length,
    xml: { primary: utf8(parts.primary), filelists: utf8(parts.filelists), other: utf8(parts.other) },
    invalid,
    ...(failure ? { failure } : {}),
  };
}
