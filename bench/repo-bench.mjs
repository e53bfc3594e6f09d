// npm run bench:repo: repository metadata (issue 7) against createrepo_c, on the same machine, in the
// same run, over the same files.
//
// 1. Full index of 2,000 small RPMs: `createrepo_c --no-database DIR` (its default workers) vs our
//    indexDirectory() in this process and `escalator repo index DIR` as a process. Target: ours ≤ 1.0×
//    createrepo_c's time.
// 2. Incremental: a Repository with 10,000 packages in its pool (added with addFile) and a first tag;
//    then one more package is added and a tag frozen. Peer: `createrepo_c --update --no-database` on a
//    folder of the same files, after a first full run over the 10,000. Target: freeze < 1 s and
//    ≥ 10× faster than createrepo_c --update.
//
// The RPMs are built once with rpmbuild and cached in bench/.cache/repo-rpms/. Every tool reads hard
// links to the same files; each gets a warm-up run first, then the tools run interleaved in rounds and
// the median is reported with the range. A missed target is reported, not an error: the exit code is
// 0, or 2 when a tool or the build is missing.
import { spawnSync } from "node:child_process";
import { existsSync, linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { cachedRpms } from "./repo-bench-rpms.mjs";
import {
  fmt,
  linkFolder,
  machine,
  median,
  say,
  summary,
  table,
  time,
  timed,
  which,
} from "./repo-bench-tools.mjs";

const USAGE = `Usage: npm run bench:repo -- [options]

  --packages N   packages in the full-index scenario (default 2000)
  --pool N       packages already in the pool for the incremental scenario (default 10000)
  --rounds N     measured rounds of the full index, tools interleaved (default 5)
  --adds N       single-package additions (each followed by a freeze / --update) (default 3)
  --skip-incremental
  --json FILE    also write the raw results as JSON`;

let options;
try {
  options = parseArgs({
    options: {
      packages: { type: "string", default: "2000" },
      pool: { type: "string", default: "10000" },
      rounds: { type: "string", default: "5" },
      adds: { type: "string", default: "3" },
      "skip-incremental": { type: "boolean", default: false },
      json: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  }).values;
} catch (error) {
  process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const PACKAGES = Number(options.packages);
const POOL = Number(options.pool);
const ROUNDS = Number(options.rounds);
const ADDS = Number(options.adds);

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "dist", "cli", "bin.js");
const cacheRoot = join(root, "bench", ".cache", "repo-rpms");
const rpmbuild = which("rpmbuild");
const createrepo = which("createrepo_c");
if (!rpmbuild || !createrepo) {
  say("bench:repo needs rpmbuild (Debian package rpm) and createrepo_c (createrepo-c)");
  process.exit(2);
}
let indexDirectory;
let Repository;
try {
  ({ indexDirectory } = await import("../dist/repo/repodata/index-directory.js"));
  ({ Repository } = await import("../dist/repo/repository.js"));
} catch (error) {
  say(`the build is missing or incomplete (run npm run build): ${error.message}`);
  process.exit(2);
}
const cliIndex =
  spawnSync(process.execPath, [bin, "repo", "index", "--help"], { encoding: "utf8" }).status === 0;
if (!cliIndex) say("escalator repo index is not available; skipping the CLI measurement");

const host = machine(root, createrepo);
say(
  `${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}, createrepo_c ${host.createrepo_c}`,
);
const work = mkdtempSync(join(tmpdir(), "escalator-repo-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const results = { machine: host, packages: PACKAGES, pool: POOL, build: {}, full: {}, incremental: {} };

/** The `packages="N"` of a repository's primary.xml.gz, to check that every tool indexed everything. */
function primaryCount(dir) {
  const repomd = readFileSync(join(dir, "repodata", "repomd.xml"), "utf8");
  const href = /<data type="primary">[\s\S]*?<location href="([^"]+)"/.exec(repomd)?.[1];
  const head = gunzipSync(readFileSync(join(dir, href)))
    .subarray(0, 400)
    .toString();
  return Number(/packages="(\d+)"/.exec(head)?.[1]);
}
function expectCount(dir, expected, who) {
  const count = primaryCount(dir);
  if (count !== expected) throw new Error(`${who} indexed ${count} packages, expected ${expected}`);
}

// --- the packages ---
const tool = rpmbuild;
const small = await cachedRpms({ cacheRoot, name: String(PACKAGES), to: PACKAGES, tool, say });
results.build.small = { packages: small.files.length, cached: small.cached, seconds: small.seconds };
let pool;
let extras;
if (!options["skip-incremental"]) {
  pool = await cachedRpms({ cacheRoot, name: String(POOL), to: POOL, tool, say });
  extras = await cachedRpms({
    cacheRoot,
    name: `${POOL}-extra`,
    from: POOL,
    to: POOL + ADDS,
    count: POOL,
    tool,
    say,
  });
  results.build.pool = { packages: pool.files.length, cached: pool.cached, seconds: pool.seconds };
}

// --- 1. full index ---
say(`\nfull index of ${PACKAGES} packages: ${ROUNDS} rounds after a warm-up`);
const dirs = {
  createrepo: linkFolder(join(work, "full-createrepo"), small.files),
  library: linkFolder(join(work, "full-library"), small.files),
  cli: linkFolder(join(work, "full-cli"), small.files),
};
const runners = {
  createrepo: () => timed(createrepo, ["--no-database", "--quiet", dirs.createrepo]),
  library: async () => (await time(() => indexDirectory(dirs.library))).seconds,
  ...(cliIndex
    ? {
        cli: () => timed(process.execPath, [bin, "repo", "index", dirs.cli]),
        // what the CLI's figure spends before indexing: loading the program
        startup: () => timed(process.execPath, [bin, "--version"]),
      }
    : {}),
};
const full = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, runOnce] of Object.entries(runners)) {
    const seconds = await runOnce();
    if (round > 0) full[name].push(seconds);
    say(`  ${round === 0 ? "warm-up" : `round ${round}`} ${name}: ${fmt(seconds)}`);
  }
}
for (const name of Object.keys(dirs)) if (runners[name]) expectCount(dirs[name], PACKAGES, name);
results.full = full;

// --- 2. incremental ---
if (pool && extras) {
  say(`\nincremental: ${POOL} packages in the pool, then ${ADDS} × (add one, freeze)`);
  const repoRoot = join(work, "repository");
  const repo = await Repository.open(repoRoot);
  const setup = await time(async () => {
    for (const [i, file] of pool.files.entries()) {
      await repo.addFile(file);
      if ((i + 1) % 1000 === 0) say(`  added ${i + 1}/${POOL}`);
    }
  });
  say(`  added ${POOL} packages in ${fmt(setup.seconds)}`);
  const firstFreeze = await time(() => repo.freeze({ name: "base" }));
  say(`  first freeze (${firstFreeze.value.packages} packages): ${fmt(firstFreeze.seconds)}`);

  const updateDir = linkFolder(join(work, "update-createrepo"), pool.files);
  const firstFull = await timed(createrepo, ["--no-database", "--quiet", updateDir]);
  say(`  createrepo_c first full run over ${POOL}: ${fmt(firstFull)}`);

  const inc = { add: [], freeze: [], update: [] };
  for (const [k, file] of extras.files.entries()) {
    const add = await time(() => repo.addFile(file));
    const freeze = await time(() => repo.freeze({ name: `plus-${k + 1}` }));
    if (freeze.value.packages !== POOL + k + 1) throw new Error(`tag has ${freeze.value.packages} packages`);
    linkSync(file, join(updateDir, basename(file)));
    const update = await timed(createrepo, ["--update", "--no-database", "--quiet", updateDir]);
    expectCount(updateDir, POOL + k + 1, "createrepo_c --update");
    inc.add.push(add.seconds);
    inc.freeze.push(freeze.seconds);
    inc.update.push(update);
    say(
      `  add ${k + 1}: add ${fmt(add.seconds)}, freeze ${fmt(freeze.seconds)}, createrepo_c --update ${fmt(update)}`,
    );
  }
  repo.close();
  results.incremental = { setupSeconds: setup.seconds, firstFreeze: firstFreeze.seconds, firstFull, ...inc };
}

// --- the report ---
const ratio = (a, b) => (a && b ? median(a) / median(b) : undefined);
const fullRatio = ratio(full.library, full.createrepo);
const cliRatio = cliIndex ? ratio(full.cli, full.createrepo) : undefined;
const rows = [
  ["createrepo_c --no-database (default workers)", summary(full.createrepo), "—", "—"],
  [
    "indexDirectory() in process",
    summary(full.library),
    `${fullRatio.toFixed(2)}× createrepo_c`,
    fullRatio <= 1 ? "yes (≤ 1.0×)" : "no (≤ 1.0×)",
  ],
  ...(cliIndex
    ? [
        [
          "escalator repo index (process)",
          summary(full.cli),
          `${cliRatio.toFixed(2)}× createrepo_c`,
          cliRatio <= 1 ? "yes (≤ 1.0×)" : "no (≤ 1.0×)",
        ],
        ["of which start-up: escalator --version", summary(full.startup), "—", "—"],
      ]
    : []),
];
const inc = results.incremental;
if (inc.freeze) {
  const speedup = median(inc.update) / median(inc.freeze);
  const freezeOk = median(inc.freeze) < 1;
  rows.push(
    [
      `setup: addFile × ${POOL} (sequential)`,
      fmt(inc.setupSeconds),
      `${fmt(inc.setupSeconds / POOL)} per package`,
      "—",
    ],
    [`first freeze of ${POOL}`, fmt(inc.firstFreeze), "—", "—"],
    [`createrepo_c first full run over ${POOL}`, fmt(inc.firstFull), "—", "—"],
    ["addFile of the one new package", summary(inc.add), "—", "—"],
    [
      `freeze() of ${POOL} + 1`,
      summary(inc.freeze),
      `${speedup.toFixed(1)}× faster than --update`,
      `${freezeOk ? "yes" : "no"} (< 1 s), ${speedup >= 10 ? "yes" : "no"} (≥ 10×)`,
    ],
    [`createrepo_c --update over ${POOL} + 1`, summary(inc.update), "—", "—"],
  );
}
const report = [
  `Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB; ${host.os}`,
  `Node ${host.node}; escalator ${host.escalator}; createrepo_c ${host.createrepo_c}`,
  `RPMs: ${PACKAGES} (${small.cached ? "cached" : `built in ${fmt(small.seconds)}`})` +
    (pool ? `, ${POOL} (${pool.cached ? "cached" : `built in ${fmt(pool.seconds)}`})` : ""),
  "",
  table(["Measure", "Median (range, runs)", "Ratio", "Target met"], rows),
].join("\n");
console.log(report);
if (options.json) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
if (!existsSync(bin)) say("note: dist/cli/bin.js is missing");
