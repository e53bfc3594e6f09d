import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers/free-port.js";
import { requireTool } from "./helpers/require-tool.js";
import { BIN, eventually, runCli, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { type StartedPrometheus, startPrometheus } from "./helpers/start-prometheus.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const hasPrometheus = requireTool("prometheus") !== undefined;

/**
 * A small calculator app. It adds numbers by itself, 200 sums a second, and counts them and its
 * mistakes per release in Prometheus counters. The release serving is read from release.txt:
 * v1 gets one sum in 2,000 wrong, v2 one in 4.
 */
const CALCULATOR = `
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
const releaseFile = process.argv[2];
const port = Number(process.argv[3]);
const sums = new Map(), mistakes = new Map();
let release = "v1", n = 0;
const readRelease = () => { try { release = readFileSync(releaseFile, "utf8").trim() || release; } catch {} };
readRelease();
setInterval(readRelease, 100);
const add = (a, b) => {
  n += 1;
  const wrong = release === "v2" ? n % 4 === 0 : n % 2000 === 0;
  return wrong ? a + b + 1 : a + b;
};
setInterval(() => {
  for (let i = 0; i < 2; i++) {
    const a = n % 97, b = n % 89;
    sums.set(release, (sums.get(release) ?? 0) + 1);
    if (add(a, b) !== a + b) mistakes.set(release, (mistakes.get(release) ?? 0) + 1);
  }
}, 10);
createServer((req, res) => {
  if (req.url === "/version") return res.end(release);
  if (req.url !== "/metrics") { res.statusCode = 404; return res.end(); }
  const lines = ["# TYPE calc_sums_total counter", "# TYPE calc_mistakes_total counter"];
  for (const [r, v] of sums) lines.push(\`calc_sums_total{release="\${r}"} \${v}\`);
  for (const [r, v] of sums) lines.push(\`calc_mistakes_total{release="\${r}"} \${mistakes.get(r) ?? 0}\`);
  res.setHeader("content-type", "text/plain; version=0.0.4");
  res.end(lines.join("\\n") + "\\n");
}).listen(port, "127.0.0.1", () => console.log("calculator listening"));
`;

interface EvaluationRow {
  release: string;
  verdict: string;
  verdict_case: string;
}

/**
 * The immune system end to end with real components: Prometheus scrapes the calculator, a value
 * check judges "In order to make at most 1 silly mistake per 100 sums" for the release serving,
 * v2 fails it, the rollback level brings v1 back, and v1 is judged delivered again.
 */
describe.skipIf(!hasPrometheus)("value check: a release that fails its value is rolled back", () => {
  const dir = tmpDir("escalator-value-e2e-");
  const config = join(dir.path, "escalator.yaml");
  const releaseFile = join(dir.path, "release.txt");
  const rollbackLog = join(dir.path, "rollback.log");
  let app: StartedProcess;
  let daemon: StartedProcess;
  let prometheus: StartedPrometheus;
  let appUrl: string;

  const evaluations = (): EvaluationRow[] => {
    const db = new BetterSqlite3(join(dir.path, ".escalator", "calc.db"), { readonly: true });
    try {
      return db
        .prepare("select release, verdict, verdict_case from value_evaluations order by id")
        .all() as EvaluationRow[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    writeFileSync(releaseFile, "v1\n");
    writeFileSync(join(dir.path, "calculator.mjs"), CALCULATOR);
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    app = startProcess([process.execPath, join(dir.path, "calculator.mjs"), releaseFile, String(port)]);
    await app.waitFor(/calculator listening/);
    prometheus = await startPrometheus({ scrapeTargets: [`127.0.0.1:${port}`] });

    mkdirSync(join(dir.path, "features"));
    writeFileSync(
      join(dir.path, "features", "addition.feature"),
      `Feature: Addition
  In order to make at most 1 silly mistake per 100 sums
  As a math idiot
  I want to be told the sum of two numbers

  Scenario: Add two numbers
    Given I have entered 50 into the calculator
`,
    );
    // The rollback level redeploys the previous release: here, by writing it where the app reads it.
    writeFileSync(
      join(dir.path, "rollback.mjs"),
      `import { appendFileSync, writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(releaseFile)}, "v1\\n");
appendFileSync(${JSON.stringify(rollbackLog)}, "rolled back to v1\\n");
`,
    );
    writeFileSync(
      config,
      `environment: calc
quiescence: 1s
cycle_backoff: { initial: 2s, max: 2s }
levels:
  - name: rollback
    run: [node, rollback.mjs]
checks:
  - name: business-value
    level: rollback
    every: 1s
    timeout: 20s
    value:
      paths: [features]
      release: { file: release.txt }
      window: 5s
values:
  min_exposure: 100
  metrics:
    silly mistakes:
      aliases: [mistakes]
      prometheus:
        url: ${prometheus.url}
        query: 'sum(increase(calc_mistakes_total{release="$release"}[$window]))'
        exposure: 'sum(increase(calc_sums_total{release="$release"}[$window]))'
`,
    );
    daemon = startProcess([process.execPath, BIN, "-c", config, "run", "--listen", "127.0.0.1:0"]);
    await daemon.waitFor(/API listening/);
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await prometheus?.stop();
    await app?.stop();
    dir.remove();
  });

  it("judges v1 delivered, rolls v2 back, and judges v1 delivered again", { timeout: 120_000 }, async () => {
    await eventually(
      () => evaluations().some((e) => e.release === "v1" && e.verdict === "delivered"),
      30_000,
      "v1 to be judged delivered",
    );
    expect(existsSync(rollbackLog)).toBe(false);

    writeFileSync(releaseFile, "v2\n");
    await eventually(() => existsSync(rollbackLog), 40_000, "the rollback level to run");
    expect(
      evaluations()
        .filter((e) => e.release === "v2")
        .map((e) => e.verdict),
    ).toContain("not delivered");
    // The app picks the release up within 100 ms of the rollback writing it.
    await eventually(
      async () => (await fetch(`${appUrl}/version`).then((r) => r.text())).trim() === "v1",
      5_000,
      "v1 to serve again",
    );

    const rolledBackAt = evaluations().length;
    await eventually(
      () =>
        evaluations()
          .slice(rolledBackAt)
          .some((e) => e.release === "v1" && e.verdict === "delivered"),
      30_000,
      "v1 to be judged delivered again after the rollback",
    );

    const status = JSON.parse((await runCli(["-c", config, "--json", "status"])).stdout) as {
      engine: { state: string };
      escalations: { levels?: string[]; status: string; plan?: unknown }[];
    };
    expect(status.engine.state).toBe("converged");
    const history = (await runCli(["-c", config, "--json", "history"])).stdout;
    expect(history).toContain("rollback");
    expect(history).toContain("succeeded");
    expect(readFileSync(rollbackLog, "utf8")).toBe("rolled back to v1\n");
  });
});
