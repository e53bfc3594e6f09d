import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Notification } from "../actions/types.js";
import type { LevelConfig } from "../config/schema.js";
import type { ApprovalRecord } from "../store/types.js";
import { FakeClock } from "../util/fake-clock.js";
import { approvalWaiter } from "./approval-waiter.js";

describe("approvalWaiter", () => {
  it("pages once when approval takes longer than approve_timeout, then returns the decision", async () => {
    const clock = new FakeClock();
    const pages: Notification[] = [];
    let record: ApprovalRecord | undefined;
    const wait = approvalWaiter({
      environment: "shop",
      clock,
      logger: pino({ level: "silent" }),
      page: async (n) => {
        pages.push(n);
      },
      stillFailing: () => true,
      store: {
        requestApproval: async (a) => {
          record = { ...a, decision: "pending", decidedAt: null, by: null, reason: null };
          return record;
        },
        getApproval: async () => record,
      },
    });
    const level = { name: "node", approve: true, approve_timeout: 60_000 } as LevelConfig;
    const plan = {
      levels: [{ level: "node", index: 0, scope: "targets" as const, targets: ["web-2"], because: "" }],
      trigger: [],
      notes: [],
    };
    const decision = wait({ escalationId: "shop-1", level, plan, revision: 0 }, new AbortController().signal);
    await clock.advance(59_000);
    expect(pages).toHaveLength(0);
    await clock.advance(5_000);
    await clock.advance(600_000);
    expect(pages.map((p) => p.summary)).toEqual([
      "escalator shop: level node on web-2 is waiting for approval. Run: escalator approve shop-1 (or escalator reject shop-1)",
    ]);
    if (record) record = { ...record, decision: "rejected", by: "carol", reason: "not during the sale" };
    await clock.advance(1_000);
    expect(await decision).toEqual({ decision: "rejected", by: "carol", reason: "not during the sale" });
  });
});
