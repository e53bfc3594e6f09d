import type * as messages from "@cucumber/messages";
import { describe, expect, it } from "vitest";
import { World } from "../features/world.js";
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

  it("records nothing once the test has stopped", async () => {
    const { ctx, log } = context();
    ctx.stopped = true;
    await runJourney(journey([step("a", () => undefined)]), ctx, 0);
    expect(log).toEqual([]);
  });
});
