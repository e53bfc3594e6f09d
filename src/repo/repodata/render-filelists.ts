/** filelists.xml `<package>`: every file of the package (createrepo_c xml_dump_filelists.c). */
import { fileElements, packageOpenTag, versionElement } from "./render-common.js";
import type { PackageRecord } from "./types.js";

export function renderFilelists(record: PackageRecord): string {
  return `${packageOpenTag(record)}\n  ${versionElement(record)}\n${fileElements(record, "  ")}</package>\n`;
}
