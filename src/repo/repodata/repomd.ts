/** repomd.xml as createrepo_c writes it (xml_dump_repomd.c), for the three metadata files. */
import type { RepomdEntry } from "./types.js";
import { escapeAttr, escapeText } from "./xml-escape.js";

export const NS = {
  common: "http://linux.duke.edu/metadata/common",
  filelists: "http://linux.duke.edu/metadata/filelists",
  other: "http://linux.duke.edu/metadata/other",
  repo: "http://linux.duke.edu/metadata/repo",
  rpm: "http://linux.duke.edu/metadata/rpm",
} as const;

export function renderRepomd(revision: number, entries: readonly RepomdEntry[]): string {
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="${NS.repo}" xmlns:rpm="${NS.rpm}">\n`;
  out += `  <revision>${revision}</revision>\n`;
  for (const e of entries) {
    out += `  <data type="${e.type}">\n`;
    out += `    <checksum type="sha256">${escapeText(e.checksum)}</checksum>\n`;
    out += `    <open-checksum type="sha256">${escapeText(e.openChecksum)}</open-checksum>\n`;
    out += `    <location href="${escapeAttr(e.href)}"/>\n`;
    out += `    <timestamp>${e.timestamp}</timestamp>\n`;
    out += `    <size>${e.size}</size>\n`;
    out += `    <open-size>${e.openSize}</open-size>\n`;
    out += "  </data>\n";
  }
  return `${out}</repomd>\n`;
}

/** The XML declaration and root element that open each metadata file. */
export function metadataHeader(type: RepomdEntry["type"], count: number): string {
  const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
  switch (type) {
    case "primary":
      return `${decl}<metadata xmlns="${NS.common}" xmlns:rpm="${NS.rpm}" packages="${count}">\n`;
    case "filelists":
      return `${decl}<filelists xmlns="${NS.filelists}" packages="${count}">\n`;
    case "other":
      return `${decl}<otherdata xmlns="${NS.other}" packages="${count}">\n`;
  }
}

export function metadataFooter(type: RepomdEntry["type"]): string {
  return { primary: "</metadata>", filelists: "</filelists>", other: "</otherdata>" }[type];
}
