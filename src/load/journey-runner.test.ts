import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type * as messages from "@cucumber/messages";
import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { sendStepRequest } from "../features/builtin/http-request.js";
import { createHttpState, type HttpRequestReport, type HttpWorld } from "../features/builtin/http-world.js";
import { World, type WorldOptions } from "../features/world.js";
import { driveOpen, OpenSchedule } from "./arrival.js";
import { classifyError, type JourneyContext, runJourney, StepTimeoutError } from "./journey-runner.js";
import type { Journey, JourneyStep } from "./journeys.js";

const step = (text: string, fn: JourneyStep["fn"], kind: JourneyStep["kind"] = "step", timeoutMs = 1000) =>
  ({ kind, text, fn, args: [], matched: [], trailing: [], timeoutMs }) satisfies JourneyStep;

const journey = (steps: JourneyStep[]): Journey => ({
  index: 0,
  name: "Buy",
  uri: "features/buy.feature",
  line: 3,
  weight: 1,
  pickle: { name: "Buy" } as messages.Pickle,
  gherkinDocument: undefined,
  steps,
});

function context(worldConstructor: JourneyContext["worldConstructor"] = World) {
  const log: string[] = [];
  const ctx: JourneyContext = {
    worldConstructor,
    parameters: { target: "http://shop.example" },
    recorder: {
      step: (name, _ms, ok) => log.push(`step ${name} ${ok ? "ok" : "failed"}`),
      journey: (name, _ms, ok, kind) => log.push(`journey ${name} ${ok ? "ok" : `failed: ${kind}`}`),
    },
    inFlight: new Int32Array(1),
    aborting: false,
    stopped: false,
  };
  return { ctx, log };
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("classifyError", () => {
  it("groups failures into a few kinds", () => {
    expect(classifyError(new StepTimeoutError(10), undefined)).toBe("timeout");
    expect(classifyError(new Error("GET http://x/ timed out after 10000 ms"), undefined)).toBe("timeout");
    const refused = new Error("GET http://x/ failed: connect ECONNREFUSED", {
      cause: withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"),
    });
    expect(classifyError(refused, undefined)).toBe("ECONNREFUSED");
    expect(
      classifyError(new Error("x", { cause: withCode("other side closed", "UND_ERR_SOCKET") }), 200),
    ).toBe("ECONNRESET");
    expect(classifyError(new Error("x", { cause: withCode("t", "UND_ERR_HEADERS_TIMEOUT") }), 200)).toBe(
      "timeout",
    );
    const many = new Error("x", { cause: new AggregateError([withCode("a", "EHOSTUNREACH")]) });
    expect(classifyError(many, undefined)).toBe("EHOSTUNREACH");
    expect(classifyError(new Error("expected status 200 but got 503"), 503)).toBe("HTTP 503");
    expect(classifyError(new Error("expected status 200 but got 302"), 302)).toBe("assertion");
    expect(classifyError(new Error("expected the JSON at $.a to be 1"), undefined)).toBe("assertion");
    expect(
      classifyError(new Error("x", { cause: withCode("destroyed", "UND_ERR_DESTROYED") }), 200, true),
    ).toBe("aborted");
  });
});

describe("runJourney", () => {
  it("runs Before hooks, steps and After hooks on a fresh World with the parameters", async () => {
    const { ctx, log } = context();
    const worlds: object[] = [];
    const j = journey([
      step(
        "Before hook",
        function (this: World) {
          worlds.push(this);
          log.push(`before ${this.parameters.target}`);
        },
        "before",
      ),
      step("I add a widget", async function (this: World) {
        this.items = 1;
      }),
      step(
        "After hook",
        function (this: World, arg: { result: { status: string } }) {
          log.push(`after ${arg.result.status} ${this.items}`);
        },
        "after",
      ),
    ]);
    await runJourney(j, ctx, 0);
    await runJourney(j, ctx, 0);
    expect(worlds[0]).not.toBe(worlds[1]);
    expect(log.slice(0, 4)).toEqual([
      "before http://shop.example",
      "step I add a widget ok",
      "after PASSED 1",
      "journey Buy ok",
    ]);
    expect(ctx.inFlight[0]).toBe(0);
  });

  it("stops at the first failing step, still runs After hooks, and records the error's kind", async () => {
    const { ctx, log } = context();
    await runJourney(
      journey([
        step("first", function (this: World) {
          this.http = { response: { status: 500 } };
          throw new Error("expected status 200 but got 500");
        }),
        step("second", () => undefined),
        step(
          "After hook",
          (arg: { result: { status: string } }) => log.push(`after ${arg.result.status}`),
          "after",
        ),
      ]),
      ctx,
      0,
    );
    expect(log).toEqual(["step first failed", "after FAILED", "journey Buy failed: HTTP 500"]);
  });

  it("times out a slow step, and counts pending steps and a failing World constructor", async () => {
    const { ctx, log } = context();
    await runJourney(journey([step("slow", () => new Promise(() => undefined), "step", 20)]), ctx, 0);
    await runJourney(journey([step("todo", () => "pending")]), ctx, 0);
    await runJourney(journey([step("skip", () => "skipped"), step("never", () => log.push("ran"))]), ctx, 0);
    class Broken {
      constructor() {
        throw new Error("no");
      }
    }
    const broken = context(Broken);
    await runJourney(journey([step("any", () => undefined)]), broken.ctx, 0);
    expect(log).toEqual([
      "step slow failed",
      "journey Buy failed: timeout",
      "step todo failed",
      "journey Buy failed: pending",
      "step skip ok",
      "journey Buy ok",
    ]);
    expect(broken.log).toEqual(["journey Buy failed: world"]);
  });

  it("calls a failure after an expected 4xx an assertion; HTTP <status> only while no step has passed on it", async () => {
    const { ctx, log } = context();
    const got = (status: number) =>
      function (this: World) {
        this.http = { response: { status } };
      };
    const fails = (message: string) => () => {
      throw new Error(message);
    };
    await runJourney(
      journey([
        step('I GET "/missing"', got(404)),
        step("the response status should be 404", () => undefined),
        step('the response body should contain "gone"', fails('expected the body to contain "gone"')),
      ]),
      ctx,
      0,
    );
    await runJourney(
      journey([
        step('I GET "/cart"', got(503)),
        step("the response status should be 200", fails("expected status 200 but got 503")),
      ]),
      ctx,
      0,
    );
    await runJourney(journey([step("I buy a widget", fails("no stock"))]), ctx, 0);
    expect(log.filter((line) => line.startsWith("journey"))).toEqual([
      "journey Buy failed: assertion",
      "journey Buy failed: HTTP 503",
      "journey Buy failed: assertion",
    ]);
  });

  it("measures a journey started before its intended time from its actual start", async () => {
    const times: number[] = [];
    const { ctx } = context();
    ctx.recorder = { step: () => undefined, journey: (_name, ms) => times.push(ms) };
    await runJourney(
      journey([step("wait", () => new Promise((resolve) => setTimeout(resolve, 20)))]),
      ctx,
      performance.now() + 5000,
    );
    expect(times[0]).toBeGreaterThanOrEqual(15);
    expect(times[0]).toBeLessThan(1000);
  });

  it("charges a late start to the journey's first request, so a stalled event loop shows in request latency", async () => {
    const server = createServer((_request, response) => response.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const agent = new Agent({ connections: 50 });
    try {
      const requests: number[] = [];
      const journeys: number[] = [];
      class HttpTestWorld implements HttpWorld {
        parameters: HttpWorld["parameters"];
        http = createHttpState();
        constructor(options: WorldOptions) {
          this.parameters = options.parameters;
        }
      }
      const ctx: JourneyContext = {
        worldConstructor: HttpTestWorld,
        parameters: {
          target: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          dispatcher: agent,
          onRequest: (r: HttpRequestReport) => requests.push(r.ms),
        },
        recorder: { step: () => undefined, journey: (_name, ms) => journeys.push(ms) },
        inFlight: new Int32Array(1),
        aborting: false,
        stopped: false,
      };
      const t0 = performance.now();
      let stalled = false;
      const j = journey([
        step('I GET "/"', function (this: HttpWorld) {
          return sendStepRequest(this, "GET", "/");
        }),
        step("maybe stall", () => {
          // Once, 300 ms in: the event loop is busy for 500 ms, holding back every arrival due then.
          if (stalled || performance.now() - t0 < 300) return;
          stalled = true;
          const until = performance.now() + 500;
          while (performance.now() < until) {}
        }),
      ]);
      let running = 0;
      await driveOpen(
        new OpenSchedule(100, 0, 1500),
        {
          inFlight: () => running,
          start: (intendedAt) => {
            running++;
            void runJourney(j, ctx, intendedAt).then(() => running--);
          },
          drop: () => undefined,
          stopped: () => false,
        },
        { t0, dropAfterMs: 1000, maxInFlight: 1000 },
      );
      while (running > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(stalled).toBe(true);
      expect(requests).toHaveLength(150);
      const at = (values: number[], p: number) =>
        [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] as number;
      // ~50 of 150 arrivals fall in the stall and start 0–500 ms late: the top 10 % waited ≥ ~350 ms.
      expect(at(requests, 50)).toBeLessThan(50);
      expect(at(requests, 90)).toBeGreaterThan(250);
      expect(at(requests, 99)).toBeGreaterThan(400);
      // The request figures now agree with the journeys', which were already measured from intended starts.
      expect(Math.abs(at(requests, 99) - at(journeys, 99))).toBeLessThan(50);
    } finally {
      await agent.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("records nothing once the test has stopped", async () => {
    const { ctx, log } = context();
    ctx.stopped = true;
    await runJourney(journey([step("a", () => undefined)]), ctx, 0);
    expect(log).toEqual([]);
  });
});
