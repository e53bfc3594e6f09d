/** primary.xml `<package type="rpm">`, laid out exactly as createrepo_c's xml_dump_primary.c. */
import type { DependencyKind } from "../rpm/read-rpm.js";
import { DEPENDENCY_ORDER, type DepEntry, isPrimaryFile, repodataDependencies } from "./dependencies.js";
import { fileElements, versionElement } from "./render-common.js";
import type { PackageRecord } from "./types.js";
import { escapeAttr, textElement } from "./xml-escape.js";

export function renderPrimary(record: PackageRecord): string {
  const p = record.rpm;
  const lines = [
    '<package type="rpm">',
    `  ${textElement("name", p.name)}`,
    `  ${textElement("arch", p.arch)}`,
    `  ${versionElement(record)}`,
    `  <checksum type="sha256" pkgid="YES">${escapeAttr(record.sha256)}</checksum>`,
    `  ${textElement("summary", p.summary)}`,
    `  ${textElement("description", p.description)}`,
    `  ${textElement("packager", p.packager)}`,
    `  ${textElement("url", p.url)}`,
    `  <time file="${record.fileTime}" build="${p.buildtime ?? 0}"/>`,
    `  <size package="${record.fileSize}" installed="${p.size ?? 0}" archive="${p.archiveSize ?? 0}"/>`,
    `  <location href="${escapeAttr(record.href)}"/>`,
    "  <format>",
    `    ${textElement("rpm:license", p.license)}`,
    `    ${textElement("rpm:vendor", p.vendor)}`,
    `    ${textElement("rpm:group", p.group)}`,
    `    ${textElement("rpm:buildhost", p.buildhost)}`,
    `    ${textElement("rpm:sourcerpm", p.sourcerpm)}`,
    `    <rpm:header-range start="${p.headerRange.start}" end="${p.headerRange.end}"/>`,
  ];
  let out = `${lines.join("\n")}\n`;
  const deps = repodataDependencies(p);
  for (const kind of DEPENDENCY_ORDER) out += dependencyList(kind, deps[kind]);
  out += fileElements(record, "    ", isPrimaryFile);
  return `${out}  </format>\n</package>\n`;
}

function dependencyList(kind: DependencyKind, entries: readonly DepEntry[]): string {
  const kept = entries.filter((e) => e.name !== "");
  if (kept.length === 0) return "";
  let out = `    <rpm:${kind}>\n`;
  for (const e of kept) {
    let attrs = `name="${escapeAttr(e.name)}"`;
    if (e.flags) {
      attrs += ` flags="${e.flags}"`;
      if (e.epoch) attrs += ` epoch="${escapeAttr(e.epoch)}"`;
      if (e.ver) attrs += ` ver="${escapeAttr(e.ver)}"`;
      if (e.rel) attrs += ` rel="${escapeAttr(e.rel)}"`;
    }
    if (kind === "requires" && e.pre) attrs += ' pre="1"';
    out += `      <rpm:entry ${attrs}/>\n`;
  }
  return `${out}    </rpm:${kind}>\n`;
}
