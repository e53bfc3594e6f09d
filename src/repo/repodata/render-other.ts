/**
 * other.xml `<package>`: changelog entries (createrepo_c parsehdr.c and xml_dump_other.c). The header
 * holds them newest first; createrepo_c keeps the newest `limit`, writes them oldest first, trims
 * trailing spaces from the author, and when consecutive entries share a time it moves the newer ones
 * one second later each, so every date is distinct.
 */
import type { RpmChangelog } from "../rpm/read-rpm.js";
import { packageOpenTag, versionElement } from "./render-common.js";
import type { PackageRecord } from "./types.js";
import { escapeAttr, escapeText } from "./xml-escape.js";

interface Entry {
  author: string;
  date: number;
  text: string;
}

/** The changelog entries createrepo_c writes, in its order (oldest of the kept ones first). */
export function keptChangelogs(changelogs: readonly RpmChangelog[], limit: number): Entry[] {
  const kept: Entry[] = []; // newest first, like the header
  let lastTime = 0;
  const count = limit < 0 ? changelogs.length : Math.min(limit, changelogs.length);
  for (let i = 0; i < count; i++) {
    const c = changelogs[i] as RpmChangelog;
    kept.push({ author: trimAuthor(c.author), date: c.time, text: c.text });
    if (lastTime === c.time) {
      // Walk back over the newer entries that carry the same time, bumping each by one.
      let t = c.time;
      for (let j = kept.length - 2; j >= 0; j--) {
        const previous = kept[j] as Entry;
        if (previous.date !== t) break;
        previous.date++;
        t++;
      }
    } else {
      lastTime = c.time;
    }
  }
  return kept.reverse();
}

/** createrepo_c strips trailing spaces, but never the first character. */
function trimAuthor(author: string): string {
  let end = author.length;
  while (end > 1 && author[end - 1] === " ") end--;
  return author.slice(0, end);
}

export function renderOther(record: PackageRecord, changelogLimit: number): string {
  let out = `${packageOpenTag(record)}\n  ${versionElement(record)}\n`;
  for (const entry of keptChangelogs(record.rpm.changelogs, changelogLimit)) {
    out += `  <changelog author="${escapeAttr(entry.author)}" date="${entry.date}">${escapeText(entry.text)}</changelog>\n`;
  }
  return `${out}</package>\n`;
}
