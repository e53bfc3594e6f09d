import { describe, expect, it } from "vitest";
import { substitute, substituteUrl } from "./template.js";

describe("substitute", () => {
  it("replaces known placeholders and leaves unknown or unset ones as written", () => {
    expect(
      substitute("{{ target }}/{{environment}}/{{level}}", { target: "web-1", environment: "prod" }),
    ).toBe("web-1/prod/{{level}}");
  });
});

describe("substituteUrl", () => {
  it("substitutes ordinary host names, IP addresses and ports", () => {
    expect(
      substituteUrl("https://{{target}}:8443/health?env={{environment}}", {
        target: "web-1.example",
        environment: "prod",
      }),
    ).toEqual({ url: "https://web-1.example:8443/health?env=prod" });
    expect(substituteUrl("http://{{target}}/", { target: "10.0.0.7" })).toEqual({ url: "http://10.0.0.7/" });
  });

  it.each([
    ["evil.example#", '"#"'],
    ["x@evil.example", '"@"'],
    ["evil.example/path", '"/"'],
    ["evil.example?", '"?"'],
    ["evil.example\\x", '"\\"'],
    ["web 1", "a whitespace character (U+0020)"],
    ["web\n1", "a control character (U+000A)"],
    ["web\u00001", "a control character (U+0000)"],
  ])("refuses a target %j, naming the value and %s", (target, shown) => {
    expect(substituteUrl("https://{{target}}/health", { target })).toEqual({
      error: `refusing to put target ${JSON.stringify(target)} into a URL: it contains ${shown}, which would change where the request goes`,
    });
  });

  it("checks only values that are substituted, and every placeholder", () => {
    expect(substituteUrl("https://hooks.example/x", { target: "x@evil.example" })).toEqual({
      url: "https://hooks.example/x",
    });
    expect(substituteUrl("https://{{target}}/{{level}}", { target: "ok", level: "a/b" })).toEqual({
      error:
        'refusing to put level "a/b" into a URL: it contains "/", which would change where the request goes',
    });
  });
});
