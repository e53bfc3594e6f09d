import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { buildRpm } from "../../test/helpers/build-rpm.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { Repository } from "./repository.js";
import { generateSigningKey, signerFromArmored } from "./signing.js";

const execFileAsync = promisify(execFile);
const rpmbuild = requireTool("rpmbuild");
const dnf = requireTool("dnf");
const tmp = tmpDir("escalator-dnf-sign-");
afterAll(() => tmp.remove());

const SPEC = `Name: signed-demo
Version: 1.0
Release: 1
Summary: Package in a signed tag
License: MIT
BuildArch: noarch

%description
Signed.

%install
mkdir -p %{buildroot}/usr/share/signed-demo
echo 1 > %{buildroot}/usr/share/signed-demo/v

%files
/usr/share/signed-demo/v
`;

/** dnf repoquery against one file:// repository with repo_gpgcheck=1, in a private installroot. */
async function repoquery(dnfPath: string, work: string, tagDir: string) {
  for (const d of ["repos", "root", "cache"]) mkdirSync(join(work, d), { recursive: true });
  writeFileSync(
    join(work, "repos", "signed.repo"),
    [
      "[signed]",
      "name=signed",
      `baseurl=file://${tagDir}`,
      "gpgcheck=0",
      "repo_gpgcheck=1",
      `gpgkey=file://${join(tagDir, "repodata", "repomd.xml.key")}`,
      "",
    ].join("\n"),
  );
  const args = [
    "-y",
    `--installroot=${join(work, "root")}`,
    `--setopt=reposdir=${join(work, "repos")}`,
    `--setopt=cachedir=${join(work, "cache")}`,
    "--releasever=12",
    "--disablerepo=*",
    "--enablerepo=signed",
    "repoquery",
    "--qf",
    "%{name}-%{version}",
    "signed-demo",
  ];
  return execFileAsync(dnfPath, args, { timeout: 120_000 }).catch(
    (e: { stdout: string; stderr: string }) => e,
  );
}

describe.skipIf(!rpmbuild || !dnf)("signed tags with dnf", () => {
  it("dnf with repo_gpgcheck=1 accepts a signed tag and refuses tampered metadata", async () => {
    if (!rpmbuild || !dnf) return;
    const [rpm] = await buildRpm(rpmbuild, tmp.path, SPEC);
    const key = await generateSigningKey("Escalator Repo", "repo@example.org");
    const repo = await Repository.open(join(tmp.path, "root"), {
      signer: await signerFromArmored(key.privateKey),
    });
    await repo.addFile(rpm as string);
    await repo.freeze({ name: "signed" });
    const tagDir = repo.tagDir("signed");
    repo.close();

    const good = await repoquery(dnf, join(tmp.path, "good"), tagDir);
    expect(good.stdout).toContain("signed-demo-1.0");

    const repomd = join(tagDir, "repodata", "repomd.xml");
    writeFileSync(repomd, readFileSync(repomd, "utf8").replace("<revision>", "<revision>9"));
    const bad = await repoquery(dnf, join(tmp.path, "bad"), tagDir);
    expect(bad.stdout).not.toContain("signed-demo-1.0");
    expect(bad.stderr).toMatch(/GPG signature verification error|Bad GPG signature/);
  }, 180_000);
});
