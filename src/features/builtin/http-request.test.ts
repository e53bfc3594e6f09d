import { describe, expect, it } from "vitest";
import { resolveRequestUrl, resolveStepTimeoutMs } from "./http-request.js";
import { createHttpWorld } from "./http-world.js";

describe("resolveStepTimeoutMs", () => {
  it("takes the world parameter, then ESCALATOR_STEP_TIMEOUT_MS, then 10 s", () => {
    expect(resolveStepTimeoutMs({ stepTimeoutMs: 50 }, { ESCALATOR_STEP_TIMEOUT_MS: "700" })).toBe(50);
    expect(resolveStepTimeoutMs({}, { ESCALATOR_STEP_TIMEOUT_MS: "700" })).toBe(700);
    expect(resolveStepTimeoutMs({}, {})).toBe(10_000);
    expect(resolveStepTimeoutMs(undefined, { ESCALATOR_STEP_TIMEOUT_MS: " " })).toBe(10_000);
  });

  it("rejects a timeout that is not a positive number", () => {
    expect(() => resolveStepTimeoutMs({}, { ESCALATOR_STEP_TIMEOUT_MS: "10s" })).toThrow(
      "ESCALATOR_STEP_TIMEOUT_MS must be a positive number of milliseconds, got null",
    );
    expect(() => resolveStepTimeoutMs({ stepTimeoutMs: 0 }, {})).toThrow(/stepTimeoutMs must be a positive/);
  });
});

describe("resolveRequestUrl", () => {
  it("appends relative paths to the base, keeping its path, and uses absolute URLs as they are", () => {
    const world = createHttpWorld({ target: "https://shop.example/store/" });
    expect(resolveRequestUrl("/cart?x=1", world).href).toBe("https://shop.example/store/cart?x=1");
    expect(resolveRequestUrl("cart", world).href).toBe("https://shop.example/store/cart");
    expect(resolveRequestUrl("?q=a", world).href).toBe("https://shop.example/store?q=a");
    expect(resolveRequestUrl("http://other.example/a", world).href).toBe("http://other.example/a");
    world.http.baseUrl = "http://override.example";
    expect(resolveRequestUrl("/a", world).href).toBe("http://override.example/a");
  });

  it("names --target when the target parameter is not a URL", () => {
    expect(() => resolveRequestUrl("/a", createHttpWorld({ target: "shop" }))).toThrow(
      '--target "shop" is not an absolute URL; write it like "https://shop.example"',
    );
  });
});
