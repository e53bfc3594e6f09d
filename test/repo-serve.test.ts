import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpm } from "./helpers/build-rpm.js";
import { helloSpec } from "./helpers/hello-rpm.js";
import { requireTool } from "./helpers/require-tool.js";
import { BIN, eventually, runCli, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

/**
 * `escalator repo serve` as a process: what only a real socket shows (raw paths with "..", early
 * 413s while the client is still sending), the listen-address rule, the token file and --incoming.
 * The routes themselves are covered through app.request() in repo-http.test.ts.
 */

const rpmbuild = requireTool("rpmbuild");
const TOKEN = "s3cret-token";
const auth = { Authorization: `Bearer ${TOKEN}` };
const json = { ...auth, "Content-Type": "application/json" };

/** A raw request: the path is sent as written (no URL normalisation of "..", unlike fetch). */
function rawRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Uint8Array | "chunked-forever" } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers },
      (response) => {
        let body = "";
        response.setEncoding("latin1");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    if (options.body === "chunked-forever") {
      // Keeps sending until the server answers; it must answer 413 without reading everything.
      const chunk = new Uint8Array(16_384).fill(0xab);
      let answered = false;
      const pump = () => {
        while (!answered && !request.destroyed && request.write(chunk)) {}
        if (!answered && !request.destroyed) request.once("drain", pump);
      };
      request.once("response", (response) => {
        answered = true;
        response.once("end", () => request.destroy());
      });
      pump();
    } else {
      request.end(options.body);
    }
  });
}

describe.skipIf(!rpmbuild)("escalator repo serve", { timeout: 60_000 }, () => {
  const work = tmpDir("escalator-repo-serve-");
  const incoming = join(work.path, "incoming");
  let server: StartedProcess;
  let port = 0;
  let hello: Buffer;

  beforeAll(async () => {
    const [built] = await buildRpm(rpmbuild as string, work.path, helloSpec("3.0"));
    hello = readFileSync(built as string);
    writeFileSync(join(work.path, "tokens"), `# CI uploads\n\n  ${TOKEN}  \nsecond-token\n`);
    server = startProcess([
      process.execPath,
      BIN,
      "repo",
      "serve",
      "--root",
      join(work.path, "root"),
      "--listen",
      "127.0.0.1:0",
      "--token-file",
      join(work.path, "tokens"),
      "--incoming",
      incoming,
      "--max-upload-bytes",
      "64K",
      "--max-concurrent-uploads",
      "1",
    ]);
    await server.waitFor(/repo listening.*"port":\d+|"port":\d+.*repo listening/);
    port = Number(/"port":(\d+)/.exec(server.output())?.[1]);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    work.remove();
  });

  it("refuses a non-loopback address without a token file", async () => {
    const result = await runCli([
      "repo",
      "serve",
      "--root",
      join(work.path, "other"),
      "--listen",
      "0.0.0.0:0",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to listen on 0\.0\.0\.0:0 without a token file/);
    expect(existsSync(join(work.path, "other"))).toBe(false);
  });

  it("takes uploads with a token from the file, and refuses a wrong or missing one", async () => {
    const url = `http://127.0.0.1:${port}/api/v1/packages`;
    expect((await fetch(url, { method: "POST", body: hello })).status).toBe(401);
    const wrong = await fetch(url, {
      method: "POST",
      body: hello,
      headers: { Authorization: "Bearer # CI uploads" },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(url, {
      method: "POST",
      body: hello,
      headers: { Authorization: "Bearer second-token" },
    });
    expect(ok.status).toBe(201);
    const tag = await fetch(`http://127.0.0.1:${port}/api/v1/tags`, {
      method: "POST",
      headers: json,
      body: '{"name":"t3"}',
    });
    expect(tag.status).toBe(201);
  });

  it("answers oversized uploads with 413 before reading them, with or without Content-Length", async () => {
    const declared = await rawRequest(port, "/api/v1/packages", {
      method: "POST",
      headers: { ...auth, "Content-Length": String(10 * 1024 * 1024 * 1024) },
      body: "chunked-forever",
    });
    expect(declared.status).toBe(413);
    const chunked = await rawRequest(port, "/api/v1/packages", {
      method: "POST",
      headers: { ...auth, "Transfer-Encoding": "chunked" },
      body: "chunked-forever",
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ code: "TOO_LARGE" });
    const list = (await (await fetch(`http://127.0.0.1:${port}/api/v1/packages`)).json()) as {
      packages: unknown[];
    };
    expect(list.packages).toHaveLength(1);
  });

  it("answers 503 BUSY past --max-concurrent-uploads, and logs a client gone mid-upload as a warning", async () => {
    const stalled = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => stalled.once("connect", resolve));
    stalled.write(
      `POST /api/v1/packages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Length: 60000\r\n\r\n${"x".repeat(1000)}`,
    );
    await eventually(() => readdirSync(join(work.path, "root", "tmp")).length > 0, 5000, "the upload");
    const busy = await fetch(`http://127.0.0.1:${port}/api/v1/packages`, {
      method: "POST",
      body: hello,
      headers: auth,
    });
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(await busy.json()).toMatchObject({ code: "BUSY" });
    stalled.destroy();
    await server.waitFor(/client went away/);
    await eventually(() => readdirSync(join(work.path, "root", "tmp")).length === 0, 5000, "tmp/ to empty");
    expect(server.output()).not.toMatch(/repo handler failed|"level":50/);
    const form = await fetch(`http://127.0.0.1:${port}/api/v1/tags`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/x-www-form-urlencoded" },
      body: '{"name":"t9"}',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error: string }).error).toContain("-H 'content-type: application/json'");
  });

  it("never answers a raw path with '..' with a file outside the tag", async () => {
    for (const path of [
      "/tags/x/../../repo.db",
      "/tags/t3/../../repo.db",
      "/tags/t3/../../../../../etc/passwd",
      "/tags/../repo.db",
      "/tags/t3/repodata/../../../repo.db",
      "/tags/t3/repodata/..%2f..%2f..%2frepo.db",
      "/channels/../repo.db",
      "/tags/..%2f..%2fetc/passwd",
    ]) {
      const response = await rawRequest(port, path);
      expect([400, 404], path).toContain(response.status);
      expect(response.body).not.toContain("SQLite format");
      expect(response.body).not.toContain("root:");
    }
    const repomd = await rawRequest(port, "/tags/t3/repodata/repomd.xml");
    expect(repomd.status).toBe(200);
  });

  it("imports RPMs dropped into --incoming and rejects the rest with a reason file", async () => {
    const [v4] = await buildRpm(rpmbuild as string, work.path, helloSpec("4.0"));
    // The rename convention: write a dot file, then rename it into place.
    copyFileSync(v4 as string, join(incoming, ".hello-4.0.rpm.part"));
    renameSync(join(incoming, ".hello-4.0.rpm.part"), join(incoming, "hello-4.0.rpm"));
    writeFileSync(join(incoming, "broken.rpm"), "not an rpm at all");
    writeFileSync(join(incoming, "..%2f..%2fescape.rpm"), "in flight"); // a dot file: not touched
    writeFileSync(join(incoming, "\\..\\escape.rpm"), "hostile");
    symlinkSync("/etc/passwd", join(incoming, "link.rpm")); // never read: not a regular file
    writeFileSync(join(incoming, "line\nbreak ünï.rpm"), "hostile");
    writeFileSync(join(incoming, "-rf $(touch pwned).rpm"), "hostile");
    writeFileSync(join(incoming, "notes.txt"), "left alone");

    await eventually(
      () => readdirSync(incoming).filter((f) => f.endsWith(".rpm") && !f.startsWith(".")).length === 0,
      15_000,
      "the incoming folder to empty",
    ).catch((error: Error) => {
      throw new Error(`${error.message}; left: ${readdirSync(incoming).join(", ")}\n${server.output()}`);
    });
    const list = (await (await fetch(`http://127.0.0.1:${port}/api/v1/packages`)).json()) as {
      packages: { nevra: string }[];
    };
    expect(list.packages.map((p) => p.nevra)).toContain("hello-4.0-1.noarch");
    const rejected = readdirSync(join(incoming, "rejected")).sort();
    expect(rejected).toEqual(
      [
        "-rf $(touch pwned).rpm",
        "-rf $(touch pwned).rpm.reason",
        "\\..\\escape.rpm",
        "\\..\\escape.rpm.reason",
        "line\nbreak ünï.rpm",
        "line\nbreak ünï.rpm.reason",
        "broken.rpm",
        "broken.rpm.reason",
        "link.rpm",
        "link.rpm.reason",
      ].sort(),
    );
    expect(readFileSync(join(incoming, "rejected", "broken.rpm.reason"), "utf8")).toMatch(
      /^INVALID_PACKAGE: .+/,
    );
    expect(readFileSync(join(incoming, "rejected", "link.rpm.reason"), "utf8")).toMatch(/not a regular file/);
    expect(readdirSync(incoming).sort()).toEqual(["..%2f..%2fescape.rpm", "notes.txt", "rejected"]);
    expect(existsSync(join(work.path, "escape.rpm"))).toBe(false);
    expect(existsSync(join(incoming, "pwned"))).toBe(false);
    expect(server.output()).toMatch(/incoming imported/);
    expect(server.output()).toMatch(/incoming rejected/);
  });

  it("stops cleanly on SIGTERM", async () => {
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(server.output()).toMatch(/"msg":"stopped"/);
  });
});
