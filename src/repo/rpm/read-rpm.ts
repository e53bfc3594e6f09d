/**
 * Reads the metadata of an RPM package file (lead, signature header, main header) from its bytes.
 * A pure function: no I/O. Any truncated, corrupt or hostile input gives an RpmFormatError.
 */
import {
  getBin,
  getNumber,
  getNumbers,
  getString,
  getStrings,
  parseHeader,
  RpmFormatError,
  type RpmHeader,
} from "./header.js";

export { RpmFormatError } from "./header.js";

const LEAD_MAGIC = [0xed, 0xab, 0xee, 0xdb] as const;
const LEAD_LENGTH = 96;

/** Main header tags (include/rpm/rpmtag.h). */
const T = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  DESCRIPTION: 1005,
  BUILDTIME: 1006,
  BUILDHOST: 1007,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  PACKAGER: 1015,
  GROUP: 1016,
  URL: 1020,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  FILESIZES: 1028,
  FILEMODES: 1030,
  FILEFLAGS: 1037,
  SOURCERPM: 1044,
  ARCHIVESIZE: 1046,
  CHANGELOGTIME: 1080,
  CHANGELOGNAME: 1081,
  CHANGELOGTEXT: 1082,
  SOURCEPACKAGE: 1106,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGARCHIVESIZE: 271,
  LONGFILESIZES: 5008,
  LONGSIZE: 5009,
} as const;

/** Signature header tags. SHA256 is 273 (RPMSIGTAG_SHA256 = RPMTAG_SHA256HEADER; 272 is reserved). */
const S = { MD5: 1004, PAYLOADSIZE: 1007, SHA1: 269, LONGARCHIVESIZE: 271, SHA256: 273 } as const;

/** [name, flags, version] tags of each dependency kind. */
const DEP_TAGS = {
  provides: [1047, 1112, 1113],
  requires: [1049, 1048, 1050],
  conflicts: [1054, 1053, 1055],
  obsoletes: [1090, 1114, 1115],
  recommends: [5046, 5048, 5047],
  suggests: [5049, 5051, 5050],
  supplements: [5052, 5054, 5053],
  enhances: [5055, 5057, 5056],
} as const;

export type DependencyKind = keyof typeof DEP_TAGS;

/** Dependency sense flags (include/rpm/rpmds.h). */
export const Sense = {
  LESS: 2,
  GREATER: 4,
  EQUAL: 8,
  PREREQ: 64,
  SCRIPT_PRE: 512,
  SCRIPT_POST: 1024,
  RPMLIB: 1 << 24,
} as const;

/** File flags (include/rpm/rpmfiles.h). */
export const FileFlag = { CONFIG: 1, DOC: 2, GHOST: 64, LICENSE: 128 } as const;

export interface RpmDependency {
  name: string;
  /** Raw sense flags. */
  flags: number;
  /** "[epoch:]version[-release]" as stored; "" when unversioned. */
  version: string;
  /**
   * createrepo_c's `pre="1"` (parsehdr.c): a requirement whose flags have PREREQ, SCRIPT_PRE or
   * SCRIPT_POST. Always false for the other kinds.
   */
  pre: boolean;
}

export interface RpmFile {
  /** dirnames[dirindexes[i]] + basenames[i]. */
  path: string;
  mode: number;
  /** Raw file flags (FileFlag). */
  flags: number;
  size: number;
  /** createrepo_c's file type: "dir" when the mode says S_IFDIR, else "ghost" for %ghost, else "file". */
  type: "file" | "dir" | "ghost";
}

export interface RpmChangelog {
  time: number;
  author: string;
  text: string;
}

export interface RpmPackage {
  name: string;
  epoch: number | undefined;
  version: string;
  release: string;
  arch: string;
  summary: string;
  description: string;
  buildtime: number | undefined;
  buildhost: string | undefined;
  /** Installed size (LONGSIZE, else SIZE). */
  size: number | undefined;
  /** Payload (cpio) size, from the signature header (LONGARCHIVESIZE, else PAYLOADSIZE). */
  archiveSize: number | undefined;
  vendor: string | undefined;
  license: string | undefined;
  packager: string | undefined;
  group: string | undefined;
  url: string | undefined;
  sourcerpm: string | undefined;
  /** Byte range of the main header, as createrepo_c's rpm:header-range. */
  headerRange: { start: number; end: number };
  provides: RpmDependency[];
  requires: RpmDependency[];
  conflicts: RpmDependency[];
  obsoletes: RpmDependency[];
  recommends: RpmDependency[];
  suggests: RpmDependency[];
  supplements: RpmDependency[];
  enhances: RpmDependency[];
  files: RpmFile[];
  changelogs: RpmChangelog[];
  /** Digests from the signature header, hex. sha1/sha256 cover the main header; md5 header+payload. */
  signature: { sha256: string | undefined; sha1: string | undefined; md5: string | undefined };
}

/** Parses an RPM package file. Throws RpmFormatError on anything malformed. */
export function readRpm(bytes: Uint8Array): RpmPackage {
  if (bytes.length < LEAD_LENGTH) {
    throw new RpmFormatError(`file is ${bytes.length} bytes, shorter than the ${LEAD_LENGTH}-byte lead`, 0);
  }
  for (let i = 0; i < LEAD_MAGIC.length; i++) {
    if (bytes[i] !== LEAD_MAGIC[i]) throw new RpmFormatError("not an RPM file: wrong lead magic", 0);
  }
  const sig = parseHeader(bytes, LEAD_LENGTH, "signature header");
  const mainStart = sig.end + ((8 - (sig.end % 8)) % 8);
  const h = parseHeader(bytes, mainStart, "main header");

  const name = required(h, T.NAME, "NAME");
  const sourcerpm = getString(h, T.SOURCERPM);
  const isSource = h.entries.has(T.SOURCEPACKAGE);
  return {
    name,
    epoch: getNumber(h, T.EPOCH),
    version: required(h, T.VERSION, "VERSION"),
    release: required(h, T.RELEASE, "RELEASE"),
    arch: isSource ? "src" : (getString(h, T.ARCH) ?? ""),
    summary: getString(h, T.SUMMARY) ?? "",
    description: getString(h, T.DESCRIPTION) ?? "",
    buildtime: getNumber(h, T.BUILDTIME),
    buildhost: getString(h, T.BUILDHOST),
    size: getNumber(h, T.LONGSIZE) ?? getNumber(h, T.SIZE),
    archiveSize:
      getNumber(sig, S.LONGARCHIVESIZE) ??
      getNumber(sig, S.PAYLOADSIZE) ??
      getNumber(h, T.LONGARCHIVESIZE) ??
      getNumber(h, T.ARCHIVESIZE),
    vendor: getString(h, T.VENDOR),
    license: getString(h, T.LICENSE),
    packager: getString(h, T.PACKAGER),
    group: getString(h, T.GROUP),
    url: getString(h, T.URL),
    sourcerpm,
    headerRange: { start: h.start, end: h.end },
    provides: dependencies(h, "provides"),
    requires: dependencies(h, "requires"),
    conflicts: dependencies(h, "conflicts"),
    obsoletes: dependencies(h, "obsoletes"),
    recommends: dependencies(h, "recommends"),
    suggests: dependencies(h, "suggests"),
    supplements: dependencies(h, "supplements"),
    enhances: dependencies(h, "enhances"),
    files: files(h),
    changelogs: changelogs(h),
    signature: {
      sha256: getString(sig, S.SHA256),
      sha1: getString(sig, S.SHA1),
      md5: hex(getBin(sig, S.MD5)),
    },
  };
}

/** "name-[epoch:]version-release.arch" as rpm's %{NEVRA}: the epoch shown whenever the tag is present. */
export function nevra(pkg: Pick<RpmPackage, "name" | "epoch" | "version" | "release" | "arch">): string {
  const epoch = pkg.epoch === undefined ? "" : `${pkg.epoch}:`;
  return `${pkg.name}-${epoch}${pkg.version}-${pkg.release}.${pkg.arch}`;
}

function required(h: RpmHeader, tag: number, label: string): string {
  const value = getString(h, tag);
  if (value === undefined) throw new RpmFormatError(`main header has no ${label} (tag ${tag})`, h.start);
  return value;
}

function hex(bytes: Uint8Array | undefined): string | undefined {
  return bytes && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Checks that parallel arrays have the length of the first. */
function sameLength(h: RpmHeader, what: string, expected: number, ...arrays: (readonly unknown[])[]): void {
  for (const a of arrays) {
    if (a.length !== expected) {
      throw new RpmFormatError(`${what}: parallel tags have ${expected} and ${a.length} entries`, h.start);
    }
  }
}

function dependencies(h: RpmHeader, kind: DependencyKind): RpmDependency[] {
  const [nameTag, flagsTag, versionTag] = DEP_TAGS[kind];
  const names = getStrings(h, nameTag);
  if (!names) return [];
  const flags = getNumbers(h, flagsTag) ?? [];
  const versions = getStrings(h, versionTag) ?? [];
  sameLength(h, kind, names.length, flags, versions);
  const preMask = Sense.PREREQ | Sense.SCRIPT_PRE | Sense.SCRIPT_POST;
  return names.map((name, i) => {
    const f = flags[i] ?? 0;
    return { name, flags: f, version: versions[i] ?? "", pre: kind === "requires" && (f & preMask) !== 0 };
  });
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

function files(h: RpmHeader): RpmFile[] {
  const paths = filePaths(h);
  if (paths.length === 0) return [];
  const modes = getNumbers(h, T.FILEMODES) ?? [];
  const flags = getNumbers(h, T.FILEFLAGS) ?? [];
  const sizes = getNumbers(h, T.LONGFILESIZES) ?? getNumbers(h, T.FILESIZES) ?? [];
  sameLength(h, "files", paths.length, modes, flags, sizes);
  return paths.map((path, i) => {
    const mode = modes[i] ?? 0;
    const fileFlags = flags[i] ?? 0;
    const type = (mode & S_IFMT) === S_IFDIR ? "dir" : fileFlags & FileFlag.GHOST ? "ghost" : "file";
    return { path, mode, flags: fileFlags, size: sizes[i] ?? 0, type };
  });
}

function filePaths(h: RpmHeader): string[] {
  const basenames = getStrings(h, T.BASENAMES);
  if (!basenames) return getStrings(h, T.OLDFILENAMES) ?? [];
  const dirnames = getStrings(h, T.DIRNAMES) ?? [];
  const dirindexes = getNumbers(h, T.DIRINDEXES) ?? [];
  sameLength(h, "file names", basenames.length, dirindexes);
  return basenames.map((base, i) => {
    const dir = dirnames[dirindexes[i] ?? -1];
    if (dir === undefined) {
      throw new RpmFormatError(
        `file ${i} has directory index ${dirindexes[i]} of ${dirnames.length}`,
        h.start,
      );
    }
    return dir + base;
  });
}

function changelogs(h: RpmHeader): RpmChangelog[] {
  const times = getNumbers(h, T.CHANGELOGTIME);
  if (!times) return [];
  const authors = getStrings(h, T.CHANGELOGNAME) ?? [];
  const texts = getStrings(h, T.CHANGELOGTEXT) ?? [];
  sameLength(h, "changelog", times.length, authors, texts);
  return times.map((time, i) => ({ time, author: authors[i] ?? "", text: texts[i] ?? "" }));
}
