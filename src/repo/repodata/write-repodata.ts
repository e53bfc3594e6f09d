/**
 * Writes repoDir/repodata/: the three gzip-compressed metadata files, named by their sha256 as
 * createrepo_c names them, then repomd.xml (and its signature and key when a signer is given). Writes
 * straight into repoDir/repodata; callers that need atomicity write into a temporary folder and rename.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MetadataFile } from "./metadata-file.js";
import { metadataFooter, metadataHeader, renderRepomd } from "./repomd.js";
import type { PackageFragments, RepodataResult, RepomdEntry, WriteRepodataOptions } from "./types.js";

const TYPES: readonly RepomdEntry["type"][] = ["primary", "filelists", "other"];

export async function writeRepodata(
  repoDir: string,
  fragments: Iterable<PackageFragments>,
  count: number,
  options: WriteRepodataOptions = {},
): Promise<RepodataResult> {
  const dir = join(repoDir, "repodata");
  await mkdir(dir, { recursive: true });
  const files = TYPES.map((type) => new MetadataFile(dir, type));
  const [primary, filelists, other] = files as [MetadataFile, MetadataFile, MetadataFile];
  let entries: RepomdEntry[];
  let written = 0;
  try {
    for (const file of files) await file.write(metadataHeader(file.type, count));
    for (const f of fragments) {
      await primary.write(f.primary);
      await filelists.write(f.filelists);
      await other.write(f.other);
      written++;
    }
    if (written !== count) {
      throw new Error(`repodata: ${written} packages given, but the count said ${count}`);
    }
    for (const file of files) await file.write(metadataFooter(file.type));
    const timestamp = Math.floor(Date.now() / 1000);
    entries = await Promise.all(files.map((file) => file.finish(timestamp)));
  } catch (error) {
    await Promise.all(files.map((file) => file.abort()));
    throw error;
  }
  const revision = options.revision ?? Math.floor(Date.now() / 1000);
  const repomd = Buffer.from(renderRepomd(revision, entries), "utf8");
  const repomdPath = join(dir, "repomd.xml");
  await writeFile(repomdPath, repomd);
  if (options.signer) {
    const { signature, publicKey } = await options.signer.sign(repomd);
    await writeFile(join(dir, "repomd.xml.asc"), signature);
    await writeFile(join(dir, "repomd.xml.key"), publicKey);
  }
  return { revision, packages: count, entries, repomdPath };
}
