import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../src/repo/signing.js";
import { buildRpm } from "./helpers/build-rpm.js";
import { helloSpec } from "./helpers/hello-rpm.js";
import { requireTool } from "./helpers/require-tool.js";
import { BIN, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const execFileAsync = promisify(execFile);
const dnf = requireTool("dnf");
const rpmbuild = requireTool("rpmbuild");
const rpm = requireTool("rpm");
// dnf --installroot writes an rpm database: it needs root.
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("skipping: the dnf end-to-end test runs dnf --installroot, which needs root");
const ready = Boolean(dnf && rpmbuild && rpm && isRoot);

const work = tmpDir("escalator-repo-dnf-");
const root = join(work.path, "root");
let server: StartedProcess | undefined;
let base = "";

async function serve(extra: string[] = []): Promise<void> {
  await server?.stop();
  server = startProcess([
    process.execPath,
    BIN,
    "repo",
    "serve",
    "--root",
    root,
    "--listen",
    "127.0.0.1:0",
    ...extra,
  ]);
  await server.waitFor(/"port":\d+.*repo listening|repo listening.*"port":\d+/);
  const port = Number(/"port":(\d+)[^\n]*repo listening/.exec(server.output())?.[1]);
  base = `http://127.0.0.1:${port}`;
}

async function api(method: string, path: string, body?: string | Uint8Array): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body }),
    headers: typeof body === "string" ? { "Content-Type": "application/json" } : {},
  });
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

interface DnfRun {
  code: number;
  output: string;
  installroot: string;
}

/** `dnf install hello` into `installroot` (a fresh one by default) from the repository at `url`. */
async function dnfInstall(
  url: string,
  options: { installroot?: string; args?: string[]; command?: string[] } = {},
): Promise<DnfRun> {
  const installroot = options.installroot ?? mkdtempSync(join(work.path, "installroot-"));
  const argv = [
    "-y",
    `--installroot=${installroot}`,
    "--setopt=reposdir=/nonexistent",
    `--setopt=cachedir=${join(installroot, "var/cache/dnf")}`,
    "--setopt=install_weak_deps=False",
    "--releasever=1",
    `--repofrompath=yumtags,${url}`,
    "--repo=yumtags",
    "--nogpgcheck",
    ...(options.args ?? []),
    ...(options.command ?? ["install", "hello"]),
  ];
  try {
    const { stdout, stderr } = await execFileAsync(dnf as string, argv, { timeout: 120_000 });
    return { code: 0, output: stdout + stderr, installroot };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : 1,
      output: `${e.stdout ?? ""}${e.stderr ?? ""}`,
      installroot,
    };
  }
}

/** The installed version of hello in `installroot`, or undefined. */
async function installedHello(installroot: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(rpm as string, [
      "--root",
      installroot,
      "-q",
      "--qf",
      "%{VERSION}",
      "hello",
    ]);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

describe.skipIf(!ready)("dnf installs from Yumtags", () => {
  let hello1: Buffer;
  let hello2: Buffer;

  beforeAll(async () => {
    const [a] = await buildRpm(rpmbuild as string, work.path, helloSpec("1.0"));
    const [b] = await buildRpm(rpmbuild as string, work.path, helloSpec("2.0"));
    hello1 = readFileSync(a as string);
    hello2 = readFileSync(b as string);
    await serve();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    work.remove();
  });

  it("installs a tag's version forever, and a channel follows promotions", async () => {
    expect(await api("POST", "/api/v1/packages", hello1)).toMatchObject({ nevra: "hello-1.0-1.noarch" });
    expect(await api("POST", "/api/v1/tags", '{"name":"t1"}')).toMatchObject({ tag: "t1", packages: 1 });

    const first = await dnfInstall(`${base}/tags/t1/`);
    expect(first.code, first.output).toBe(0);
    expect(await installedHello(first.installroot)).toBe("1.0");
    expect(readFileSync(join(first.installroot, "usr/share/hello/version"), "utf8")).toMatch(/^1\.0/);

    expect(await api("POST", "/api/v1/packages", hello2)).toMatchObject({ nevra: "hello-2.0-1.noarch" });
    expect(await api("POST", "/api/v1/tags", '{"name":"t2"}')).toMatchObject({ tag: "t2", packages: 2 });

    const old = await dnfInstall(`${base}/tags/t1/`);
    expect(old.code, old.output).toBe(0);
    expect(await installedHello(old.installroot)).toBe("1.0");
    const latest = await dnfInstall(`${base}/tags/t2/`);
    expect(latest.code, latest.output).toBe(0);
    expect(await installedHello(latest.installroot)).toBe("2.0");

    // A channel: prod → t1 installs 1.0; after prod → t2 the same client (same cache) sees 2.0.
    await api("PUT", "/api/v1/channels/prod", '{"tag":"t1"}');
    const prod = await dnfInstall(`${base}/channels/prod/`);
    expect(prod.code, prod.output).toBe(0);
    expect(await installedHello(prod.installroot)).toBe("1.0");
    await api("PUT", "/api/v1/channels/prod", '{"tag":"t2"}');
    const upgrade = await dnfInstall(`${base}/channels/prod/`, {
      installroot: prod.installroot,
      args: ["--refresh"],
      command: ["upgrade", "hello"],
    });
    expect(upgrade.code, upgrade.output).toBe(0);
    expect(await installedHello(prod.installroot)).toBe("2.0");
    expect(await api("GET", "/api/v1/channels/prod")).toMatchObject({ tag: "t2" });
  }, 300_000);

  it("verifies signed metadata with repo_gpgcheck=1 and refuses it once tampered with", async () => {
    const key = await generateSigningKey("Yumtags test", "yumtags@example.org");
    const keyFile = join(work.path, "signing-key.asc");
    writeFileSync(keyFile, key.privateKey, { mode: 0o600 });
    await serve(["--signing-key", keyFile]);
    expect(await api("POST", "/api/v1/tags", '{"name":"signed"}')).toMatchObject({
      tag: "signed",
      signed: true,
    });
    const repoFile = await (await fetch(`${base}/tags/signed.repo`)).text();
    expect(repoFile).toContain("repo_gpgcheck=1");
    expect(repoFile).toContain(`gpgkey=${base}/tags/signed/repodata/repomd.xml.key`);

    const url = `${base}/tags/signed/`;
    const gpg = ["--setopt=yumtags.repo_gpgcheck=1", `--setopt=yumtags.gpgkey=${url}repodata/repomd.xml.key`];
    const good = await dnfInstall(url, { args: gpg });
    expect(good.code, good.output).toBe(0);
    expect(good.output).toMatch(/Importing GPG key/);
    expect(await installedHello(good.installroot)).toBe("2.0");

    // Change one byte of repomd.xml on disk: the signature no longer matches.
    const repomd = join(root, "tags", "signed", "repodata", "repomd.xml");
    writeFileSync(repomd, readFileSync(repomd, "utf8").replace("<revision>", "<revision>9"));
    const tampered = await dnfInstall(url, { args: gpg });
    expect(tampered.code, tampered.output).not.toBe(0);
    expect(tampered.output).toMatch(/GPG signature verification error|Bad GPG signature/);
    expect(await installedHello(tampered.installroot)).toBeUndefined();
  }, 300_000);
});
