import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/**
 * Builds RPMs from `spec` with rpmbuild in a fresh topdir under `dir` (no shell; argv only).
 * `mode` "-bb" builds binary packages, "-bs" the source package. Returns the paths of the built files.
 * The caller gets `rpmbuild` from requireTool("rpmbuild").
 */
export async function buildRpm(
  rpmbuild: string,
  dir: string,
  spec: string,
  mode: "-bb" | "-bs" = "-bb",
): Promise<string[]> {
  const topdir = join(dir, `top-${Math.random().toString(36).slice(2)}`);
  for (const sub of ["BUILD", "BUILDROOT", "RPMS", "SOURCES", "SPECS", "SRPMS"]) {
    mkdirSync(join(topdir, sub), { recursive: true });
  }
  const specPath = join(topdir, "SPECS", "package.spec");
  writeFileSync(specPath, spec);
  const args = [
    mode,
    "--define",
    `_topdir ${topdir}`,
    "--define",
    "debug_package %{nil}",
    "--define",
    "_build_id_links none",
    "--nodeps",
    "--quiet",
    specPath,
  ];
  try {
    await execFileAsync(rpmbuild, args, { env: { ...process.env, LC_ALL: "C.UTF-8" }, timeout: 60_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`rpmbuild failed: ${e.stderr || e.message}`);
  }
  const outDir = join(topdir, mode === "-bb" ? "RPMS" : "SRPMS");
  return readdirSync(outDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".rpm"))
    .map((f) => join(outDir, f))
    .sort();
}
