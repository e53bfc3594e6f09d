/**
 * Finds *.rpm files under a folder, recursively, for `escalator repo index`. Skips the top-level
 * repodata/ and every entry whose name starts with "." (our own .repodata.tmp-* included). Symlinks
 * are followed only to regular files that resolve inside the folder; symlinked folders are skipped.
 */
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export interface FoundPackage {
  path: string;
  /** '/'-separated path relative to the folder. */
  href: string;
}

export async function findPackages(dir: string): Promise<FoundPackage[]> {
  const root = await realpath(dir);
  const found: FoundPackage[] = [];
  const walk = async (folder: string, top: boolean): Promise<void> => {
    let entries: Dirent[];
    entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (top && entry.name === "repodata") continue;
        await walk(path, false);
      } else if (entry.name.endsWith(".rpm")) {
        if (entry.isFile() || (entry.isSymbolicLink() && (await isFileInside(path, root)))) {
          found.push({ path, href: relative(dir, path).split(sep).join("/") });
        }
      }
    }
  };
  await walk(dir, true);
  return found;
}

async function isFileInside(path: string, root: string): Promise<boolean> {
  try {
    const target = await realpath(path);
    if (!target.startsWith(root + sep)) return false;
    return (await stat(target)).isFile();
  } catch {
    return false;
  }
}

/** createrepo_c's package order: by file name, then by path. */
export function comparePackages(a: FoundPackage, b: FoundPackage): number {
  const na = a.href.slice(a.href.lastIndexOf("/") + 1);
  const nb = b.href.slice(b.href.lastIndexOf("/") + 1);
  if (na !== nb) return na < nb ? -1 : 1;
  return a.href < b.href ? -1 : a.href > b.href ? 1 : 0;
}
