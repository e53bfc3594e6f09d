// Builds the benchmark's RPMs with rpmbuild, once, and caches them under bench/.cache/repo-rpms/.
// A spec with many subpackages (`%package -n bench-pkg-NNNNN`) makes one rpmbuild run produce many
// packages; each has its own version, a few files (a script, a %config file, docs, 1–4 data files),
// versioned provides and requires, and some weak dependencies, conflicts and obsoletes. The spec's
// changelog (15 entries, more than createrepo_c's default limit of 10) goes into every package.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const pad = (i) => String(i).padStart(5, "0");

function subpackage(i, count) {
  const name = `bench-pkg-${pad(i)}`;
  const lines = [
    `%package -n ${name}`,
    ...(i % 10 === 3 ? ["Epoch: 1"] : []),
    `Version: ${1 + (i % 7)}.${i % 13}.${i % 5}${i % 17 === 0 ? "~rc1" : ""}`,
    `Release: ${1 + (i % 3)}.bench`,
    `Summary: Benchmark package ${i}: ${["tools", "library", "data", "daemon"][i % 4]} for the repository bench`,
    `Group: ${["Applications/System", "Development/Libraries", "System Environment/Daemons"][i % 3]}`,
    `URL: https://example.org/bench/${name}`,
    ...(i % 3 === 0 ? ["BuildArch: noarch"] : []),
    `Provides: ${name}-api = ${i % 7}.${i % 11}`,
    `Provides: bench-virtual-${i % 50}`,
    "Requires: /bin/sh",
    ...(i > 0 ? [`Requires: bench-pkg-${pad(i - 1)} >= 1.0`] : []),
    ...(i > 10 ? [`Requires: bench-virtual-${(i * 7) % 50}`] : []),
    ...(i % 4 === 0 ? ["Requires(pre): /usr/sbin/useradd"] : []),
    ...(i % 5 === 0 ? [`Recommends: bench-pkg-${pad((i * 31) % count)}`] : []),
    ...(i % 9 === 0 ? [`Suggests: bench-doc-${i % 20}`] : []),
    ...(i % 11 === 0 ? [`Conflicts: bench-old-${pad(i)} < 2.0`] : []),
    ...(i % 13 === 0 ? [`Obsoletes: bench-legacy-${pad(i)} <= 1.0-1`] : []),
    "",
    `%description -n ${name}`,
    `Package ${i} of ${count}, generated for npm run bench:repo.`,
    `It installs a script, a configuration file and ${1 + (i % 4)} data files.`,
    "",
    `%files -n ${name}`,
    `%config(noreplace) /etc/bench/${name}.conf`,
    `/usr/bin/${name}`,
    `%dir /usr/share/bench/${name}`,
    `/usr/share/bench/${name}/data-*.txt`,
    `%doc /usr/share/doc/${name}/README`,
    ...(i % 6 === 0 ? [`%dir /var/lib/${name}`, `%ghost /var/lib/${name}/state`] : []),
    "",
  ];
  return lines.join("\n");
}

function changelog() {
  const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  const out = ["%changelog"];
  for (let k = 15; k >= 1; k--) {
    const date = new Date(Date.UTC(2024, 0, 1 + k * 7));
    const day = days[(date.getUTCDay() + 6) % 7];
    const month = date.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
    const dd = String(date.getUTCDate()).padStart(2, "0");
    out.push(`* ${day} ${month} ${dd} ${date.getUTCFullYear()} Bench Bot <bench@example.org> - 1.${k}-1`);
    out.push(`- Change ${k}: rebuilt for the repository benchmark`, `- Fixed bug #${1000 + k}`, "");
  }
  return out.join("\n");
}

/** The buildroot files of package i, written by Node (thousands of shell commands in %install are slow). */
function writeFiles(root, i) {
  const name = `bench-pkg-${pad(i)}`;
  const put = (path, text, mode = 0o644) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text, { mode });
  };
  put(`etc/bench/${name}.conf`, `# ${name} configuration\nlevel=${i}\n`);
  put(`usr/bin/${name}`, `#!/bin/sh\necho ${name}\n`, 0o755);
  put(`usr/share/doc/${name}/README`, `${name}: benchmark package\n`);
  for (let k = 1; k <= 1 + (i % 4); k++)
    put(`usr/share/bench/${name}/data-${k}.txt`, "x".repeat(200 + ((i * k) % 3000)));
  if (i % 6 === 0) mkdirSync(join(root, `var/lib/${name}`), { recursive: true });
}

/** The spec of packages from..to-1 of `count` (its main package has no %files, so no RPM of its own). */
function batchSpec(from, to, count) {
  return [
    `Name: bench-batch-${pad(from)}`,
    "Version: 1.0",
    "Release: 1",
    "Summary: Benchmark packages for the repository metadata bench",
    "License: MIT",
    "Vendor: Escalator Bench",
    "Packager: Bench Bot <bench@example.org>",
    "%global _binary_payload w1.gzdio",
    "%global __os_install_post %{nil}",
    "# the script dependency generator forks per file; its one finding (/bin/sh) is written out instead",
    "%global __script_requires %{nil}",
    "",
    "%description",
    "The generator of the benchmark packages.",
    "",
    ...Array.from({ length: to - from }, (_, k) => subpackage(from + k, count)),
    "%install",
    "cp -al %{_sourcedir}/root/. %{buildroot}/",
    "",
    changelog(),
  ].join("\n");
}

/** Runs rpmbuild -bb for packages from..to-1 in a fresh topdir; calls onWrote() per package written. */
function rpmbuild(tool, topdir, from, to, count, onWrote) {
  for (const sub of ["BUILD", "BUILDROOT", "RPMS", "SOURCES", "SPECS", "SRPMS"]) {
    mkdirSync(join(topdir, sub), { recursive: true });
  }
  for (let i = from; i < to; i++) writeFiles(join(topdir, "SOURCES", "root"), i);
  const specPath = join(topdir, "SPECS", "bench.spec");
  writeFileSync(specPath, batchSpec(from, to, count));
  const args = ["-bb", "--define", `_topdir ${topdir}`, "--define", "debug_package %{nil}"];
  args.push("--define", "_build_id_links none", "--nodeps", specPath);
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, LC_ALL: "C.UTF-8" }, stdio: "pipe" });
    let tail = "";
    child.stdout.on("data", (chunk) => {
      for (let n = chunk.toString().split("Wrote: ").length - 1; n > 0; n--) onWrote();
    });
    child.stderr.on("data", (chunk) => {
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`rpmbuild exited ${code}:\n${tail}`)),
    );
  });
}

function rpmFiles(dir) {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".rpm"))
    .map((f) => join(dir, f))
    .sort();
}

/**
 * Packages from..to-1 (of a set of `count`), cached in cacheRoot/name and rebuilt when the generator
 * changes. rpmbuild's time grows faster than linearly with subpackages per spec, so the set is built
 * as specs of `batch` subpackages, `parallel` rpmbuild runs at a time.
 * Returns the folder, the files, whether they came from the cache, and the build's wall seconds.
 */
export async function cachedRpms({
  cacheRoot,
  name,
  from = 0,
  to,
  count = to,
  tool,
  say,
  batch = 100,
  parallel,
}) {
  const dir = join(cacheRoot, name);
  const expected = to - from;
  const stamp = createHash("sha256")
    .update(`${from} ${to} ${count} ${batch}\n${batchSpec(from, Math.min(to, from + batch), count)}`)
    .update(writeFiles.toString())
    .digest("hex");
  const stampFile = join(dir, ".generator-sha256");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
    const files = rpmFiles(dir);
    if (files.length === expected) return { dir, files, cached: true, seconds: 0 };
  }
  rmSync(dir, { recursive: true, force: true });
  const work = join(cacheRoot, `.build-${name}`);
  rmSync(work, { recursive: true, force: true });
  const batches = [];
  for (let start = from; start < to; start += batch) batches.push([start, Math.min(to, start + batch)]);
  const lanes = Math.max(1, parallel ?? availableParallelism());
  say(
    `building ${expected} RPMs (${name}): ${batches.length} rpmbuild runs of ≤${batch} subpackages, ${lanes} at a time`,
  );
  const began = performance.now();
  let wrote = 0;
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      const [start, end] = batches[next++];
      await rpmbuild(tool, join(work, String(start)), start, end, count, () => {
        if (++wrote % 500 === 0 || wrote === expected) {
          say(`  ${wrote}/${expected} written, ${((performance.now() - began) / 1000).toFixed(0)} s`);
        }
      });
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const seconds = (performance.now() - began) / 1000;
  const built = rpmFiles(work).filter((f) => f.includes("/RPMS/"));
  if (built.length !== expected) throw new Error(`rpmbuild made ${built.length} RPMs, expected ${expected}`);
  mkdirSync(dir, { recursive: true });
  for (const file of built) renameSync(file, join(dir, file.slice(file.lastIndexOf("/") + 1)));
  writeFileSync(stampFile, stamp);
  rmSync(work, { recursive: true, force: true });
  say(`built ${expected} RPMs in ${seconds.toFixed(1)} s`);
  return { dir, files: rpmFiles(dir), cached: false, seconds };
}
