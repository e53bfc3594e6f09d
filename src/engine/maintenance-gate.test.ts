import { describe, expect, it } from "vitest";
import { MaintenanceGate } from "./maintenance-gate.js";

const at = (iso: string) => Date.parse(iso);

describe("MaintenanceGate", () => {
  const weekly = { cron: "0 2 * * SUN", duration: 2 * 3_600_000, reason: "weekly patching", timezone: "UTC" };

  it("is open inside a scheduled window and closed outside it", () => {
    const gate = new MaintenanceGate([weekly]);
    expect(gate.current(at("2026-11-29T01:59:00Z"))).toBeUndefined();
    expect(gate.current(at("2026-11-29T02:30:00Z"))).toEqual({
      reason: "maintenance window: weekly patching",
      until: at("2026-11-29T04:00:00Z"),
    });
    expect(gate.current(at("2026-11-29T04:00:00Z"))).toBeUndefined();
  });

  it("a pause holds until its end, or until resumed", () => {
    const gate = new MaintenanceGate([]);
    gate.setPause({ environment: "shop", by: "alice", reason: "db upgrade", since: 0, until: 1_000 });
    expect(gate.current(500)).toEqual({ reason: "paused by alice: db upgrade", until: 1_000 });
    expect(gate.current(1_000)).toBeUndefined();
    gate.setPause({ environment: "shop", by: "bob", reason: "", since: 0, until: null });
    expect(gate.current(10 ** 12)).toEqual({ reason: "paused by bob", until: null });
    gate.setPause(undefined);
    expect(gate.current(0)).toBeUndefined();
  });
});
