import { describe, expect, it } from "vitest";
import { runProcess } from "../util/run-process.js";
import { REASON_LIMIT_BYTES, summarizeFailing } from "./failing-summary.js";
import type { FailingCheck } from "./types.js";

const many: FailingCheck[] = Array.from({ length: 10_000 }, (_, i) => ({
  check: "node-port",
  target: `127.1.${i >> 8}.${i & 255}`,
  level: "node",
  state: "CRITICAL",
  message: `TCP CRITICAL - connect ECONNREFUSED 127.1.${i >> 8}.${i & 255}:8080`,
}));

describe("summarizeFailing", () => {
  it("keeps everything when it fits", () => {
    const summary = summarizeFailing(many.slice(0, 3));
    expect(summary).toEqual({ total: 3, failing: many.slice(0, 3), truncated: false });
  });

  it("stays under the byte budget with 10,000 failing targets, and says it was cut", () => {
    const summary = summarizeFailing(many);
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThanOrEqual(REASON_LIMIT_BYTES);
    expect(summary.total).toBe(10_000);
    expect(summary.truncated).toBe(true);
    expect(summary.failing.length).toBeGreaterThan(100);
  });

  it("puts the step's own target first so it is never cut off", () => {
    const last = many[9_999] as FailingCheck;
    const summary = summarizeFailing(many, { target: last.target });
    expect(summary.failing[0]).toEqual(last);
  });

  it("fits in one environment variable of a real process (a whole list would hit E2BIG)", async () => {
    const reason = JSON.stringify(summarizeFailing(many));
    const result = await runProcess(
      {
        argv: [
          process.execPath,
          "-e",
          "process.stdout.write(String(JSON.parse(process.env.ESCALATOR_REASON).total))",
        ],
      },
      { cwd: process.cwd(), env: { ESCALATOR_REASON: reason }, timeoutMs: 10_000 },
    );
    expect(result.stdout).toBe("10000");
    const whole = await runProcess(
      { argv: [process.execPath, "-e", "0"] },
      { cwd: process.cwd(), env: { ESCALATOR_REASON: JSON.stringify(many) }, timeoutMs: 10_000 },
    );
    expect(whole.spawnError ?? "").toMatch(/E2BIG/);
  });
});
