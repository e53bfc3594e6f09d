/**
 * Turns a package's dependency tags into primary.xml `<rpm:entry>` lists the way createrepo_c 0.17
 * does (parsehdr.c, misc.c):
 *   - flags & 0xf → LT GT EQ LE GE; anything else writes no flags and no version;
 *   - the version string "[epoch:]version[-release]" splits at the first ':' and the first '-' after
 *     it; the epoch defaults to "0"; a non-numeric epoch drops the dependency;
 *   - requires drop `rpmlib(...)`, file requires that the package's own primary files satisfy,
 *     requires identical (name, flags, version) to one of its provides, and repeats of the requirement
 *     just recorded for the same name (same flags, version and pre);
 *   - of several `libc.so.6...` requires only the highest is kept, written last;
 *   - `pre="1"` on requires with PREREQ, SCRIPT_PRE or SCRIPT_POST (RpmDependency.pre).
 */
import type { DependencyKind, RpmDependency, RpmPackage } from "../rpm/read-rpm.js";
import { rpmvercmp } from "../rpm/rpmvercmp.js";

export interface DepEntry {
  name: string;
  flags: "LT" | "GT" | "EQ" | "LE" | "GE" | undefined;
  epoch: string | undefined;
  ver: string | undefined;
  rel: string | undefined;
  pre: boolean;
}

/** The order createrepo_c writes the lists in. */
export const DEPENDENCY_ORDER: readonly DependencyKind[] = [
  "provides",
  "requires",
  "conflicts",
  "obsoletes",
  "suggests",
  "enhances",
  "recommends",
  "supplements",
];

const FLAG_NAMES: Record<number, DepEntry["flags"]> = { 2: "LT", 4: "GT", 8: "EQ", 10: "LE", 12: "GE" };

/** createrepo_c's primary file filter (misc.h cr_is_primary). */
export function isPrimaryFile(path: string): boolean {
  return path.startsWith("/etc/") || path === "/usr/lib/sendmail" || path.includes("bin/");
}

/** Splits "[epoch:]version[-release]" like cr_str_to_evr; epoch undefined means a bad epoch. */
export function parseDepVersion(full: string): { epoch: string | undefined; ver?: string; rel?: string } {
  if (full === "") return { epoch: undefined };
  let rest = full;
  let epoch: string | undefined = "0";
  const colon = full.indexOf(":");
  if (colon >= 0) {
    const prefix = full.slice(0, colon);
    if (!/^(\s*[+-]?\d+)?$/.test(prefix)) return { epoch: undefined };
    if (prefix !== "") epoch = prefix;
    rest = full.slice(colon + 1);
  }
  const dash = rest.indexOf("-");
  if (dash < 0) return { epoch, ver: rest };
  const rel = rest.slice(dash + 1);
  return rel === "" ? { epoch, ver: rest.slice(0, dash) } : { epoch, ver: rest.slice(0, dash), rel };
}

function toEntry(dep: RpmDependency, flags: DepEntry["flags"], pre: boolean): DepEntry | undefined {
  const evr = parseDepVersion(dep.version);
  if (dep.version !== "" && evr.epoch === undefined) return undefined;
  return { name: dep.name, flags, epoch: evr.epoch, ver: evr.ver, rel: evr.rel, pre };
}

/** Every dependency list of `rpm` as createrepo_c writes it into primary.xml. */
export function repodataDependencies(rpm: RpmPackage): Record<DependencyKind, DepEntry[]> {
  const result = {} as Record<DependencyKind, DepEntry[]>;
  const provided = new Set<string>();
  for (const dep of rpm.provides) provided.add(depKey(dep));
  for (const kind of DEPENDENCY_ORDER) {
    result[kind] =
      kind === "requires" ? requires(rpm, provided) : plain(rpm[kind]).filter((e) => e !== undefined);
  }
  return result;
}

function depKey(dep: RpmDependency): string {
  return `${dep.name}\u0000${FLAG_NAMES[dep.flags & 0xf] ?? ""}\u0000${dep.version}`;
}

function plain(deps: readonly RpmDependency[]): (DepEntry | undefined)[] {
  return deps.map((dep) => toEntry(dep, FLAG_NAMES[dep.flags & 0xf], false));
}

function requires(rpm: RpmPackage, provided: ReadonlySet<string>): DepEntry[] {
  let files: Set<string> | undefined;
  const out: DepEntry[] = [];
  const last = new Map<string, { flags: DepEntry["flags"]; version: string; pre: boolean }>();
  let libc: DepEntry | undefined;
  for (const dep of rpm.requires) {
    if (dep.name.startsWith("rpmlib(")) continue;
    if (dep.name.startsWith("/") && isPrimaryFile(dep.name)) {
      files ??= new Set(rpm.files.map((f) => f.path));
      if (files.has(dep.name)) continue;
    }
    if (provided.has(depKey(dep))) continue;
    const flags = FLAG_NAMES[dep.flags & 0xf];
    const seen = last.get(dep.name);
    if (seen && seen.flags === flags && seen.version === dep.version && seen.pre === dep.pre) continue;
    const entry = toEntry(dep, flags, dep.pre);
    if (!entry) continue;
    if (entry.name.startsWith("libc.so.6")) {
      if (!libc || compareLibc(libc.name, entry.name) === 2) libc = entry;
      continue;
    }
    out.push(entry);
    last.set(dep.name, { flags, version: dep.version, pre: dep.pre });
  }
  if (libc) out.push(libc);
  return out;
}

/**
 * cr_compare_dependency: compares "libc.so.6(GLIBC_2.4)(64bit)" style names by the version inside the
 * first parentheses. 0 same, 1 first bigger, 2 second bigger.
 */
function compareLibc(a: string, b: string): number {
  if (a === b) return 0;
  const oa = a.indexOf("(");
  const ob = b.indexOf("(");
  if (oa < 0 && ob < 0) return 0;
  if (oa < 0) return 2;
  if (ob < 0) return 1;
  const ca = a.indexOf(")", oa);
  const cb = b.indexOf(")", ob);
  if (ca < 0 && cb < 0) return -1;
  if (ca < 0) return 2;
  if (cb < 0) return 1;
  const sa = oa + 1;
  const sb = ob + 1;
  if (sa === ca && sb === cb) return 0;
  if (sa === ca) return 2;
  if (sb === cb) return 1;
  const da = firstDigit(a, sa);
  const db = firstDigit(b, sb);
  if (da > ca && db > cb) return 0;
  if (da > ca) return 2;
  if (db > cb) return 1;
  const cmp = rpmvercmp(a.slice(da, ca), b.slice(db, cb));
  return cmp < 0 ? 2 : cmp > 0 ? 1 : 0;
}

function firstDigit(s: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) break;
    i++;
  }
  return i;
}
