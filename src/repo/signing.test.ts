import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { generateSigningKey, loadSigner, signerFromArmored } from "./signing.js";
import { RepoError } from "./types.js";

const execFileAsync = promisify(execFile);
const gpg = requireTool("gpg");
const tmp = tmpDir("escalator-sign-");
afterAll(() => tmp.remove());

const REPOMD = new TextEncoder().encode(
  '<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo">\n  <revision>1</revision>\n</repomd>\n',
);

/** gpg with a private home folder: import the public key, verify the detached signature. */
async function gpgVerify(
  gpgPath: string,
  dir: string,
  publicKey: string,
  signature: string,
  data: Uint8Array,
) {
  const home = join(dir, "gnupg");
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "repomd.xml.key"), publicKey);
  writeFileSync(join(dir, "repomd.xml.asc"), signature);
  writeFileSync(join(dir, "repomd.xml"), data);
  const base = ["--homedir", home, "--batch", "--no-tty"];
  await execFileAsync(gpgPath, [...base, "--import", join(dir, "repomd.xml.key")]);
  return execFileAsync(gpgPath, [...base, "--verify", join(dir, "repomd.xml.asc"), join(dir, "repomd.xml")]);
}

describe("repomd signing", () => {
  it("signs detached signatures that gpg verifies, and gpg rejects tampered data", async () => {
    if (!gpg) return;
    const key = await generateSigningKey("Escalator Test", "repo@example.org");
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    const keyFile = join(tmp.path, "key.asc");
    writeFileSync(keyFile, key.privateKey);
    const signer = await loadSigner(keyFile);
    const { signature, publicKey } = await signer.sign(REPOMD);
    expect(signature).toContain("-----BEGIN PGP SIGNATURE-----");
    expect(publicKey).toContain("-----BEGIN PGP PUBLIC KEY BLOCK-----");

    const good = await gpgVerify(gpg, join(tmp.path, "good"), publicKey, signature, REPOMD);
    expect(good.stderr).toContain("Good signature");

    const tampered = new TextEncoder().encode(
      new TextDecoder().decode(REPOMD).replace("<revision>1", "<revision>2"),
    );
    await expect(gpgVerify(gpg, join(tmp.path, "bad"), publicKey, signature, tampered)).rejects.toThrow(
      /BAD signature/,
    );
  });

  it("needs the passphrase of a protected key, and refuses a wrong one", async () => {
    const key = await generateSigningKey("Escalator Test", "repo@example.org", "s3cret");
    await expect(signerFromArmored(key.privateKey)).rejects.toThrow(RepoError);
    await expect(signerFromArmored(key.privateKey, "wrong")).rejects.toThrow(/cannot use the signing key/);
    const signer = await signerFromArmored(key.privateKey, "s3cret");
    const { signature } = await signer.sign(REPOMD);
    expect(signature).toContain("BEGIN PGP SIGNATURE");
  });

  it("reports a missing or malformed key file as INVALID_REQUEST", async () => {
    await expect(loadSigner(join(tmp.path, "missing.asc"))).rejects.toMatchObject({
      code: "INVALID_REQUEST",
    });
    const junk = join(tmp.path, "junk.asc");
    writeFileSync(junk, "not a key");
    await expect(loadSigner(junk)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
  });
});
