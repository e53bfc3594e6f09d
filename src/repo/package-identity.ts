/**
 * A package's identity as the pool uses it: the canonical NEVRA, the file name and href it is served
 * at, and the check that its name, version, release and arch only hold characters rpm allows there,
 * so that every href is a plain, reachable URL path.
 */
import type { RpmPackage } from "./rpm/read-rpm.js";
import { RepoError } from "./types.js";

/** name-[epoch:]version-release.arch with epoch 0 (or none) left out: one spelling per package. */
export function canonicalNevra(p: {
  name: string;
  epoch?: number | undefined;
  version: string;
  release: string;
  arch: string;
}): string {
  const epoch = p.epoch ? `${p.epoch}:` : "";
  return `${p.name}-${epoch}${p.version}-${p.release}.${p.arch}`;
}

/** The package's file name as it appears at the end of its href. */
export function packageFileName(rpm: Pick<RpmPackage, "name" | "version" | "release" | "arch">): string {
  return `${rpm.name}-${rpm.version}-${rpm.release}.${rpm.arch}.rpm`;
}

/**
 * `Packages/<first letter>/<file name>`, or `Packages/<sha256 prefix>/<file name>` when another
 * package (differing only in epoch) already has that href.
 */
export function packageHref(rpm: RpmPackage, sha256: string, taken: (href: string) => boolean): string {
  const file = packageFileName(rpm);
  const plain = `Packages/${rpm.name.charAt(0).toLowerCase()}/${file}`;
  return taken(plain) ? `Packages/${sha256.slice(0, 12)}/${file}` : plain;
}

/**
 * What rpmbuild accepts (build/parsePreamble.c: names take letters, digits and ".-_+", versions and
 * releases letters, digits and "._+~^"), less the macro characters "%{}" it lets through: a literal
 * one only comes from a hand-made header. Arch is not checked by rpmbuild; real ones are
 * letters, digits and "_", and ".+-" are harmless in a path.
 */
const ALLOWED = {
  name: { pattern: /^[A-Za-z0-9._+-]$/, shown: "letters, digits and . _ + -" },
  version: { pattern: /^[A-Za-z0-9._+~^]$/, shown: "letters, digits and . _ + ~ ^" },
  release: { pattern: /^[A-Za-z0-9._+~^]$/, shown: "letters, digits and . _ + ~ ^" },
  arch: { pattern: /^[A-Za-z0-9._+-]$/, shown: "letters, digits and . _ + -" },
} as const;

/** A character for a message: itself when printable, else its code point. */
function showChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x21 || code === 0x7f || (code >= 0x80 && code < 0xa0) || /\s/u.test(c)) {
    return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return `"${c}"`;
}

/** INVALID_PACKAGE naming the field and the character when an identity field is not usable. */
export function checkIdentity(rpm: Pick<RpmPackage, "name" | "version" | "release" | "arch">): void {
  for (const field of ["name", "version", "release", "arch"] as const) {
    const value = rpm[field];
    const { pattern, shown } = ALLOWED[field];
    const refuse = (why: string): never => {
      throw new RepoError(
        "INVALID_PACKAGE",
        `package ${field} ${JSON.stringify(value.slice(0, 200))} ${why}; rpm allows ${shown} in a ${field}`,
      );
    };
    if (value === "") refuse("is empty");
    let position = 0;
    for (const c of value) {
      position++;
      if (!pattern.test(c)) refuse(`has the character ${showChar(c)} (at position ${position})`);
    }
    if (value.startsWith(".")) refuse('starts with "."');
    if (field === "name" && value.startsWith("-")) refuse('starts with "-"');
    if (value.includes("..")) refuse('contains ".."');
  }
}
