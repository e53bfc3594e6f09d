// npm run bench:load: `escalator load` against peer load generators, in the same run, against the
// same local nginx serving ~100-byte static files.
//
// 1. One-request journey (bench/fixtures/load/get.feature), closed model, the same connection
//    count and duration for every tool: escalator load (--workers 1 and --workers 2), autocannon
//    (one thread, no pipelining) and wrk (2 threads). Requests/s, p50 and p99 of each; target:
//    escalator ≥ 1.0× autocannon.
// 2. Weighted shop mix (bench/fixtures/load/shop.feature: journeys of 1, 2 and 3 GETs weighted
//    6:3:1): escalator load vs Artillery running the same mix, both closed model with the same
//    number of virtual users, one keep-alive connection each. Target: escalator ≥ 10× Artillery.
// 3. --memory (instead of 1 and 2; ~11 minutes): escalator load in the open model at a fixed
//    rate for 10 minutes; RSS of its process tree at 1 minute vs at 10 minutes, target within 10%.
//
// Every measured run is preceded by a short warm-up run of the same command, and 1 and 2 run in
// rounds (default 3) with the tools interleaved; the median round is reported, with the range.
// A missed target is reported, not an error: the exit code is 0, 2 when nginx, wrk or the build
// is missing, 1 when an escalator run produced no summary.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  cpuSampler,
  ensureArtillery,
  machine,
  parseArtillery,
  parseAutocannon,
  parseEscalator,
  parseWrk,
  run,
  say,
  seconds,
  startNginx,
  stopNginx,
  treeRssKiB,
  which,
} from "./load-bench-tools.mjs";

const USAGE = `Usage: npm run bench:load -- [options]

  --connections N      connections (and virtual users) for every tool (default 50)
  --duration D         measured duration of each run, e.g. 10s, 1m (default 10s)
  --warmup D           warm-up run before each measured run (default 2s)
  --rounds N           rounds of every tool, interleaved; the median is reported (default 3)
  --nginx-workers N    nginx worker_processes, a number or "auto" (default 1)
  --skip-artillery     do not install or run Artillery
  --memory             instead: the memory-flatness run (~11 minutes)
  --memory-rate R      its open-model rate in journeys/s (default 2000)
  --memory-minutes M   its length in minutes (default 10)
  --json FILE          also write the raw results as JSON`;

let options;
try {
  options = parseArgs({
    options: {
      connections: { type: "string", default: "50" },
      duration: { type: "string", default: "10s" },
      warmup: { type: "string", default: "2s" },
      rounds: { type: "string", default: "3" },
      "nginx-workers": { type: "string", default: "1" },
      "skip-artillery": { type: "boolean", default: false },
      memory: { type: "boolean", default: false },
      "memory-rate": { type: "string", default: "2000" },
      "memory-minutes": { type: "string", default: "10" },
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

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "dist", "cli", "bin.js");
const fixtures = join(root, "bench", "fixtures", "load");
const usage = (message) => {
  say(`${message}\n\n${USAGE}`);
  process.exit(2);
};
const durationFlag = (flag) => {
  try {
    return seconds(options[flag], `--${flag}`);
  } catch (error) {
    return usage(error.message);
  }
};
const connections = Number(options.connections);
const durationS = Math.round(durationFlag("duration"));
const warmupS = Math.max(1, Math.round(durationFlag("warmup")));
const rounds = Number(options.rounds);
const nginxWorkers = options["nginx-workers"];
const memoryRate = Number(options["memory-rate"]);
const memoryMinutes = Number(options["memory-minutes"]);
if (!Number.isInteger(connections) || connections < 1) usage("--connections: a whole number ≥ 1");
if (!Number.isInteger(rounds) || rounds < 1) usage("--rounds: a whole number ≥ 1");
if (durationS < 1) usage("--duration: at least 1s");
if (!/^(auto|[1-9]\d*)$/.test(nginxWorkers)) usage('--nginx-workers: a number or "auto"');
if (!(memoryRate > 0)) usage("--memory-rate: journeys per second, e.g. 2000");
if (!(memoryMinutes >= 0.5)) usage("--memory-minutes: at least 0.5");
// As it was run: through npm (which builds first) or directly.
const viaNpm = process.env.npm_lifecycle_event === "bench:load";
const flags = process.argv.slice(2);
const commandLine = viaNpm
  ? ["npm run bench:load", ...(flags.length > 0 ? ["--", ...flags] : [])].join(" ")
  : ["node bench/load-bench.mjs", ...flags].join(" ");

// Prerequisites: the built CLI, nginx and wrk (Debian packages), autocannon (a devDependency).
const missing = [];
const nginx = which("nginx");
const wrk = which("wrk");
if (!nginx) missing.push("nginx not found: apt-get install nginx-light (or nginx)");
if (!wrk) missing.push("wrk not found: apt-get install wrk");
try {
  readFileSync(bin);
} catch {
  missing.push(`${bin} not found: npm run build`);
}
if (missing.length > 0) {
  for (const line of missing) say(line);
  process.exit(2);
}
const autocannon = join(root, "node_modules", ".bin", "autocannon");

const dir = mkdtempSync(join(tmpdir(), "escalator-load-bench-"));
const children = new Set();
let server;
const cleanUp = () => {
  for (const child of children) child.kill("SIGKILL");
  // SIGTERM: nginx's master takes its workers down (SIGKILL would leave them running).
  server?.child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
let activeChild;
const track = (child) => {
  children.add(child);
  activeChild = child;
  return () => {
    children.delete(child);
    if (activeChild === child) activeChild = undefined;
  };
};

// Static files of about 100 bytes each.
const page = (title) => {
  const text = `<!doctype html><title>${title}</title><p>A static page of the load bench.`;
  return `${text}${".".repeat(Math.max(0, 99 - text.length))}\n`;
};
const files = {
  "hello.txt": `${"Hello from nginx: a static file of one hundred bytes for the load bench. ".padEnd(99, ".")}\n`,
  "index.html": page("Shop"),
  "products/1.html": page("Product 1"),
  "cart.html": page("Cart"),
};
try {
  server = await startNginx({ nginx, dir, files, workerProcesses: nginxWorkers });
} catch (error) {
  say(error.message);
  process.exit(1);
}
const base = `http://127.0.0.1:${server.port}`;
say(`nginx (worker_processes ${nginxWorkers}) serving ${Object.keys(files).join(", ")} on ${base}`);

const commands = new Map();
let escalatorFailed = false;
let runs = 0;

/** `escalator load`; resolves to its parsed summary, or undefined (and says why). */
async function escalator(feature, flags, seconds, label = feature) {
  const out = join(dir, `summary-${++runs}.json`);
  const args = [bin, "load", join(fixtures, feature), "--target", base, ...flags];
  args.push("--duration", `${seconds}s`, "--json", out);
  const result = await run(process.execPath, args, {
    cwd: dir,
    timeoutMs: (seconds + 60) * 1000,
    onStart: track,
  });
  try {
    return { summary: JSON.parse(readFileSync(out, "utf8")), args: [process.execPath, ...args] };
  } catch {
    say(
      `${label}: escalator load exited ${result.code} without a summary:\n${result.stderr}${result.stdout}`,
    );
    escalatorFailed = true;
    return { summary: undefined, args: [process.execPath, ...args] };
  }
}

const shown = (args) =>
  args
    .map((a) => (a === process.execPath ? "node" : a.replace(root, "").replace(dir, "$TMP")))
    .map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a))
    .join(" ");

const ms = (value) => (Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value.toFixed(2)) : "—");
const rate = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en") : "—");
const ratio = (a, b) => (a && b && Number.isFinite(a.rps / b.rps) ? a.rps / b.rps : Number.NaN);
/** A latency as the tool gave it: autocannon's are whole milliseconds (0 means under 1 ms). */
const lat = (f, key) => (f.wholeMs ? (f[key] === 0 ? "<1" : String(f[key])) : ms(f[key]));
const pct = (share) => (Number.isFinite(share) ? `${Math.round(share * 100)}%` : "—");
const us = (value) => (Number.isFinite(value) ? value.toFixed(1) : "—");
const times = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "—");

/** One warm-up run, then one measured run; records the measured figures in `contender.rounds`. */
async function measure(contender, round) {
  const tag = `[round ${round}/${rounds}] ${contender.label}`;
  say(`${tag}: warm-up ${warmupS}s…`);
  await contender.once(warmupS);
  say(`${tag}: measuring ${durationS}s…`);
  const sampler = cpuSampler(server.child.pid, () => activeChild?.pid);
  const measured = await contender.once(durationS);
  const cpu = sampler.stop();
  commands.set(contender.label, measured.command);
  if (measured.figures) {
    const f = { ...measured.figures, clientCpu: cpu.client, nginxCpu: cpu.nginx };
    f.clientUsPerRequest = (cpu.client / f.rps) * 1e6;
    say(
      `  → ${rate(f.rps)} req/s, p50 ${lat(f, "p50")} ms, p99 ${lat(f, "p99")} ms, ${f.errors} errors; CPU: client ${pct(f.clientCpu)}, nginx ${pct(f.nginxCpu)}`,
    );
    contender.rounds.push({ ...f, round });
  } else {
    say(`  → failed: ${measured.why}`);
    contender.failures.push(measured.why);
  }
}

/** The round with the median rate (the lower middle one for an even count), with its latencies. */
function median(contender) {
  const sorted = [...contender.rounds].sort((a, b) => a.rps - b.rps);
  if (sorted.length === 0) return undefined;
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  return {
    ...mid,
    min: sorted[0].rps,
    max: sorted.at(-1).rps,
    errors: contender.rounds.reduce((sum, f) => sum + f.errors, 0),
  };
}

const info = () => machine({ root, nginx, wrk, artilleryVersion: artillery?.version });
let artillery;
const report = { date: new Date().toISOString().slice(0, 10), command: commandLine };

if (options.memory) await memoryRun();
else await comparisonRuns();
if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
await stopNginx(server);
process.exit(escalatorFailed ? 1 : 0);

async function comparisonRuns() {
  const closed = ["--users", String(connections), "--connections", String(connections)];
  // Artillery runs its local tests on max(1, cores − 1) worker threads; escalator gets as many.
  const artilleryWorkers = Math.max(1, availableParallelism() - 1);
  artillery = options["skip-artillery"] ? { skipped: "--skip-artillery" } : await ensureArtillery();
  if (artillery.skipped) say(`Artillery skipped: ${artillery.skipped}`);
  else writeArtilleryScript();

  const escalatorRun = (feature, workers) => async (s) => {
    const { summary, args } = await escalator(feature, [...closed, "--workers", String(workers)], s);
    return { figures: summary && parseEscalator(summary), command: shown(args), why: "no summary" };
  };
  const contender = (key, label, once) => ({ key, label, once, rounds: [], failures: [] });
  const all = [
    contender("get1", "GET, escalator load --workers 1", escalatorRun("get.feature", 1)),
    contender("get2", "GET, escalator load --workers 2", escalatorRun("get.feature", 2)),
  ];
  if (readFileSafe(autocannon)) {
    all.push(
      contender("autocannon", "GET, autocannon", async (s) => {
        const args = [autocannon, "-c", String(connections), "-d", String(s), "-p", "1", "--json"];
        args.push(`${base}/hello.txt`);
        const result = await run(args[0], args.slice(1), { timeoutMs: (s + 60) * 1000, onStart: track });
        try {
          return { figures: parseAutocannon(result.stdout), command: shown(args) };
        } catch {
          return {
            command: shown(args),
            why: `autocannon exited ${result.code}: ${result.stderr.slice(-300)}`,
          };
        }
      }),
    );
  } else say("autocannon not found in node_modules/.bin (a devDependency: npm ci); skipped");
  all.push(
    contender("wrk", "GET, wrk -t 2", async (s) => {
      const args = [
        wrk,
        "-c",
        String(connections),
        "-t",
        "2",
        "-d",
        `${s}s`,
        "--latency",
        `${base}/hello.txt`,
      ];
      const result = await run(args[0], args.slice(1), { timeoutMs: (s + 60) * 1000, onStart: track });
      const figures = parseWrk(result.stdout);
      return Number.isFinite(figures.rps)
        ? { figures, command: shown(args) }
        : { command: shown(args), why: `wrk exited ${result.code}: ${result.stderr.slice(-300)}` };
    }),
    contender(
      "shop",
      `shop mix, escalator load --workers ${artilleryWorkers}`,
      escalatorRun("shop.feature", artilleryWorkers),
    ),
  );
  if (!artillery.skipped) {
    all.push(
      contender("artillery", `shop mix, Artillery ${artillery.version}`, async (s) => {
        const out = join(dir, `artillery-${++runs}.json`);
        const args = [process.execPath, artillery.bin, "run", "--output", out, join(dir, "artillery.yml")];
        const result = await run(args[0], args.slice(1), {
          cwd: dir,
          env: { BENCH_SECONDS: String(s), ARTILLERY_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "1" },
          timeoutMs: (s + 180) * 1000,
          onStart: track,
        });
        try {
          return { figures: parseArtillery(JSON.parse(readFileSync(out, "utf8")), s), command: shown(args) };
        } catch {
          const tail = `${result.stderr}${result.stdout}`.slice(-400);
          return { command: shown(args), why: `Artillery exited ${result.code}: ${tail}` };
        }
      }),
    );
  }

  // Rounds interleave the tools, so a slow spell of a shared machine does not hit one tool only.
  for (let round = 1; round <= rounds; round++) for (const c of all) await measure(c, round);

  const by = Object.fromEntries(all.map((c) => [c.key, median(c)]));
  const { get1, get2, autocannon: ac, wrk: wrkRun, shop, artillery: art } = by;
  const m = info();
  // Headline ratios pair the two tools' runs of the same round (minutes apart at most, so they
  // share the machine's state), then take the median; the ratio of the medians is shown too.
  const paired = (a, b) => {
    const byRound = new Map((b?.rounds ?? []).map((f) => [f.round, f]));
    const each = (a?.rounds ?? [])
      .filter((f) => byRound.has(f.round))
      .map((f) => f.rps / byRound.get(f.round).rps);
    const sorted = [...each].sort((x, y) => x - y);
    const mid = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : Number.NaN;
    return { median: mid, each };
  };
  const find = (key) => all.find((c) => c.key === key);
  const p1 = paired(find("get1"), find("autocannon"));
  const p2 = paired(find("get2"), find("autocannon"));
  const pWrk = paired(find("get1"), find("wrk"));
  const pShop = paired(find("shop"), find("artillery"));
  const r1 = p1.median;
  const r2 = p2.median;
  const rShop = pShop.median;
  Object.assign(report, {
    machine: m,
    nginxWorkers,
    connections,
    durationS,
    warmupS,
    rounds,
    results: all.map(({ key, label, rounds: measured, failures }) => ({
      key,
      label,
      command: commands.get(label),
      median: by[key],
      rounds: measured,
      failures,
    })),
    ratios: {
      perRound: { escalatorW1ToAutocannon: p1, escalatorW2ToAutocannon: p2, escalatorToArtillery: pShop },
      ofMedians: {
        escalatorW1ToAutocannon: ratio(get1, ac),
        escalatorW2ToAutocannon: ratio(get2, ac),
        escalatorToArtillery: ratio(shop, art),
      },
    },
  });

  printHeader(m);
  console.log(
    `Commands (each measured run follows a ${warmupS} s warm-up run of the same command; ${rounds} round${rounds === 1 ? "" : "s"}, tools interleaved):`,
  );
  for (const c of all) console.log(`  ${c.label}:\n    ${commands.get(c.label)}`);
  console.log("");
  const spread = (f) => (f && rounds > 1 ? `${rate(f.min)}–${rate(f.max)}` : "—");
  printTable(
    [
      "Run",
      rounds > 1 ? "req/s (median)" : "req/s",
      "range",
      "p50 ms",
      "p99 ms",
      "errors",
      "client CPU",
      "µs CPU/req",
      "nginx CPU",
    ],
    all.map((c) => {
      const f = by[c.key];
      return f
        ? [
            c.label,
            rate(f.rps),
            spread(f),
            lat(f, "p50"),
            lat(f, "p99"),
            String(f.errors),
            pct(f.clientCpu),
            us(f.clientUsPerRequest),
            pct(f.nginxCpu),
          ]
        : [c.label, "failed", "—", "—", "—", c.failures[0]?.slice(0, 60) ?? "—", "—", "—", "—"];
    }),
  );
  console.log("");
  const met = (value, target) => (Number.isFinite(value) ? (value >= target ? "yes" : "NO") : "—");
  printTable(
    ["Ratio", "Target", "median of rounds", "each round", "of the medians", "Met"],
    [
      ["escalator --workers 1 ÷ autocannon (GET)", "≥ 1.0×", p1, ratio(get1, ac), 1],
      ["escalator --workers 2 ÷ autocannon (GET)", "≥ 1.0×", p2, ratio(get2, ac), 1],
      ["escalator --workers 1 ÷ wrk (GET)", "—", pWrk, ratio(get1, wrkRun), undefined],
      [
        `escalator --workers ${artilleryWorkers} ÷ Artillery (shop mix)`,
        "≥ 10×",
        pShop,
        ratio(shop, art),
        10,
      ],
    ].map(([label, target, p, ofMedians, goal]) => [
      label,
      target,
      times(p.median),
      p.each.map((x) => x.toFixed(2)).join(" ") || "—",
      times(ofMedians),
      goal === undefined ? "—" : met(p.median, goal),
    ]),
  );
  console.log("");
  for (const [label, figures] of [
    ["escalator shop mix", shop],
    ["Artillery shop mix", art],
  ]) {
    if (figures?.journeys) {
      const total = Object.values(figures.journeys).reduce((a, b) => a + b, 0);
      const mix = Object.entries(figures.journeys)
        .map(([name, n]) => `${name} ${((100 * n) / total).toFixed(1)}%`)
        .join(", ");
      console.log(
        `${label}: ${rate(total)} journeys (${mix}); ${(figures.requests / total).toFixed(3)} requests each`,
      );
    }
  }
  for (const c of all)
    for (const f of c.rounds)
      if (f.errorsByKind && Object.keys(f.errorsByKind).length > 0)
        console.log(`${c.label}: errors by kind ${JSON.stringify(f.errorsByKind)}`);
  if (artillery.skipped) console.log(`Artillery skipped: ${artillery.skipped}`);

  // Markdown for bench/RESULTS.md.
  const row = (f) =>
    f
      ? `${rate(f.rps)} req/s${rounds > 1 ? ` (${rate(f.min)}–${rate(f.max)})` : ""}, p50 ${lat(f, "p50")} ms, p99 ${lat(f, "p99")} ms, ${f.errors} errors; client CPU ${pct(f.clientCpu)} (${us(f.clientUsPerRequest)} µs/request), nginx ${pct(f.nginxCpu)}`
      : "not run";
  const roundsOf = (p) => p.each.map((x) => x.toFixed(2)).join(", ");
  const md = [
    `## bench:load — ${report.date}`,
    "",
    `- **Command:** \`${commandLine}\` (${connections} connections, ${durationS} s per measured run, each after a ${warmupS} s warm-up run of the same command; median of ${rounds} round${rounds === 1 ? "" : "s"} with the tools interleaved, range in brackets; the latencies are those of the median run; ratios pair the runs of the same round).`,
    `- **Machine:** ${m.cores} vCPU (${m.cpu}), ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.os}. The load generator and nginx share these cores.`,
    `- **Versions:** escalator ${m.escalator}, nginx ${m.nginx} (worker_processes ${nginxWorkers}, access_log off), autocannon ${m.autocannon}, wrk ${m.wrk}, Artillery ${m.artillery ?? "not run"}.`,
    `- **Setup:** nginx on 127.0.0.1 serves ~100-byte static files. GET journey: one \`GET /hello.txt\` and its status check (bench/fixtures/load/get.feature); escalator in the closed model, \`--users ${connections} --connections ${connections}\`; autocannon \`-c ${connections} -p 1\` (one thread; it reports latencies in whole ms); wrk \`-c ${connections} -t 2 --latency\`. Shop mix: journeys of 1, 2 and 3 GETs weighted 6:3:1, 1.5 requests per journey (bench/fixtures/load/shop.feature); escalator \`--users ${connections} --connections ${connections} --workers ${artilleryWorkers}\` vs Artillery with ${connections} virtual users arriving within the first second, each looping a weighted pick of the same three journeys until the duration has passed, over one keep-alive connection per user (Artillery's default). Artillery runs on max(1, cores − 1) = ${artilleryWorkers} worker thread${artilleryWorkers === 1 ? "" : "s"} here, so escalator got as many. req/s = requests ÷ the measured duration, for every tool. CPU shares (100% = one core) are medians over the seconds of load, sampled once a second from /proc; µs/request = client CPU share ÷ req/s. wrk, in C and using little CPU, shows roughly what this nginx can serve.`,
    "",
    "| Measure | Target | Result | Met |",
    "|---|---|---|---|",
    `| GET journey, escalator \`--workers 1\` | — | **${row(get1)}** | — |`,
    `| GET journey, escalator \`--workers 2\` | — | **${row(get2)}** | — |`,
    `| GET, autocannon ${m.autocannon} (1 thread) | — | ${row(ac)} | — |`,
    `| GET, wrk ${m.wrk} (2 threads) | — | ${row(wrkRun)} | — |`,
    `| Ratio escalator ÷ autocannon, same connections, median of the rounds' ratios | ≥ 1.0× | **${times(r1)}** (\`--workers 1\`; rounds ${roundsOf(p1)}), **${times(r2)}** (\`--workers 2\`; rounds ${roundsOf(p2)}) | ${met(r1, 1)} / ${met(r2, 1)} |`,
    `| Shop mix, escalator \`--workers ${artilleryWorkers}\` | — | **${row(shop)}** | — |`,
    `| Shop mix, Artillery ${m.artillery ?? ""} | — | ${row(art)} | — |`,
    `| Ratio escalator ÷ Artillery, same virtual users, median of the rounds' ratios | ≥ 10× | **${times(rShop)}** (rounds ${roundsOf(pShop)}) | ${met(rShop, 10)} |`,
  ];
  console.log("\nMarkdown for bench/RESULTS.md:\n");
  console.log(md.join("\n"));
}

/**
 * Node's --trace-gc lines → the V8 heap after each full (Mark-Compact) GC: { t seconds since the
 * process started, heapMiB }. A leak shows as a rising floor; RSS alone also moves with the GC's
 * own sawtooth and with how much of the freed heap V8 returns to the OS.
 */
function fullGcHeaps(text) {
  const heaps = [];
  const line = /\s(\d+) ms: Mark-Compact(?: \(reduce\))? ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/g;
  for (const match of text.matchAll(line))
    heaps.push({ t: Number(match[1]) / 1000, heapMiB: Number(match[4]) });
  return heaps;
}

/** Least-squares slope of `key` against t (per minute). */
function slopePerMinute(points, key) {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mt = points.reduce((sum, p) => sum + p.t, 0) / n;
  const mv = points.reduce((sum, p) => sum + p[key], 0) / n;
  const cov = points.reduce((sum, p) => sum + (p.t - mt) * (p[key] - mv), 0);
  const vt = points.reduce((sum, p) => sum + (p.t - mt) ** 2, 0);
  return (cov / vt) * 60;
}

async function memoryRun() {
  const totalS = Math.round(memoryMinutes * 60);
  const firstAt = Math.min(60, totalS / 2);
  const lastAt = totalS - 5;
  say(
    `memory: escalator load, open model ${memoryRate}/s for ${memoryMinutes} min; RSS of its process tree every 5 s, heap after each full GC from --trace-gc…`,
  );
  const samples = [];
  const out = join(dir, "memory-summary.json");
  const args = [
    process.execPath,
    "--trace-gc",
    bin,
    "load",
    join(fixtures, "shop.feature"),
    "--target",
    base,
  ];
  args.push("--rate", `${memoryRate}/s`, "--connections", String(connections), "--duration", `${totalS}s`);
  args.push("--json", out);
  let nextMinute = 1;
  const result = await run(args[0], args.slice(1), {
    cwd: dir,
    timeoutMs: (totalS + 120) * 1000,
    onStart: (child) => {
      const untrack = track(child);
      const t0 = performance.now();
      const timer = setInterval(() => {
        const t = (performance.now() - t0) / 1000;
        const { kib, processes } = treeRssKiB(child.pid);
        if (kib === 0) return;
        samples.push({ t: +t.toFixed(1), rssMiB: +(kib / 1024).toFixed(1), processes });
        if (t >= nextMinute * 60 - 2.5) say(`  ${nextMinute++} min: RSS ${(kib / 1024).toFixed(1)} MiB`);
      }, 5000);
      return () => {
        clearInterval(timer);
        untrack();
      };
    },
  });
  let summary;
  try {
    summary = JSON.parse(readFileSync(out, "utf8"));
  } catch {
    say(`escalator load exited ${result.code} without a summary:\n${result.stderr.slice(-2000)}`);
    escalatorFailed = true;
  }
  const near = (points, t) =>
    points.reduce((best, p) => (Math.abs(p.t - t) < Math.abs(best.t - t) ? p : best), points[0]);
  const first = samples.length ? near(samples, firstAt) : undefined;
  const last = samples.length ? near(samples, lastAt) : undefined;
  const change = first && last ? last.rssMiB / first.rssMiB - 1 : Number.NaN;
  const met = Number.isFinite(change) ? (Math.abs(change) <= 0.1 ? "yes" : "NO") : "—";
  const steady = samples.filter((p) => p.t >= firstAt && p.t <= lastAt);
  const rssSlope = slopePerMinute(steady, "rssMiB");
  const rssRange = steady.length
    ? [Math.min(...steady.map((p) => p.rssMiB)), Math.max(...steady.map((p) => p.rssMiB))]
    : [];
  // The heap after the last full GC in the minute after the first sample, and in the final minute.
  const heaps = fullGcHeaps(result.stdout);
  const inWindow = (from, to) => heaps.filter((h) => h.t >= from && h.t < to);
  const heapEarly = inWindow(firstAt, firstAt + 60).at(-1) ?? heaps.find((h) => h.t >= firstAt);
  const heapLate = inWindow(totalS - 60, totalS).at(-1) ?? heaps.filter((h) => h.t < totalS).at(-1);
  const heapChange = heapEarly && heapLate ? heapLate.heapMiB / heapEarly.heapMiB - 1 : Number.NaN;
  const heapSlope = slopePerMinute(
    heaps.filter((h) => h.t >= firstAt && h.t <= totalS),
    "heapMiB",
  );
  const m = info();
  const f = summary ? parseEscalator(summary) : undefined;
  Object.assign(report, {
    machine: m,
    memory: {
      rate: memoryRate,
      minutes: memoryMinutes,
      connections,
      samples,
      first,
      last,
      change,
      rssSlopeMiBPerMinute: rssSlope,
      fullGcHeaps: heaps,
      heapEarly,
      heapLate,
      heapChange,
      heapSlopeMiBPerMinute: heapSlope,
    },
    summary: f,
  });

  printHeader(m);
  console.log(`Command: ${shown(args)}\n`);
  const minutes = [];
  for (let minute = 1; minute * 60 <= totalS; minute++) {
    const at = Math.min(minute * 60, lastAt);
    const sample = near(samples, at);
    const heap = heaps.filter((h) => h.t <= at).at(-1);
    minutes.push([String(minute), sample ? `${sample.t}` : "—", sample ? String(sample.rssMiB) : "—"]);
    minutes.at(-1).push(heap ? `${heap.heapMiB} (at ${heap.t.toFixed(0)} s)` : "—");
  }
  printTable(["Minute", "sample at s", "RSS MiB", "heap after last full GC, MiB"], minutes);
  const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "—");
  if (f)
    console.log(
      `\nload: ${rate(f.requests)} requests, ${rate(f.rps)} req/s, p50 ${ms(f.p50)} ms, p99 ${ms(f.p99)} ms, ${f.errors} errors, ${f.dropped} dropped`,
    );
  console.log(
    `RSS at ${first?.t} s: ${first?.rssMiB} MiB; at ${last?.t} s: ${last?.rssMiB} MiB; change ${fmt(change * 100)}% (target within 10%: ${met})`,
  );
  console.log(
    `RSS from ${firstAt} s on: ${rssRange[0]}–${rssRange[1]} MiB, trend ${fmt(rssSlope, 2)} MiB/min (least squares over ${steady.length} samples)`,
  );
  console.log(
    `heap after a full GC: ${heapEarly?.heapMiB} MiB at ${heapEarly?.t.toFixed(0)} s, ${heapLate?.heapMiB} MiB at ${heapLate?.t.toFixed(0)} s (${fmt(heapChange * 100)}%); trend ${fmt(heapSlope, 3)} MiB/min over ${heaps.length} full GCs`,
  );
  const md = [
    `## bench:load --memory — ${report.date}`,
    "",
    `- **Command:** \`${commandLine}\` (runs \`node --trace-gc dist/cli/bin.js load bench/fixtures/load/shop.feature --rate ${memoryRate}/s --connections ${connections} --duration ${totalS}s\` against the local nginx).`,
    `- **Machine:** ${m.cores} vCPU (${m.cpu}), ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.os}; escalator ${m.escalator}, nginx ${m.nginx}.`,
    `- **Setup:** RSS = VmRSS of the escalator process (and any children) from /proc, sampled every 5 s; compared at ${first?.t} s and at ${last?.t} s (the last sample before the load stops). escalator does not expose its heap, so the process runs with Node's \`--trace-gc\` and the heap is read after each full (Mark-Compact) GC: the last one between ${firstAt} s and ${firstAt + 60} s vs the last one in the final minute.`,
    "",
    "| Measure | Target | Result | Met |",
    "|---|---|---|---|",
    `| RSS at ${memoryMinutes} min vs at 1 min, open model ${memoryRate} journeys/s (${memoryRate * 1.5} req/s) | within 10 % | **${last?.rssMiB} MiB** vs ${first?.rssMiB} MiB (**${fmt(change * 100)} %**); range ${rssRange[0]}–${rssRange[1]} MiB, trend ${fmt(rssSlope, 2)} MiB/min | ${met} |`,
    `| V8 heap after a full GC, final minute vs minute ${firstAt / 60}–${firstAt / 60 + 1} | — | ${heapLate?.heapMiB ?? "—"} MiB vs ${heapEarly?.heapMiB ?? "—"} MiB (${fmt(heapChange * 100)} %); trend ${fmt(heapSlope, 3)} MiB/min over ${heaps.length} full GCs | — |`,
    `| Load during that run | — | ${f ? `${rate(f.rps)} req/s, p50 ${ms(f.p50)} ms, p99 ${ms(f.p99)} ms, ${f.errors} errors, ${f.dropped} dropped` : "no summary"} | — |`,
  ];
  console.log("\nMarkdown for bench/RESULTS.md:\n");
  console.log(md.join("\n"));
}

function printHeader(m) {
  console.log(`\nbench:load — ${report.date}`);
  console.log(`Command:  ${commandLine}`);
  console.log(`Machine:  ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`);
  console.log(
    `Versions: node ${m.node}, escalator ${m.escalator}, nginx ${m.nginx} (worker_processes ${nginxWorkers}), wrk ${m.wrk}, autocannon ${m.autocannon}, Artillery ${m.artillery ?? "not run"}`,
  );
  console.log("");
}

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

function readFileSafe(path) {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Artillery's side of the shop mix, equivalent to shop.feature under `escalator load --users N`:
 * N virtual users arrive within the first second, and each loops until the duration has passed
 * (counted from the first user's first check), picking a journey per iteration by weight 6:3:1 —
 * the same per-journey pick escalator makes (Artillery's scenario weights would pick once per
 * user). A journey of 1, 2 or 3 GETs is the first 1, 2 or 3 requests, so the mix is exact.
 */
function writeArtilleryScript() {
  writeFileSync(
    join(dir, "artillery-processor.cjs"),
    `const seconds = Number(process.env.BENCH_SECONDS || 10);
let deadline;
module.exports = {
  running(context, next) {
    deadline ??= Date.now() + seconds * 1000;
    return next(Date.now() < deadline);
  },
  pickJourney(context, events, done) {
    const r = Math.random() * 10;
    const journey = r < 6 ? 1 : r < 9 ? 2 : 3;
    context.vars.journey = journey;
    events.emit("counter", "bench.journey." + ["Browse", "Look at a product", "Put a product in the cart"][journey - 1], 1);
    return done();
  },
};
`,
  );
  writeFileSync(
    join(dir, "artillery.yml"),
    `config:
  target: "${base}"
  processor: "./artillery-processor.cjs"
  phases:
    - duration: 1
      arrivalCount: ${connections}
scenarios:
  - name: shop
    flow:
      - loop:
          - function: "pickJourney"
          - get:
              url: "/"
          - get:
              url: "/products/1.html"
              ifTrue: "journey >= 2"
          - get:
              url: "/cart.html"
              ifTrue: "journey >= 3"
        whileTrue: "running"
`,
  );
}
