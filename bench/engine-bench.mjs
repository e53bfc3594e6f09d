// npm run bench:engine: the engine checking 10,000 tcp targets every 10 s against a local
// listener. Reports the daemon's CPU share, planner time over 10,000 targets, and how soon
// the first action starts after the quiescence window closes. Peer: Debian's check_tcp
// (one fork per probe, as Nagios runs it), measured on the same listener in the same run.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { plan } from "../dist/engine/planner.js";

const TARGETS = Number(process.env.BENCH_TARGETS ?? 10_000);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 60);
const QUIESCENCE_MS = 12_000;
const bin = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "escalator-bench-"));
const say = (text) => process.stderr.write(`${text}\n`);
const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticks; // utime + stime
}
function childrenCpuSeconds() {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) / ticks; // cutime + cstime
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Every 127.x.y.z address is loopback on Linux: 10,000 distinct targets, one listener.
const targetAt = (i) => {
  const block = Math.floor(i / 254);
  return `127.${1 + (block >> 8)}.${block & 255}.${1 + (i % 254)}`;
};
const children = [];
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

// 1. Planner over 10,000 targets, in process.
const ladder = [
  { name: "tier" },
  { name: "node", for_each: "web" },
  { name: "converge", for_each: "web" },
  { name: "deploy" },
];
const group = Array.from({ length: TARGETS }, (_, i) => `web-${i}`);
const failingAll = group.map((target) => ({
  check: "port",
  target,
  level: "node",
  state: "CRITICAL",
  message: "down",
}));
for (let i = 0; i < 20; i++) plan({ failing: failingAll, levels: ladder, targets: { web: group } });
const plannerRuns = [];
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  plan({ failing: failingAll, levels: ladder, targets: { web: group } });
  plannerRuns.push(performance.now() - t0);
}
plannerRuns.sort((a, b) => a - b);
const plannerMedian = plannerRuns[25];
const plannerMax = plannerRuns[49];
say(
  `planner over ${TARGETS} failing targets: median ${plannerMedian.toFixed(2)} ms, max ${plannerMax.toFixed(2)} ms`,
);

/** A TCP listener in its own process (so its CPU is not counted as the daemon's); resolves to it and its port. */
async function startListener(host) {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("node:net").createServer((c) => c.destroy());
       s.listen(0, ${JSON.stringify(host)}, () => console.log(s.address().port));`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(child);
  const listenerPort = await new Promise((resolve) =>
    child.stdout.once("data", (d) => resolve(Number(String(d).trim()))),
  );
  return { child, port: listenerPort };
}

// 2. One listener for every loopback address.
const { child: listener, port } = await startListener("0.0.0.0");

const targets = Array.from({ length: TARGETS }, (_, i) => targetAt(i));
const stamp = join(dir, "first-action");
writeFileSync(
  join(dir, "escalator.yaml"),
  `environment: bench
quiescence: ${QUIESCENCE_MS}ms
targets:
  web:
    list: ${JSON.stringify(targets)}
    # The bench fails every target on purpose to time a plan over all of them; the default
    # blast-radius guard (30%) would rightly refuse to act.
    guard: { max_failing: "100%" }
levels:
  - name: node
    for_each: web
    run: [node, -e, "require('fs').appendFileSync(process.argv[1], Date.now() + '\\\\n'); setTimeout(() => {}, 60000)", ${JSON.stringify(stamp)}]
checks:
  - name: port
    for_each: web
    tcp: "{{target}}:${port}"
    every: 10s
    timeout: 2s
    level: node
`,
);

const daemon = spawn(
  process.execPath,
  [bin, "-c", join(dir, "escalator.yaml"), "run", "--log-level", "info"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
children.push(daemon);
let log = "";
daemon.stdout.on("data", (d) => {
  log += d;
});
say(`daemon pid ${daemon.pid}: warming up for 15 s (${TARGETS} targets every 10 s)…`);
await sleep(15_000);
const cpu0 = cpuSeconds(daemon.pid);
const t0 = performance.now();
for (let s = 0; s < STEADY_SECONDS; s += 10) {
  await sleep(10_000);
  say(`  steady state ${s + 10}/${STEADY_SECONDS} s`);
}
const cpuShare = (cpuSeconds(daemon.pid) - cpu0) / ((performance.now() - t0) / 1000);
const probesPerSecond = TARGETS / 10;
say(`daemon CPU share: ${(cpuShare * 100).toFixed(1)}% of one core (${probesPerSecond} probes/s)`);

// 3. Every target fails: quiescence, then a plan over all of them, then the first action.
listener.kill("SIGKILL");
say(`listener stopped; waiting for the ${QUIESCENCE_MS / 1000} s window and the first action…`);
const deadline = Date.now() + 60_000;
while (!existsSync(stamp) && Date.now() < deadline) await sleep(100);
await sleep(500);
daemon.kill("SIGKILL");
const lines = log
  .split("\n")
  .filter(Boolean)
  .map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return {};
    }
  });
const quiescing = lines.find((l) => l.msg === "failure observed; quiescing");
const escalating = lines.find((l) => l.msg === "escalating");
const stepStarted = lines.find((l) => l.msg === "step started");
const windowEnd = quiescing ? Date.parse(quiescing.until) : Number.NaN;
const processStart = existsSync(stamp) ? Number(readFileSync(stamp, "utf8").split("\n")[0]) : Number.NaN;
if (Number.isNaN(processStart))
  say(
    `no timestamp from the action: ${existsSync(stamp) ? JSON.stringify(readFileSync(stamp, "utf8").slice(0, 100)) : "file missing"}; last log lines: ${log.split("\n").slice(-3).join(" / ").slice(0, 600)}`,
  );
const planned = escalating?.plan?.[0] ?? "";
const engineLatency = stepStarted ? stepStarted.time - windowEnd : Number.NaN;
const processLatency = processStart - windowEnd;
say(
  `first step recorded ${engineLatency} ms after the window closed; the action process was running ${processLatency} ms after (plan: ${planned.slice(0, 40)}…)`,
);

// 4. Peer: check_tcp, one fork per probe, against a fresh listener.
const { child: peerListener, port: peerPort } = await startListener("127.0.0.1");
const checkTcp = ["/usr/lib/nagios/plugins/check_tcp", "/usr/lib/monitoring-plugins/check_tcp"].find(
  existsSync,
);
let peerCpuPerProbe = Number.NaN;
const PEER_PROBES = 500;
if (checkTcp) {
  const c0 = childrenCpuSeconds();
  for (let i = 0; i < PEER_PROBES; i++) spawnSync(checkTcp, ["-H", "127.0.0.1", "-p", String(peerPort)]);
  peerCpuPerProbe = (childrenCpuSeconds() - c0) / PEER_PROBES;
} else say("check_tcp not found: install monitoring-plugins-basic for the peer comparison");
peerListener.kill("SIGKILL");
const oursCpuPerProbe = cpuShare / probesPerSecond;
const peerShare = peerCpuPerProbe * probesPerSecond;
say(
  `check_tcp: ${(peerCpuPerProbe * 1000).toFixed(2)} ms CPU per probe (its own process only, not the fork in the scheduler) → ${(peerShare * 100).toFixed(0)}% of a core for the same load`,
);

const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: {
    nproc: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeGiB: +(freemem() / 2 ** 30).toFixed(1),
    node: process.version,
  },
  targets: TARGETS,
  probesPerSecond,
  daemonCpuShare: +cpuShare.toFixed(4),
  plannerMs: { median: +plannerMedian.toFixed(2), max: +plannerMax.toFixed(2) },
  firstActionAfterWindowMs: { stepRecorded: engineLatency, actionProcessRunning: processLatency },
  peer: {
    tool: "check_tcp (monitoring-plugins-basic)",
    cpuMsPerProbe: +(peerCpuPerProbe * 1000).toFixed(3),
    cpuShareForSameLoad: +peerShare.toFixed(3),
  },
  oursCpuMsPerProbe: +(oursCpuPerProbe * 1000).toFixed(4),
  peerToOursCpuRatio: +(peerCpuPerProbe / oursCpuPerProbe).toFixed(1),
  targetsMet: {
    cpuUnder20pct: cpuShare < 0.2,
    plannerUnder50ms: plannerMax < 50,
    firstActionUnder100ms: engineLatency < 100,
  },
};
console.log(JSON.stringify(result, null, 2));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
