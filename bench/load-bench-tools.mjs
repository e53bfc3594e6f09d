// Helpers of bench/load-bench.mjs: the nginx under test, running the tools, reading their output,
// installing Artillery on demand, and describing the machine.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { cpus, homedir, release, totalmem } from "node:os";
import { join } from "node:path";

import { firstLine, say, sleep } from "./bench-common.mjs";

export { say, sleep, which } from "./bench-common.mjs";

/** "10s", "2m", "500ms", "1h" or a plain number of seconds → seconds. */
export function seconds(text, flag) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (!match) throw new Error(`${flag}: expected a duration such as 10s or 2m, got "${text}"`);
  const scale = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] ?? "s"];
  return Number(match[1]) * scale;
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(undefined));
    req.setTimeout(1000, () => req.destroy());
    req.end();
  });
}

/**
 * Starts nginx in the foreground from a config in `dir`: one server on 127.0.0.1:port with
 * `files` (path → text) as its document root. Everything it writes (pid, error log, temp files)
 * stays in `dir`; no access log; keep-alive connections are never closed by request count.
 */
export async function startNginx({ nginx, dir, files, workerProcesses }) {
  const port = await freePort();
  const www = join(dir, "www");
  for (const [path, text] of Object.entries(files)) {
    const file = join(www, path);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, text);
  }
  // Started as root, nginx's workers run as "nobody": the document root must be world-readable.
  for (const d of [dir, www, join(www, "products")]) if (existsSync(d)) chmodSync(d, 0o755);
  const built = spawnSync(nginx, ["-V"], { encoding: "utf8" }).stderr ?? "";
  const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].filter(
    (name) => name === "client_body" || !built.includes(`--without-http_${name}_module`),
  );
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `daemon off;
master_process on;
worker_processes ${workerProcesses};
worker_rlimit_nofile 65536;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  sendfile on;
  tcp_nopush on;
  default_type text/plain;
${temps.map((name) => `  ${name}_temp_path ${join(dir, `${name}_temp`)};`).join("\n")}
  server {
    listen 127.0.0.1:${port} backlog=4096;
    root ${www};
  }
}
`,
  );
  let output = "";
  const child = spawn(nginx, ["-p", dir, "-e", join(dir, "error.log"), "-c", conf], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const probe = `http://127.0.0.1:${port}/${Object.keys(files)[0]}`;
  for (let i = 0; i < 100 && !exited; i++) {
    if ((await httpStatus(probe)) === 200) return { child, port, conf };
    await sleep(50);
  }
  child.kill("SIGKILL");
  const log = existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : "";
  throw new Error(`nginx did not serve ${probe}:\n${output}${log}`.trim());
}

/** Pids of `pid` and all its descendants. */
export function processTree(pid) {
  const parents = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/**
 * Stops nginx: SIGTERM to the master (fast shutdown, which takes its workers down), then SIGKILL
 * to whatever of its process tree is left after 5 s. (A SIGKILLed master leaves its workers
 * running, orphaned, still listening.)
 */
export async function stopNginx(server) {
  const tree = processTree(server.child.pid);
  if (server.child.exitCode === null && server.child.signalCode === null) {
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
  }
  for (const pid of tree) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "nginx") process.kill(pid, "SIGKILL");
    } catch {}
  }
}

const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim() || 100);

/** CPU seconds (user + system, all threads) of these processes; gone ones count 0. */
function cpuSeconds(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return total / ticks;
}

/**
 * Samples, once a second, the CPU share (1 = one core) of nginx's workers and of the load
 * generator's process tree (`client()` gives its pid once it runs). stop() gives the medians over
 * the seconds in which nginx was busy (> 5 %), i.e. the seconds of load, not start-up or reporting.
 */
export function cpuSampler(nginxPid, client) {
  const workers = processTree(nginxPid).filter((pid) => pid !== nginxPid);
  const windows = [];
  let last;
  const sample = () => {
    const pid = client();
    const now = performance.now();
    const at = { now, nginx: cpuSeconds(workers), client: pid ? cpuSeconds(processTree(pid)) : Number.NaN };
    if (last && Number.isFinite(last.client) && Number.isFinite(at.client)) {
      const wall = (now - last.now) / 1000;
      windows.push({ nginx: (at.nginx - last.nginx) / wall, client: (at.client - last.client) / wall });
    }
    last = at;
  };
  const timer = setInterval(sample, 1000);
  const median = (values) => {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : Number.NaN;
  };
  return {
    stop() {
      clearInterval(timer);
      const loaded = windows.filter((w) => w.nginx > 0.05 && w.client >= 0);
      return { nginx: median(loaded.map((w) => w.nginx)), client: median(loaded.map((w) => w.client)) };
    },
  };
}

/** VmRSS in KiB of `pid` and all its descendants (from /proc/<pid>/status). */
export function treeRssKiB(pid) {
  const tree = processTree(pid);
  let total = 0;
  for (const p of tree) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (match) total += Number(match[1]);
    } catch {}
  }
  return { kib: total, processes: tree.length };
}

/**
 * Runs a command to completion, collecting its output. Kills it after `timeoutMs`. `onStart` gets
 * the child (to sample it while it runs). Resolves to { code, stdout, stderr, wallSeconds }.
 */
export function run(command, args, { cwd, env, timeoutMs, onStart } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = timeoutMs ? setTimeout(() => child.kill("SIGKILL"), timeoutMs) : undefined;
    const stopSampling = onStart?.(child);
    child.on("error", (error) => {
      stderr += String(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      stopSampling?.();
      resolve({ code: code ?? signal, stdout, stderr, wallSeconds: (performance.now() - started) / 1000 });
    });
  });
}

/** wrk's human output → { rps, requests, p50, p99 (ms), errors }. */
export function parseWrk(text) {
  const toMs = (value, unit) => Number(value) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit];
  const percentile = (p) => {
    const match = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(text);
    return match ? toMs(match[1], match[2]) : Number.NaN;
  };
  const rps = Number(/^Requests\/sec:\s+([\d.]+)/m.exec(text)?.[1] ?? Number.NaN);
  const requests = Number(/^\s*(\d+) requests in/m.exec(text)?.[1] ?? Number.NaN);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const errors = non2xx + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  return { rps, requests, p50: percentile(50), p99: percentile(99), errors };
}

/** autocannon --json → the same shape. Its latencies are whole milliseconds. */
export function parseAutocannon(text) {
  const r = JSON.parse(text.slice(text.indexOf("{")));
  return {
    rps: r.requests.total / r.duration,
    requests: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    wholeMs: true,
  };
}

/** escalator load's --json summary → the same shape, plus what only it reports. */
export function parseEscalator(summary) {
  return {
    rps: summary.rps,
    requests: summary.requests,
    p50: summary.latency.p50,
    p99: summary.latency.p99,
    errors: summary.errors,
    errorsByKind: summary.errorsByKind,
    dropped: summary.dropped,
    journeys: Object.fromEntries(Object.entries(summary.journeys).map(([name, j]) => [name, j.count])),
  };
}

/** Artillery's --output report → the same shape; `seconds` is the measured window. */
export function parseArtillery(report, windowSeconds) {
  const { counters, summaries } = report.aggregate;
  const requests = counters["http.requests"] ?? 0;
  const ok = counters["http.codes.200"] ?? 0;
  const failedVusers = counters["vusers.failed"] ?? 0;
  const journeys = Object.fromEntries(
    Object.entries(counters)
      .filter(([name]) => name.startsWith("bench.journey."))
      .map(([name, n]) => [name.slice("bench.journey.".length), n]),
  );
  const times = summaries["http.response_time"] ?? {};
  return {
    rps: requests / windowSeconds,
    requests,
    p50: times.p50 ?? times.median ?? Number.NaN,
    p99: times.p99 ?? Number.NaN,
    errors: requests - ok + failedVusers,
    journeys,
  };
}

const cacheRoot = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "escalator-bench");
export const ARTILLERY_DIR = join(cacheRoot, "artillery");
/** Newest Artillery whose engines allowed Node 20 when this bench was written (2.0.22+ need Node 22). */
const ARTILLERY_FALLBACK = "2.0.21";

function satisfiesNode(range, version = process.versions.node) {
  const parse = (v) => v.split(".").map(Number);
  const [a, b, c] = parse(version);
  // Ranges Artillery has used: ">= X.Y.Z" (any other form is not trusted).
  const match = /^\s*>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range ?? "");
  if (!match) return false;
  const [x, y, z] = [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
  return a !== x ? a > x : b !== y ? b > y : c >= z;
}

/** The newest artillery@2 release whose `engines.node` this Node satisfies (one registry call). */
function newestArtilleryForThisNode() {
  const result = spawnSync("npm", ["view", "artillery@2", "version", "engines", "--json"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  try {
    const entries = JSON.parse(result.stdout);
    const fits = entries
      .filter((e) => !e.version.includes("-") && satisfiesNode(e.engines?.node))
      .map((e) => e.version)
      .sort((p, q) => {
        const [a, b] = [p, q].map((v) => v.split(".").map(Number));
        return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
      });
    if (fits.length > 0) return fits.at(-1);
  } catch {}
  return ARTILLERY_FALLBACK;
}

/**
 * Artillery's entry script, installed on demand into ~/.cache/escalator-bench/artillery (never
 * into the project). BENCH_ARTILLERY_VERSION picks a version; by default the newest whose
 * engines allow this Node. Returns { bin, version } or { skipped: reason }.
 */
export async function ensureArtillery() {
  const wanted = process.env.BENCH_ARTILLERY_VERSION;
  const pkg = join(ARTILLERY_DIR, "node_modules", "artillery", "package.json");
  const installed = existsSync(pkg) ? JSON.parse(readFileSync(pkg, "utf8")).version : undefined;
  if (installed && (!wanted || wanted === installed))
    return { bin: join(ARTILLERY_DIR, "node_modules", "artillery", "bin", "run"), version: installed };
  const version = wanted ?? newestArtilleryForThisNode();
  say(
    `Artillery is not installed for this bench: installing artillery@${version} (the newest whose engines allow Node ${process.versions.node}) into ${ARTILLERY_DIR} — once, about a minute…`,
  );
  mkdirSync(ARTILLERY_DIR, { recursive: true });
  const result = await run(
    "npm",
    [
      "install",
      "--prefix",
      ARTILLERY_DIR,
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `artillery@${version}`,
    ],
    // Artillery depends on Playwright (for its browser engine, unused here): skip its browser download.
    { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" }, timeoutMs: 15 * 60_000 },
  );
  if (result.code !== 0 || !existsSync(pkg)) {
    const tail = `${result.stdout}${result.stderr}`.trim().split("\n").slice(-5).join("\n  ");
    return { skipped: `npm install artillery@${version} failed (exit ${result.code}):\n  ${tail}` };
  }
  return {
    bin: join(ARTILLERY_DIR, "node_modules", "artillery", "bin", "run"),
    version: JSON.parse(readFileSync(pkg, "utf8")).version,
  };
}

/** CPU, cores, memory, OS, Node and the tools' versions. */
export function machine({ root, nginx, wrk, artilleryVersion }) {
  const pkg = (path) => {
    try {
      return JSON.parse(readFileSync(path, "utf8")).version;
    } catch {
      return undefined;
    }
  };
  const debian = existsSync("/etc/debian_version")
    ? readFileSync("/etc/debian_version", "utf8").trim()
    : undefined;
  const commit = firstLine("git", ["-C", root, "describe", "--always", "--dirty"]);
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    os: `Linux ${release()}${debian ? `, Debian ${debian}` : ""}`,
    node: process.version,
    escalator: `${pkg(join(root, "package.json"))}${commit ? ` (${commit})` : ""}`,
    nginx: nginx ? firstLine(nginx, ["-v"])?.replace(/^nginx version: nginx\//, "") : undefined,
    wrk: wrk ? firstLine(wrk, ["-v"])?.split(" ")[1] : undefined,
    autocannon: pkg(join(root, "node_modules", "autocannon", "package.json")),
    artillery: artilleryVersion,
  };
}
