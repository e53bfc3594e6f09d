import { describe, expect, it } from "vitest";
import type { StepRecord } from "../store/types.js";
import { enrichPage } from "./page-enricher.js";

const step = (over: Partial<StepRecord>): StepRecord => ({
  id: 1,
  escalationId: "shop-1",
  level: "deploy",
  target: "",
  attempt: 1,
  role: "action",
  status: "failed",
  startedAt: 0,
  endedAt: 1,
  exitCode: 3,
  output: "boom",
  ...over,
});

describe("enrichPage", () => {
  it("adds what was tried with exit codes, a link to the escalation and the ack command", async () => {
    const page = await enrichPage(
      {
        environment: "shop",
        severity: "critical",
        summary: "escalator shop is stuck",
        escalationId: "shop-1",
        details: {
          state: "stuck",
          reason: "level deploy failed",
          failing: [{ check: "smoke", target: "web-1", message: "HTTP 500" }],
        },
      },
      {
        store: { listSteps: async () => [step({}), step({ id: 2, role: "fallback", exitCode: 1 })] },
        publicUrl: "http://escalator.example:8470",
        configFile: "/etc/escalator/shop.yaml",
      },
    );
    expect(page.details).toMatchObject({
      environment: "shop",
      state: "stuck",
      reason: "level deploy failed",
      failing: [{ check: "smoke", target: "web-1", message: "HTTP 500" }],
      tried: [
        { level: "deploy", role: "action", attempt: 1, status: "failed", exitCode: 3 },
        { level: "deploy", role: "fallback", attempt: 1, status: "failed", exitCode: 1 },
      ],
      link: "http://escalator.example:8470/api/v1/escalations/shop-1",
      ack: "escalator -c /etc/escalator/shop.yaml ack",
    });
  });
});
