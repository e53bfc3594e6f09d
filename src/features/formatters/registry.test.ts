import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EscalatorError } from "../../util/errors.js";
import { createFormatter } from "./registry.js";

const minimal = { testRunStarted: { timestamp: { seconds: 0, nanos: 0 } } };

describe("createFormatter", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), "escalator-formatters-"));
    dirs.push(dir);
    return dir;
  };

  it("writes to stdout when no file is given", async () => {
    let out = "";
    const formatter = createFormatter("message", {
      stdout: { write: (t: string) => (out += t) },
      cwd: tmp(),
    });
    formatter.onMessage?.(minimal);
    await formatter.finish?.();
    expect(JSON.parse(out)).toEqual(minimal);
  });

  it("writes a file atomically: nothing at the path until finish, then the whole output", async () => {
    const cwd = tmp();
    const formatter = createFormatter("message:reports/out.ndjson", { stdout: { write: () => true }, cwd });
    formatter.onMessage?.(minimal);
    expect(readdirSync(join(cwd, "reports"))).not.toContain("out.ndjson");
    await formatter.finish?.();
    expect(readdirSync(join(cwd, "reports"))).toEqual(["out.ndjson"]);
    expect(readFileSync(join(cwd, "reports", "out.ndjson"), "utf8")).toBe(`${JSON.stringify(minimal)}\n`);
  });

  it("never colours a file", async () => {
    const cwd = tmp();
    const formatter = createFormatter("progress:p.txt", { stdout: { write: () => true }, cwd, color: true });
    await formatter.finish?.();
    expect(readFileSync(join(cwd, "p.txt"), "utf8")).not.toContain("\u001b[");
  });

  it("rejects unknown names with a USAGE error listing the valid ones", () => {
    const make = () => createFormatter("xml:out.xml", { stdout: { write: () => true }, cwd: tmp() });
    expect(make).toThrow(EscalatorError);
    expect(make).toThrow(/unknown format "xml"; valid formats: pretty, progress, junit, message, html/);
    try {
      make();
    } catch (error) {
      expect((error as EscalatorError).code).toBe("USAGE");
    }
    expect(() => createFormatter("toString", { stdout: { write: () => true }, cwd: tmp() })).toThrow(
      /unknown format/,
    );
    expect(() => createFormatter("junit:", { stdout: { write: () => true }, cwd: tmp() })).toThrow(
      /missing file name/,
    );
  });

  it("names the formatter when it fails", async () => {
    const formatter = createFormatter("message", {
      stdout: {
        write: () => {
          throw new Error("EPIPE");
        },
      },
      cwd: tmp(),
    });
    expect(() => formatter.onMessage?.(minimal)).toThrow(/formatter message: EPIPE/);
  });
});
