import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import type { LoadRunSummary } from "../load/run-load.js";
import { CANCEL_GRACE_MS } from "../load/worker-engine.js";
import {
  CANCEL_GRACE_SECONDS,
  checkOutputFiles,
  isCi,
  jsonArguments,
  LOAD_EXIT,
  loadExitCode,
} from "./load-command.js";

describe("CANCEL_GRACE_SECONDS", () => {
  it("is the load engine's CANCEL_GRACE_MS, as the help text says", () => {
    expect(CANCEL_GRACE_SECONDS * 1000).toBe(CANCEL_GRACE_MS);
  });
});

describe("isCi", () => {
  it("turns the live line off only for a truthy CI", () => {
    expect(isCi({})).toBe(false);
    for (const value of ["", "0", "false", "FALSE", " false "])
      expect(isCi({ CI: value }), value).toBe(false);
    for (const value of ["true", "1", "yes", "github"]) expect(isCi({ CI: value }), value).toBe(true);
  });
});

describe("jsonArguments", () => {
  it("reads --json FILE after load, and any other --json as JSON on stdout", () => {
    expect(jsonArguments(["load", "--json", "out.json"])).toEqual({ file: "out.json", stdout: false });
    expect(jsonArguments(["load", "--json=out.json"])).toEqual({ file: "out.json", stdout: false });
    expect(jsonArguments(["--json", "load", "f.feature"])).toEqual({ file: undefined, stdout: true });
    expect(jsonArguments(["load", "--json", "--users", "2"])).toEqual({ file: undefined, stdout: true });
    expect(jsonArguments(["load", "f.feature", "--json"])).toEqual({ file: undefined, stdout: true });
  });
});

describe("checkOutputFiles", () => {
  const dir = tmpDir("escalator-load-outputs-");
  afterAll(() => {
    chmodSync(join(dir.path, "locked"), 0o755);
    dir.remove();
  });
  mkdirSync(join(dir.path, "features"));
  writeFileSync(join(dir.path, "features", "shop.feature"), "Feature: Shop\n");
  writeFileSync(join(dir.path, "a-file"), "");
  mkdirSync(join(dir.path, "locked"));
  chmodSync(join(dir.path, "locked"), 0o555);
  const check = (json: string | undefined, report?: string, inputs = ["features/shop.feature"]) => {
    try {
      checkOutputFiles(
        [
          { flag: "--json", file: json },
          { flag: "--report", file: report },
        ],
        inputs,
        dir.path,
      );
      return "ok";
    } catch (error) {
      expect((error as { code?: string }).code).toBe("USAGE");
      return (error as Error).message;
    }
  };

  it("accepts new files in existing or creatable folders", () => {
    expect(check("load.json", "load.html")).toBe("ok");
    expect(check("out/deeper/load.json", "out/report.HTML")).toBe("ok");
    expect(check(undefined, undefined)).toBe("ok");
  });

  it("refuses feature paths, sources and configs, folders, non-.html reports and unwritable folders", () => {
    expect(check("features/shop.feature")).toMatch(
      /^--json features\/shop\.feature: is one of the feature paths to run; .*e\.g\. --json load\.json/,
    );
    expect(check("features", undefined, ["features"])).toMatch(/is one of the feature paths/);
    expect(check("features")).toMatch(/^--json features: is a directory/);
    for (const file of ["other.feature", "steps.ts", "steps.js", "steps.mjs", "escalator.yaml", "x.yml"])
      expect(check(file), file).toMatch(/would overwrite a \.\w+ file/);
    expect(check(undefined, "report.txt")).toBe(
      "--report report.txt: the HTML report's name must end in .html",
    );
    expect(check("same.html", "same.html")).toMatch(/^--report same\.html: is also the --json file/);
    expect(check("a-file/load.json")).toMatch(/a-file is not a directory/);
    expect(check("")).toMatch(/an empty file name/);
    if (process.getuid?.() !== 0) expect(check("locked/load.json")).toMatch(/cannot write in .*locked/);
  });
});

describe("loadExitCode", () => {
  const summary = (extra: Partial<LoadRunSummary>) =>
    ({
      thresholds: [{ expression: "p95<1s", actual: 5, unit: "ms", passed: true }],
      ...extra,
    }) as LoadRunSummary;
  const failed = [{ expression: "p95<1ms", actual: 5, unit: "ms" as const, passed: false }];

  it("is 0, 1 for a failed threshold or hook, 3 when incomplete, 130 when interrupted", () => {
    expect(loadExitCode(summary({}))).toBe(0);
    expect(loadExitCode(summary({ thresholds: failed }))).toBe(1);
    expect(
      loadExitCode(summary({ hookErrors: [{ uri: "steps.ts", message: "AfterAll hook failed: x" }] })),
    ).toBe(1);
    expect(loadExitCode(summary({ incomplete: true, thresholds: failed }))).toBe(LOAD_EXIT.incomplete);
    expect(loadExitCode(summary({ interrupted: true, incomplete: true }))).toBe(LOAD_EXIT.interrupted);
    expect(LOAD_EXIT).toEqual({ ok: 0, failure: 1, usage: 2, incomplete: 3, interrupted: 130 });
  });
});
