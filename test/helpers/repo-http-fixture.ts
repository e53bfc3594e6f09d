import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { createRepoApp } from "../../src/repo/http/create-repo-app.js";
import { Repository } from "../../src/repo/repository.js";
import { buildRpm } from "./build-rpm.js";
import { helloSpec } from "./hello-rpm.js";
import { tmpDir } from "./tmp-dir.js";

export const TOKEN = "s3cret-token";
export const LIMIT = 64 * 1024;
export const auth = { Authorization: `Bearer ${TOKEN}` };
export const json = { ...auth, "Content-Type": "application/json" };
export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A repository under a temporary root, its routes (token TOKEN, upload limit LIMIT) and three real packages. */
export interface RepoHttpFixture {
  repository: Repository;
  app: Hono;
  hello1: Buffer;
  /** Same NEVRA as hello1, other bytes (another build). */
  hello1Again: Buffer;
  hello2: Buffer;
  upload(body: string | Uint8Array, headers?: Record<string, string>): Promise<Response>;
  poolFiles(): string[];
  tmpFiles(): string[];
  close(): void;
}

export async function repoHttpFixture(rpmbuild: string, prefix: string): Promise<RepoHttpFixture> {
  const dir = tmpDir(prefix);
  const [a] = await buildRpm(rpmbuild, dir.path, helloSpec("1.0"));
  const [b] = await buildRpm(rpmbuild, dir.path, helloSpec("1.0", "rebuilt"));
  const [c] = await buildRpm(rpmbuild, dir.path, helloSpec("2.0"));
  const repository = await Repository.open(join(dir.path, "root"));
  const app = createRepoApp({ repository, tokens: [TOKEN], maxUploadBytes: LIMIT });
  return {
    repository,
    app,
    hello1: readFileSync(a as string),
    hello1Again: readFileSync(b as string),
    hello2: readFileSync(c as string),
    upload: async (body, headers = auth) =>
      app.request("/api/v1/packages", { method: "POST", body, headers }),
    poolFiles() {
      const pool = join(repository.root, "pool");
      return readdirSync(pool, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".rpm"));
    },
    tmpFiles() {
      const tmp = join(repository.root, "tmp");
      return existsSync(tmp) ? readdirSync(tmp) : [];
    },
    close() {
      repository.close();
      dir.remove();
    },
  };
}

/** A body of `size` bytes sent without Content-Length, in 8 KiB chunks. */
export function chunkedBody(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(8192, size - sent)).fill(0xab);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}
