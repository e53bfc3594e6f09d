/** Pieces shared by the three renderers. */
import type { PackageRecord } from "./types.js";
import { escapeAttr, escapeText } from "./xml-escape.js";

/** The package's epoch as createrepo_c writes it: "0" when the tag is absent. */
export function epochOf(record: PackageRecord): string {
  return String(record.rpm.epoch ?? 0);
}

/** `<version epoch ver rel/>` */
export function versionElement(record: PackageRecord): string {
  const { version, release } = record.rpm;
  return `<version epoch="${epochOf(record)}" ver="${escapeAttr(version)}" rel="${escapeAttr(release)}"/>`;
}

/** The opening `<package pkgid name arch>` of filelists.xml and other.xml. */
export function packageOpenTag(record: PackageRecord): string {
  const { name, arch } = record.rpm;
  return `<package pkgid="${escapeAttr(record.sha256)}" name="${escapeAttr(name)}" arch="${escapeAttr(arch)}">`;
}

/** `<file>` elements; `type` is written for dirs and ghosts only. */
export function fileElements(
  record: PackageRecord,
  indent: string,
  filter?: (path: string) => boolean,
): string {
  let out = "";
  for (const file of record.rpm.files) {
    if (file.path === "" || (filter && !filter(file.path))) continue;
    const type = file.type === "file" ? "" : ` type="${file.type}"`;
    out += `${indent}<file${type}>${escapeText(file.path)}</file>\n`;
  }
  return out;
}
