import { describe, expect, it } from "vitest";
import type { AlertRouteConfig } from "../config/schema.js";
import { routeAlert } from "./alert-routing.js";
import type { IncomingAlert } from "./alerts.js";

const routes: AlertRouteConfig[] = [
  { match: { alertname: "NodeDown" }, level: "node", target_label: "instance" },
  { match: { alertname: "SiteDown", severity: "page" }, level: "deploy", name: "site" },
];
const levels = [{ name: "node", for_each: "web" }, { name: "deploy" }];
const groups = { web: ["10.0.0.1:9100", "web-2"] };
const alert = (labels: Record<string, string>, status: "firing" | "resolved" = "firing"): IncomingAlert => ({
  fingerprint: "f1",
  status,
  labels,
  annotations: { summary: "it is down" },
  startsAt: "2026-01-01T00:00:00Z",
  endsAt: "",
});

describe("routeAlert", () => {
  it("maps a firing per-target alert to exactly the instance it names", () => {
    expect(
      routeAlert(alert({ alertname: "NodeDown", instance: "10.0.0.1:9100" }), routes, levels, groups),
    ).toEqual({
      check: "alert:NodeDown",
      target: "10.0.0.1:9100",
      level: "node",
      state: "CRITICAL",
      message: "FIRING - it is down",
    });
  });

  it("accepts an instance with a port when the group names the host", () => {
    expect(
      routeAlert(alert({ alertname: "NodeDown", instance: "web-2:9100" }), routes, levels, groups),
    ).toMatchObject({ target: "web-2" });
  });

  it("clears on resolved, and uses the route's name", () => {
    expect(
      routeAlert(alert({ alertname: "SiteDown", severity: "page" }, "resolved"), routes, levels, groups),
    ).toMatchObject({
      check: "site",
      target: "",
      state: "OK",
      message: "RESOLVED - it is down",
    });
  });

  it("ignores alerts no route matches, or naming no known target, with the reason", () => {
    expect(routeAlert(alert({ alertname: "SiteDown", severity: "info" }), routes, levels, groups)).toEqual({
      ignored: "SiteDown (f1): no route matches its labels",
    });
    expect(routeAlert(alert({ alertname: "NodeDown", instance: "db-1" }), routes, levels, groups)).toEqual({
      ignored: 'NodeDown: instance="db-1" is not a target of web',
    });
  });
});
