/**
 * One compressed metadata file written while streaming: text goes through gzip into a temporary file,
 * with sha256 and byte counts of both the XML and the compressed bytes taken on the way, so nothing is
 * held twice in memory. `finish()` renames it to createrepo_c's "<sha256>-<type>.xml.gz".
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, type Gzip } from "node:zlib";
import type { RepomdEntry } from "./types.js";

const BATCH = 64 * 1024;

export class MetadataFile {
  readonly type: RepomdEntry["type"];
  private readonly dir: string;
  private readonly tmpPath: string;
  private readonly gzip: Gzip;
  private readonly done: Promise<void>;
  private readonly openHash = createHash("sha256");
  private readonly packedHash = createHash("sha256");
  private openSize = 0;
  private packedSize = 0;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(dir: string, type: RepomdEntry["type"]) {
    this.type = type;
    this.dir = dir;
    this.tmpPath = join(dir, `.${type}.xml.gz.tmp-${randomBytes(6).toString("hex")}`);
    this.gzip = createGzip();
    const count = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.packedHash.update(chunk);
        this.packedSize += chunk.length;
        callback(null, chunk);
      },
    });
    this.done = pipeline(this.gzip, count, createWriteStream(this.tmpPath));
    // Errors surface through `done` in flush/finish; keep an early failure from being unhandled.
    this.done.catch(() => {});
  }

  /** Queues text; flushes to gzip (waiting for it to drain) once a batch is full. */
  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buffer = Buffer.from(this.pending.join(""), "utf8");
    this.pending = [];
    this.pendingLength = 0;
    this.openHash.update(buffer);
    this.openSize += buffer.length;
    if (!this.gzip.write(buffer)) {
      await Promise.race([new Promise<void>((resolve) => this.gzip.once("drain", resolve)), this.done]);
    }
  }

  /** Ends the stream and renames the file; returns its repomd entry. */
  async finish(timestamp: number): Promise<RepomdEntry> {
    await this.flush();
    this.gzip.end();
    await this.done;
    const checksum = this.packedHash.digest("hex");
    const name = `${checksum}-${this.type}.xml.gz`;
    await rename(this.tmpPath, join(this.dir, name));
    return {
      type: this.type,
      href: `repodata/${name}`,
      checksum,
      openChecksum: this.openHash.digest("hex"),
      size: this.packedSize,
      openSize: this.openSize,
      timestamp,
    };
  }

  /** Stops writing and removes the temporary file (after a failure elsewhere). */
  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => {});
    await rm(this.tmpPath, { force: true });
  }
}
