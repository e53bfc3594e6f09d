import { describe, expect, it } from "vitest";
import { requireTool } from "../../test/helpers/require-tool.js";
import { checkSchema } from "../config/schema.js";
import { parsePingOutput, pingCheck } from "./ping-check.js";
import type { CheckContext } from "./types.js";

function ctx(ping: unknown, extra: Partial<CheckContext> = {}): CheckContext {
  const check = checkSchema.parse({ name: "reachable", level: "reboot", ping });
  return { check, environment: "staging", cwd: "/", timeoutMs: 10_000, ...extra };
}

const hasPing = requireTool("ping") !== undefined;

describe("pingCheck", () => {
  it.skipIf(!hasPing)("pings 127.0.0.1 (OK), or says clearly why it cannot", async () => {
    const result = await pingCheck.run(
      ctx("{{target}}", { target: "127.0.0.1" }),
      new AbortController().signal,
    );
    if (result.state === "OK") {
      expect(result.message).toMatch(/^PING OK - 127\.0\.0\.1: 0% packet loss, rta [\d.]+ ms$/);
      expect(result.perfdata.map((d) => d.label)).toEqual(["rta", "pl"]);
      expect(result.perfdata.find((d) => d.label === "pl")?.value).toBe(0);
    } else {
      // Without privileges for ICMP sockets, ping fails; the message must say why.
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toMatch(/^PING UNKNOWN - ping lacks privileges here: .+/);
    }
  });

  it("refuses a host that ping would read as an option", async () => {
    const result = await pingCheck.run(ctx("{{target}}", { target: "-f" }), new AbortController().signal);
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toBe('PING UNKNOWN - refusing host "-f"');
  });

  it("is UNKNOWN naming the package when ping is not installed", async () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const result = await pingCheck.run(ctx("127.0.0.1"), new AbortController().signal);
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toBe("PING UNKNOWN - ping not found: install iputils-ping");
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe("parsePingOutput", () => {
  it.each([
    [
      "iputils",
      "1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.182/0.190/0.200/0.000 ms",
      { lossPercent: 0, rttAvgMs: 0.19 },
    ],
    [
      "busybox",
      "2 packets transmitted, 1 packets received, 50% packet loss\nround-trip min/avg/max = 1.1/2.2/3.3 ms",
      { lossPercent: 50, rttAvgMs: 2.2 },
    ],
    ["all lost", "3 packets transmitted, 0 received, 100% packet loss, time 2003ms", { lossPercent: 100 }],
    ["error only", "ping: nosuchhost: Name or service not known", {}],
  ])("%s", (_name, text, expected) => {
    expect(parsePingOutput(text)).toEqual(expected);
  });
});
