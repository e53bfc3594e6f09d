import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadSummary } from "../src/load/types.js";
import { BIN, eventually, runCli, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** `escalator load` through the built CLI (run `npm run build` first), against a fast local server. */
describe("escalator load", () => {
  const dir = tmpDir("escalator-load-");
  let server: Server;
  let target = "";
  let served = 0;
  const write = (name: string, text: string) => writeFileSync(join(dir.path, name), text);
  const cli = (...args: string[]) => runCli(args, { cwd: dir.path });
  const summaryOf = (file: string) => JSON.parse(readFileSync(join(dir.path, file), "utf8")) as LoadSummary;

  beforeAll(async () => {
    server = createServer((request, response) => {
      served++;
      if (request.url === "/broken") return response.writeHead(503).end("down");
      response.writeHead(200, { "content-type": "text/plain" }).end("release 1.0");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    write(
      "home.feature",
      `Feature: Home
  Scenario: home page
    When I GET "/"
    Then the response status should be 200
`,
    );
    write(
      "mix.feature",
      `@weight:20
Feature: Mix
  @weight:70
  Scenario: browse
    When I GET "/browse?page=1"

  Scenario: search
    When I GET "/search"

  @weight:10
  Scenario: checkout
    When I GET "/checkout"
    Then the response should contain "release"
`,
    );
    write(
      "broken.feature",
      'Feature: Broken\n  Scenario: down\n    When I GET "/broken"\n    Then the response status should be 200\n',
    );
    write("undefined.feature", "Feature: Gaps\n  Scenario: new idea\n    Given a step nobody wrote\n");
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  });

  it("runs a 70/20/10 mix at exactly those shares", async () => {
    const result = await cli(
      "load",
      "mix.feature",
      "--target",
      target,
      "--rate",
      "2500/s",
      "--duration",
      "2s",
      "--json",
      "mix.json",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = summaryOf("mix.json");
    const finished = Object.values(summary.journeys).reduce((n, j) => n + j.count, 0);
    expect(finished).toBeGreaterThanOrEqual(5000);
    const shares = Object.fromEntries(
      Object.entries(summary.journeys).map(([name, j]) => [name, j.achievedShare]),
    );
    console.log(`weights: ${finished} journeys, shares ${JSON.stringify(shares)}`);
    expect(summary.journeys.browse?.achievedShare).toBeCloseTo(0.7, 1);
    for (const [name, share] of [
      ["browse", 0.7],
      ["search", 0.2],
      ["checkout", 0.1],
    ] as const) {
      expect(Math.abs((summary.journeys[name]?.achievedShare ?? 0) - share)).toBeLessThanOrEqual(0.03);
      expect(summary.journeys[name]?.requestedShare).toBeCloseTo(share, 6);
    }
    // Request names drop the query string.
    expect(Object.keys(summary.requestsByName).sort()).toEqual([
      "GET /browse",
      "GET /checkout",
      "GET /search",
    ]);
    expect(result.stdout).toContain("browse");
  }, 30_000);

  it("writes a JSON summary with the documented fields, and an HTML report", async () => {
    const result = await cli(
      "load",
      "home.feature",
      "--target",
      target,
      "--users",
      "4",
      "--duration",
      "1s",
      "--json",
      "out/summary.json",
      "--report",
      "out/report.html",
      "--threshold",
      "p99<10s",
    );
    expect(result.code).toBe(0);
    const summary = summaryOf("out/summary.json");
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.rps).toBeGreaterThan(0);
    expect(summary.errors).toBe(0);
    for (const key of ["p50", "p90", "p99", "p999", "max"] as const)
      expect(summary.latency[key]).toBeGreaterThan(0);
    expect(summary.journeys["home page"]?.count).toBe(summary.requests);
    expect(summary.thresholds).toEqual([
      { expression: "p99<10s", actual: expect.any(Number), unit: "ms", passed: true },
    ]);
    expect(summary.dropped).toBe(0);
    expect(readFileSync(join(dir.path, "out/report.html"), "utf8")).toMatch(/^<!doctype html>/i);
    expect(existsSync(join(dir.path, "out/summary.json.tmp"))).toBe(false);
  }, 30_000);

  it("prints the JSON summary with the global --json", async () => {
    const result = await cli(
      "--json",
      "load",
      "home.feature",
      "--target",
      target,
      "--users",
      "2",
      "--duration",
      "1s",
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as LoadSummary;
    expect(summary.model).toEqual({ kind: "closed", users: 2 });
  }, 30_000);

  it("exits 1 when a threshold fails, showing its measured value, and counts errors by kind", async () => {
    const result = await cli(
      "load",
      "home.feature",
      "broken.feature",
      "--target",
      target,
      "--users",
      "2",
      "--duration",
      "1s",
      "--threshold",
      "p99<0.001ms",
      "--threshold",
      "rps>1000000",
      "--threshold",
      "p99<10s",
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/p99<0\.001ms.*\d/);
    expect(result.stdout).toMatch(/rps>1000000.*\d/);
    expect(result.stdout).toMatch(/HTTP 503/);
    const json = await cli(
      "--json",
      "load",
      "broken.feature",
      "--target",
      target,
      "--users",
      "1",
      "--duration",
      "1s",
      "--threshold",
      "errors<1%",
    );
    expect(json.code).toBe(1);
    const summary = JSON.parse(json.stdout) as LoadSummary;
    expect(summary.errorsByKind).toEqual({ "HTTP 503": summary.errors });
    expect(summary.requestsByName["GET /broken"]?.errors).toBe(summary.requests);
    expect(summary.thresholds[0]).toMatchObject({ expression: "errors<1%", actual: 100, passed: false });
  }, 30_000);

  it("exits 2 on usage errors and on undefined steps, naming file:line, running nothing", async () => {
    const before = served;
    const cases: [string[], RegExp][] = [
      [["--users", "2", "--rate", "5/s", "--duration", "1s"], /--users .* or --rate .*, not both/],
      [["--rate", "abc", "--duration", "1s"], /--rate: "abc" is not a rate/],
      [
        ["--users", "2", "--duration", "1s", "--workers", "0"],
        /--workers must be a whole number from 1 to 64/,
      ],
      [["--users", "2"], /give --duration/],
      [["--duration", "1s"], /give --users N/],
      [["--users", "2", "--duration", "1s", "--threshold", "p95 fast"], /p95 fast/],
      [["--users", "2", "--duration", "1s", "--target", "shop"], /--target must be an http\(s\) URL/],
    ];
    for (const [args, message] of cases) {
      const result = await cli("load", "home.feature", "--target", target, ...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const undefinedStep = await cli(
      "load",
      "undefined.feature",
      "--target",
      target,
      "--users",
      "1",
      "--duration",
      "1s",
    );
    expect(undefinedStep.code).toBe(2);
    expect(undefinedStep.stderr).toContain('undefined.feature:3 Undefined step "a step nobody wrote"');
    expect(undefinedStep.stderr).toContain("nothing was run");
    expect(served).toBe(before);
    const help = await cli("load", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:\n {2}0 {4}every threshold passed\n {2}1 {4}a threshold failed/);
    expect(help.stdout).toMatch(/\n {2}3 {4}a worker thread died/);
    expect(help.stdout).toMatch(/\n {2}130 {2}interrupted by Ctrl-C or SIGTERM/);
    expect(help.stdout).toMatch(/BeforeAll and AfterAll hooks run once per worker/);
  }, 60_000);

  it("takes its defaults from load: in escalator.yaml, flags overriding them", async () => {
    const project = join(dir.path, "project");
    mkdirSync(join(project, "journeys"), { recursive: true });
    writeFileSync(join(project, "journeys", "home.feature"), readFileSync(join(dir.path, "home.feature")));
    const config = (load: string) =>
      writeFileSync(
        join(project, "escalator.yaml"),
        `environment: shop\nlevels:\n  - name: restart\n    run: ["true"]\nload:\n${load}`,
      );
    config(
      `  paths: [journeys]\n  target: ${target}\n  users: 2\n  duration: 1s\n  thresholds: ["rps>1000000"]\n`,
    );
    const fromConfig = await runCli(["--json", "load"], { cwd: project });
    expect(fromConfig.stderr).toBe("");
    expect(fromConfig.code).toBe(1);
    const summary = JSON.parse(fromConfig.stdout) as LoadSummary;
    expect(summary.model).toEqual({ kind: "closed", users: 2 });
    expect(summary.thresholds[0]?.expression).toBe("rps>1000000");
    const overridden = await runCli(["--json", "load", "--rate", "50/s", "--threshold", "errors<1%"], {
      cwd: project,
    });
    expect(overridden.code).toBe(0);
    expect((JSON.parse(overridden.stdout) as LoadSummary).model).toEqual({ kind: "open", ratePerSecond: 50 });
    config("  users: 2\n  rate: fast\n  think: 1s\n");
    const bad = await runCli(["load"], { cwd: project });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/escalator\.yaml:\d+:\d+.*"fast" is not a rate/);
    expect(bad.stderr).toMatch(/think/);
  }, 30_000);

  it("runs user steps, hooks and parameter types, and aborts journeys still running after the grace", async () => {
    const project = join(dir.path, "user");
    mkdirSync(join(project, "features", "steps"), { recursive: true });
    mkdirSync(join(project, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(project, "node_modules", "escalator"));
    writeFileSync(
      join(project, "features", "steps", "steps.ts"),
      `import { After, Before, defineParameterType, Then, When } from "escalator";
defineParameterType({ name: "color", regexp: /red|blue/, transformer: (s: string) => s.toUpperCase() });
Before(function () { this.trail = ["before"]; });
When("I pick {color}", function (color: string) { this.color = color; });
Then("the color is {word}", function (word: string) {
  if (this.color !== word || this.trail[0] !== "before") throw new Error(\`got \${this.color}\`);
});
When("I wait forever", () => new Promise(() => undefined));
After(function () { this.trail.push("after"); });
`,
    );
    writeFileSync(
      join(project, "features", "colors.feature"),
      `Feature: Colors
  Scenario: pick
    When I pick red
    Then the color is RED
    When I GET "/"

  Scenario: hang
    When I wait forever
`,
    );
    const started = Date.now();
    const result = await runCli(["--json", "load", "--target", target, "--users", "2", "--duration", "1s"], {
      cwd: project,
      env: { ESCALATOR_STEP_TIMEOUT_MS: "300" },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
    const summary = JSON.parse(result.stdout) as LoadSummary;
    expect(summary.journeys.pick?.count).toBeGreaterThanOrEqual(1);
    expect(summary.journeys.pick?.errors).toBe(0);
    expect(summary.errorsByKind).toEqual({ aborted: 2 });
    // Both hung journeys started within the first milliseconds and were aborted 1 s + 300 ms grace
    // later: each is charged from its own start, not from the end of the duration.
    expect(summary.journeys.hang?.count).toBe(2);
    expect(summary.journeys.hang?.latency.p50).toBeGreaterThanOrEqual(1200);
    expect(summary.journeys.hang?.latency.max).toBeLessThan(3000);
    expect(Object.keys(summary.steps).sort()).toEqual(['I GET "/"', "I pick red", "the color is RED"]);
  }, 30_000);

  it("with --workers 2, totals are the sum of both workers' counts and what the server saw", async () => {
    const before = served;
    const result = await cli(
      "load",
      "home.feature",
      "--target",
      target,
      "--rate",
      "400/s",
      "--duration",
      "2s",
      "--workers",
      "2",
      "--json",
      "workers.json",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = summaryOf("workers.json");
    const perWorker = summary.perWorker ?? [];
    console.log(
      `workers: ${JSON.stringify(perWorker)}; total ${summary.requests}; server ${served - before}`,
    );
    expect(perWorker.map((w) => w.worker)).toEqual([0, 1]);
    expect(perWorker.every((w) => w.requests > 0)).toBe(true);
    expect(perWorker.reduce((n, w) => n + w.requests, 0)).toBe(summary.requests);
    expect(summary.requests).toBe(served - before);
    expect(summary.requests).toBe(800);
    expect(summary.workers).toBe(2);
  }, 30_000);
  /** A project with user step files (importing "escalator") and features/app.feature. */
  const project = (name: string, steps: string, feature: string) => {
    const root = join(dir.path, name);
    mkdirSync(join(root, "features", "steps"), { recursive: true });
    mkdirSync(join(root, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(root, "node_modules", "escalator"));
    writeFileSync(join(root, "features", "steps", "steps.ts"), steps);
    writeFileSync(join(root, "features", "app.feature"), feature);
    return root;
  };
  const HOOK_STEPS = `import { appendFileSync } from "node:fs";
import { workerData } from "node:worker_threads";
import { AfterAll, BeforeAll, When } from "escalator";
const who = String((workerData as { worker?: number } | null)?.worker ?? "main");
if (process.env.BREAK_WORKER === who) throw new Error("step file broken in worker " + who);
BeforeAll(() => {
  appendFileSync("hooks.log", "before " + who + "\\n");
  if (process.env.FAIL_BEFORE_ALL) throw new Error("no database");
});
AfterAll(() => {
  appendFileSync("hooks.log", "after " + who + "\\n");
  if (process.env.FAIL_AFTER_ALL) throw new Error("cleanup failed");
});
When("I rest", () => undefined);
`;

  it("on Ctrl-C stops early, prints and writes the summary marked interrupted, and exits 130", async () => {
    const before = served;
    const started = Date.now();
    const run = startProcess(
      [
        process.execPath,
        BIN,
        "load",
        "home.feature",
        "--target",
        target,
        "--rate",
        "50/s",
        "--duration",
        "10s",
        "--json",
        "interrupted.json",
        "--report",
        "interrupted.html",
      ],
      { cwd: dir.path, env: { NO_COLOR: "1" } },
    );
    // 2 s into the run (the CLI takes a moment to start): 100 journeys at 50/s.
    await eventually(() => served - before >= 100, 15_000, "100 requests");
    const signalled = Date.now();
    const code = await run.stop("SIGINT");
    console.log(`interrupted: exit ${code} ${Date.now() - signalled} ms after SIGINT`);
    expect(code).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(4000);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(run.output()).toMatch(/SIGINT: stopping/);
    expect(run.output()).toMatch(/Interrupted after \d\.\ds of 10s/);
    expect(run.output()).toMatch(/requests {2}\d+/);
    const summary = summaryOf("interrupted.json") as LoadSummary & {
      interrupted?: boolean;
      interruptedAfterMs?: number;
    };
    expect(summary.interrupted).toBe(true);
    expect(summary.durationMs).toBe(10_000);
    expect(summary.interruptedAfterMs).toBeGreaterThanOrEqual(1900);
    expect(summary.interruptedAfterMs).toBeLessThan(4000);
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.requests).toBe(served - before);
    expect(readFileSync(join(dir.path, "interrupted.html"), "utf8")).toMatch(/^<!doctype html>/i);
  }, 30_000);

  it("on a second Ctrl-C exits at once, without a summary", async () => {
    const root = project(
      "twice",
      'import { When } from "escalator";\nWhen("I wait forever", () => new Promise(() => setInterval(() => undefined, 1000)));\n',
      "Feature: Hang\n  Scenario: hang\n    When I wait forever\n",
    );
    const run = startProcess(
      [process.execPath, BIN, "load", "--users", "2", "--duration", "10s", "--json", "twice.json"],
      { cwd: root },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    run.child.kill("SIGINT");
    await run.waitFor(/SIGINT: stopping/);
    const signalled = Date.now();
    const code = await run.stop("SIGINT");
    expect(code).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(1500);
    expect(run.output()).toMatch(/SIGINT again: exiting without a summary/);
    expect(existsSync(join(root, "twice.json"))).toBe(false);
  }, 30_000);

  it("counts a step's unhandled rejection or uncaught exception as an error kind, in this thread and in workers", async () => {
    const root = project(
      "strays",
      `import { When } from "escalator";
When("I forget a promise", () => {
  Promise.reject(new Error("forgotten"));
});
When("I throw from a timer", () => {
  setTimeout(() => {
    throw new Error("boom");
  }, 1);
});
`,
      'Feature: Strays\n  Scenario: careless\n    When I forget a promise\n    And I throw from a timer\n    And I GET "/"\n',
    );
    for (const workers of ["1", "2"]) {
      const result = await runCli(
        [
          "load",
          "--target",
          target,
          "--rate",
          "20/s",
          "--duration",
          "1s",
          "--workers",
          workers,
          "--json",
          "s.json",
        ],
        { cwd: root },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/unhandled/);
      expect(result.stderr).toMatch(
        /warning: .*unhandled promise rejections? \(error kind "unhandled"\), the first: Error: forgotten/,
      );
      expect(result.stderr).toMatch(/uncaught exceptions? \(error kind "uncaught"\), the first: Error: boom/);
      const summary = JSON.parse(readFileSync(join(root, "s.json"), "utf8")) as LoadSummary;
      expect(summary.requests).toBe(20);
      expect(summary.errors).toBe(0);
      expect(summary.errorsByKind.unhandled).toBe(20);
      expect(summary.errorsByKind.uncaught).toBe(20);
    }
  }, 60_000);

  it("when a worker thread dies, stops the others, prints what was measured marked incomplete, and exits 3", async () => {
    const root = project(
      "crash",
      `import { workerData } from "node:worker_threads";
import { When } from "escalator";
const loadedAt = Date.now();
When("worker 1 may crash", () => {
  if ((workerData as { worker?: number } | null)?.worker === 1 && Date.now() - loadedAt > 2500) process.exit(7);
});
`,
      'Feature: Crash\n  Scenario: risky\n    When worker 1 may crash\n    And I GET "/"\n',
    );
    const started = Date.now();
    const result = await runCli(
      [
        "load",
        "--target",
        target,
        "--rate",
        "40/s",
        "--duration",
        "10s",
        "--workers",
        "2",
        "--json",
        "c.json",
      ],
      { cwd: root },
    );
    expect(result.code, result.stderr).toBe(3);
    // Worker 1 dies 2.5 s after loading; worker 0 stops early rather than running the full 10 s.
    expect(Date.now() - started).toBeLessThan(9000);
    expect(result.stdout).toMatch(/Incomplete: load worker 1 died \(exited unexpectedly \(code 7\)\)/);
    expect(result.stdout).toMatch(/requests {2}\d+/);
    const summary = JSON.parse(readFileSync(join(root, "c.json"), "utf8")) as LoadSummary & {
      incomplete?: boolean;
      failedWorkers?: { worker: number; message: string }[];
    };
    expect(summary.incomplete).toBe(true);
    expect(summary.failedWorkers).toEqual([{ worker: 1, message: "exited unexpectedly (code 7)" }]);
    expect(summary.perWorker?.map((w) => w.worker)).toEqual([0, 1]);
    expect(summary.perWorker?.every((w) => w.requests > 0)).toBe(true);
  }, 30_000);

  it("checks --json and --report before running: never a feature file, a folder or a non-.html report", async () => {
    const before = served;
    const feature = readFileSync(join(dir.path, "home.feature"), "utf8");
    mkdirSync(join(dir.path, "a-folder"), { recursive: true });
    const cases: [string[], RegExp][] = [
      [["--json", "home.feature"], /--json home\.feature: is one of the feature paths/],
      [["--json", "mix.feature"], /--json mix\.feature: would overwrite a \.feature file.*--json load\.json/],
      [["--json", "steps.ts"], /would overwrite a \.ts file/],
      [["--json", "escalator.yaml"], /would overwrite a \.yaml file/],
      [["--json", "a-folder"], /--json a-folder: is a directory/],
      [["--report", "report.txt"], /--report report\.txt: the HTML report's name must end in \.html/],
      [["--json", "same.html", "--report", "same.html"], /is also the --json file/],
      [["--json", "home.feature/x.json"], /home\.feature is not a directory/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(
        "load",
        "home.feature",
        "--target",
        target,
        "--users",
        "1",
        "--duration",
        "1s",
        ...args,
      );
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(message);
    }
    // `--json` followed by the features: the features are not overwritten.
    const slip = await cli(
      "load",
      "--json",
      "home.feature",
      "--target",
      target,
      "--users",
      "1",
      "--duration",
      "1s",
    );
    expect(slip.code).toBe(2);
    expect(slip.stderr).toMatch(/--json home\.feature: .*escalator --json load/);
    expect(readFileSync(join(dir.path, "home.feature"), "utf8")).toBe(feature);
    expect(served).toBe(before);
  }, 60_000);

  it("prints the summary first; a file that cannot be written then is a warning and keeps the exit code", async () => {
    const root = project(
      "blocked",
      `import { mkdirSync } from "node:fs";
import { BeforeAll, When } from "escalator";
// Passes the check before the run, then becomes a folder the summary cannot replace.
BeforeAll(() => {
  mkdirSync("out/blocked.json", { recursive: true });
});
When("I rest", () => undefined);
`,
      "Feature: Rest\n  Scenario: rest\n    When I rest\n",
    );
    const result = await runCli(
      [
        "load",
        "--users",
        "1",
        "--duration",
        "1s",
        "--threshold",
        "rps>1000000000",
        "--json",
        "out/blocked.json",
      ],
      { cwd: root },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ rps>1000000000/);
    expect(result.stderr).toMatch(
      /warning: cannot write out\/blocked\.json: .*; the result above stands \(exit code 1\)/,
    );
  }, 30_000);

  it("runs BeforeAll and AfterAll once per worker; a failing AfterAll hook fails the run", async () => {
    const root = project("hooks", HOOK_STEPS, "Feature: Rest\n  Scenario: rest\n    When I rest\n");
    const log = join(root, "hooks.log");
    const lines = () => readFileSync(log, "utf8").trim().split("\n").sort();
    const ok = await runCli(["load", "--users", "2", "--duration", "1s", "--workers", "2"], { cwd: root });
    expect(ok.code, ok.stderr).toBe(0);
    expect(lines()).toEqual(["after 0", "after 1", "before 0", "before 1"]);

    rmSync(log);
    const failing = await runCli(["--json", "load", "--users", "1", "--duration", "1s"], {
      cwd: root,
      env: { FAIL_AFTER_ALL: "1" },
    });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/AfterAll hook failed: cleanup failed/);
    expect(lines()).toEqual(["after main", "before main"]);
    const summary = JSON.parse(failing.stdout) as LoadSummary & { hookErrors?: { message: string }[] };
    expect(summary.thresholds).toEqual([]);
    expect(summary.hookErrors?.map((e) => e.message)).toEqual(["AfterAll hook failed: cleanup failed"]);
  }, 30_000);

  it("exits 1 when a BeforeAll hook fails, running no journey but the AfterAll hooks", async () => {
    const root = project("before", HOOK_STEPS, 'Feature: Rest\n  Scenario: rest\n    When I GET "/"\n');
    const before = served;
    for (const workers of ["1", "2"]) {
      rmSync(join(root, "hooks.log"), { force: true });
      const result = await runCli(
        ["load", "--target", target, "--users", "1", "--duration", "1s", "--workers", workers],
        { cwd: root, env: { FAIL_BEFORE_ALL: "1" } },
      );
      expect(result.code).toBe(1);
      // Listed once however many workers failed alike.
      expect(result.stderr.match(/BeforeAll hook failed: no database/g)).toHaveLength(1);
      expect(result.stderr).toMatch(/nothing was run/);
      const hooks = readFileSync(join(root, "hooks.log"), "utf8").trim().split("\n");
      expect(hooks.filter((line) => line.startsWith("after"))).toHaveLength(Number(workers));
    }
    expect(served).toBe(before);
  }, 30_000);

  it("when one worker fails to load, the others run their AfterAll hooks before the exit 2", async () => {
    const root = project("broken-worker", HOOK_STEPS, "Feature: Rest\n  Scenario: rest\n    When I rest\n");
    const result = await runCli(["load", "--users", "2", "--duration", "1s", "--workers", "2"], {
      cwd: root,
      env: { BREAK_WORKER: "1" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/step file broken in worker 1/);
    expect(result.stderr).toMatch(/nothing was run/);
    expect(readFileSync(join(root, "hooks.log"), "utf8").trim().split("\n")).toEqual(["before 0", "after 0"]);
  }, 30_000);

  it("exits right after the summary when journeys hang past the grace holding timers", async () => {
    const root = project(
      "hang",
      'import { When } from "escalator";\nWhen("I hang", () => new Promise(() => setInterval(() => undefined, 1000)));\n',
      "Feature: Hang\n  Scenario: hang\n    When I hang\n",
    );
    const started = Date.now();
    const result = await runCli(["--json", "load", "--users", "3", "--duration", "1s"], {
      cwd: root,
      env: { ESCALATOR_STEP_TIMEOUT_MS: "300" },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(6000);
    const summary = JSON.parse(result.stdout) as LoadSummary;
    expect(summary.errorsByKind).toEqual({ aborted: 3 });
  }, 30_000);
});
