import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { assertSafeListen, isLoopbackHost, loadApiTokens, parseListen } from "./tokens.js";

const made: { remove: () => void }[] = [];
function tmpPath(name: string): string {
  const dir = tmpDir();
  made.push(dir);
  return join(dir.path, name);
}
afterEach(() => {
  for (const dir of made.splice(0)) dir.remove();
});

describe("loadApiTokens", () => {
  it("reads one token per non-empty line, trimmed, plus the environment variable, without duplicates", () => {
    const file = tmpPath("token");
    writeFileSync(file, "  alpha \n\n\tbeta\r\nalpha\n");
    const tokens = loadApiTokens({ tokenFile: file, tokenEnv: "TOKEN", env: { TOKEN: " gamma\n" } });
    expect(tokens).toEqual(["alpha", "beta", "gamma"]);
  });

  it("takes the environment variable alone, and ignores it when empty", () => {
    expect(loadApiTokens({ tokenEnv: "TOKEN", env: { TOKEN: "only" } })).toEqual(["only"]);
    expect(loadApiTokens({ tokenEnv: "TOKEN", env: { TOKEN: "  " } })).toEqual([]);
    expect(loadApiTokens({ tokenEnv: "TOKEN", env: {} })).toEqual([]);
  });

  it("fails with CONFIG_INVALID naming a file it cannot read", () => {
    const file = tmpPath("missing-token");
    expect(() => loadApiTokens({ tokenFile: file, tokenEnv: "T", env: {} })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining(file) }),
    );
  });

  it("fails with CONFIG_INVALID on a token file without a token", () => {
    const file = tmpPath("empty");
    writeFileSync(file, "\n  \n");
    expect(() => loadApiTokens({ tokenFile: file, tokenEnv: "T", env: { T: "x" } })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining("holds no token") }),
    );
  });

  it("wants an absolute token file path", () => {
    expect(() => loadApiTokens({ tokenFile: "token", tokenEnv: "T", env: {} })).toThrow(
      expect.objectContaining({ code: "USAGE" }),
    );
  });
});

describe("parseListen", () => {
  it.each([
    ["127.0.0.1:8470", { host: "127.0.0.1", port: 8470 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["0.0.0.0:80", { host: "0.0.0.0", port: 80 }],
    ["[::1]:8470", { host: "::1", port: 8470 }],
    ["[::]:65535", { host: "::", port: 65535 }],
    ["ops.example.com:443", { host: "ops.example.com", port: 443 }],
  ])("%s", (listen, expected) => {
    expect(parseListen(listen)).toEqual(expected);
  });

  it.each(["8470", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "::1:8470", "[nope]:1", ":8470", "a b:1"])(
    "refuses %j with USAGE",
    (listen) => {
      expect(() => parseListen(listen)).toThrow(expect.objectContaining({ code: "USAGE" }));
    },
  );

  it("says to bracket IPv6 addresses", () => {
    expect(() => parseListen("::1:8470")).toThrow(/\[::1\]:8470/);
  });
});

describe("isLoopbackHost / assertSafeListen", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST", "::ffff:127.0.0.1"])(
    "%s is loopback",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "example.com", "localhost.example.com"])(
    "%s is not loopback",
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );

  it("allows loopback without a token", () => {
    expect(() => assertSafeListen("127.0.0.1:8470", [])).not.toThrow();
    expect(() => assertSafeListen("[::1]:8470", [])).not.toThrow();
    expect(() => assertSafeListen("localhost:8470", [])).not.toThrow();
  });

  it("refuses any other address without a token, saying how to set one", () => {
    for (const listen of ["0.0.0.0:8470", "[::]:8470", "10.1.2.3:8470", "ops.example.com:8470"]) {
      expect(() => assertSafeListen(listen, [])).toThrow(
        expect.objectContaining({ code: "USAGE", message: expect.stringContaining("ESCALATOR_API_TOKEN") }),
      );
    }
  });

  it("allows any address with a token", () => {
    expect(() => assertSafeListen("0.0.0.0:8470", ["t"])).not.toThrow();
  });
});
