/**
 * The queries a freeze runs, used by RepoCatalog: the packages' identities (to order them) and the
 * cache of compressed metadata chunks (repo/repodata/chunks.ts). Lists go to SQLite as one JSON array
 * through json_each (a table-valued function), so each operation is one statement.
 */
import type BetterSqlite3 from "better-sqlite3";

/** What ordering a tag's packages needs. */
export interface IdentityRow {
  sha256: string;
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
}

/** A cached chunk of metadata (repo/repodata/chunks.ts): per file, XML, raw deflate and CRC-32. */
export interface RepodataChunksTable {
  key: string;
  primary_crc: number;
  primary_xml: Buffer;
  primary_gz: Buffer;
  filelists_crc: number;
  filelists_xml: Buffer;
  filelists_gz: Buffer;
  other_crc: number;
  other_xml: Buffer;
  other_gz: Buffer;
}

/** Chunks used by this many of the latest freezes stay cached; older ones are evicted. */
const CHUNK_GENERATIONS = 4;

type Prepare = (sql: string) => BetterSqlite3.Statement;

const IDENTITY =
  "name || char(31) || arch || char(31) || epoch || char(31) || version || char(31) || release || char(31) || sha256";

/**
 * Identities of every package in the pool, or of the given ones. Each row comes back as one string
 * (fields joined by U+001F, which no identity field holds: the pool refuses control characters):
 * better-sqlite3 builds one-string rows several times faster than six-column objects, and a freeze of
 * 10,000 packages starts here.
 */
export function selectIdentities(prepare: Prepare, sha256s?: readonly string[]): IdentityRow[] {
  const joined = (
    sha256s === undefined
      ? prepare(`SELECT ${IDENTITY} FROM packages`).pluck().all()
      : prepare(`SELECT ${IDENTITY} FROM packages WHERE sha256 IN (SELECT value FROM json_each(?))`)
          .pluck()
          .all(JSON.stringify(sha256s))
  ) as string[];
  const rows: IdentityRow[] = new Array(joined.length);
  for (const [i, line] of joined.entries()) {
    const [name = "", arch = "", epoch = "", version = "", release = "", sha256 = "", extra] =
      line.split("\x1f");
    if (extra !== undefined || sha256 === "") {
      throw new Error(`repo catalog: unexpected identity ${JSON.stringify(line)}`);
    }
    rows[i] = { name, arch, epoch: Number(epoch), version, release, sha256 };
  }
  return rows;
}

export function selectChunks(prepare: Prepare, keys: readonly string[]): RepodataChunksTable[] {
  return prepare("SELECT * FROM repodata_chunks WHERE key IN (SELECT value FROM json_each(?))").all(
    JSON.stringify(keys),
  ) as RepodataChunksTable[];
}

/**
 * Caches new chunks and records that `used` made up the latest freeze (one generation); chunks no
 * freeze of the last CHUNK_GENERATIONS used are evicted. Run inside a transaction.
 */
export function saveChunks(
  prepare: Prepare,
  added: readonly RepodataChunksTable[],
  used: readonly string[],
): void {
  const insert = prepare(
    "INSERT OR IGNORE INTO repodata_chunks (key, primary_crc, primary_xml, primary_gz, filelists_crc," +
      " filelists_xml, filelists_gz, other_crc, other_xml, other_gz) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  for (const c of added) {
    insert.run(
      c.key,
      c.primary_crc,
      c.primary_xml,
      c.primary_gz,
      c.filelists_crc,
      c.filelists_xml,
      c.filelists_gz,
      c.other_crc,
      c.other_xml,
      c.other_gz,
    );
  }
  const latest = prepare("SELECT max(generation) FROM repodata_chunk_use").pluck().get() as number | null;
  const generation = (latest ?? 0) + 1;
  prepare(
    "INSERT INTO repodata_chunk_use (key, generation) SELECT value, ? FROM json_each(?) WHERE true" +
      " ON CONFLICT (key) DO UPDATE SET generation = excluded.generation",
  ).run(generation, JSON.stringify(used));
  const oldest = generation - CHUNK_GENERATIONS;
  prepare(
    "DELETE FROM repodata_chunks WHERE key IN (SELECT key FROM repodata_chunk_use WHERE generation <= ?)",
  ).run(oldest);
  prepare("DELETE FROM repodata_chunk_use WHERE generation <= ?").run(oldest);
}
