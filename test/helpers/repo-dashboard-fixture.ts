import { join } from "node:path";
import { Repository } from "../../src/repo/repository.js";
import type { AddResult } from "../../src/repo/types.js";
import { buildRpm } from "./build-rpm.js";
import { tmpDir } from "./tmp-dir.js";

/** A one-file noarch package `name`-`version`-1 (rpmbuild at test time). */
function specOf(name: string, version: string): string {
  return `Name: ${name}
Version: ${version}
Release: 1
Summary: ${name} for the dashboard tests
License: MIT
BuildArch: noarch

%description
${name} ${version}

%install
mkdir -p %{buildroot}/usr/share/${name}
echo "${version}" > %{buildroot}/usr/share/${name}/version

%files
/usr/share/${name}/version
`;
}

export interface RepoDashboardFixture {
  /** The repository's folder (closed again: the daemon opens it itself). */
  root: string;
  remove(): void;
}

/**
 * A real Yumtags root for the dashboard: tag t1 = {hello 1.0, greet 1.0}, then t2 = {hello 2.0,
 * extra 1.0} (t1 → t2: hello changed, greet removed, extra added); channel prod promoted to t1 and
 * then t2, channel dev to t1. Tags are a minute apart on a fixed clock.
 */
export async function repoDashboardFixture(rpmbuild: string): Promise<RepoDashboardFixture> {
  const dir = tmpDir("escalator-repo-dashboard-");
  try {
    const packages: [string, string][] = [
      ["hello", "1.0"],
      ["greet", "1.0"],
      ["hello", "2.0"],
      ["extra", "1.0"],
    ];
    const built = await Promise.all(
      packages.map(async ([name, version]) => (await buildRpm(rpmbuild, dir.path, specOf(name, version)))[0]),
    );
    let now = Date.parse("2025-01-02T03:04:05Z");
    const root = join(dir.path, "root");
    const repository = await Repository.open(root, { clock: { now: () => (now += 60_000) } });
    try {
      const added: AddResult[] = [];
      for (const file of built) added.push(await repository.addFile(file as string));
      const sha = (i: number) => added[i]?.sha256 as string;
      await repository.freeze({ name: "t1", packages: [sha(0), sha(1)] });
      await repository.freeze({ name: "t2", packages: [sha(2), sha(3)] });
      repository.promote("prod", "t1");
      repository.promote("dev", "t1");
      repository.promote("prod", "t2");
    } finally {
      repository.close();
    }
    return { root, remove: dir.remove };
  } catch (error) {
    dir.remove();
    throw error;
  }
}
