import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { requireTool } from "../../../test/helpers/require-tool.js";
import { compareEvr, parseEvr, rpmvercmp } from "./rpmvercmp.js";

/** Cases from rpm's own test suite, tests/rpmvercmp.at: [a, b, expected]. */
const RPM_CASES = `
1.0 1.0 0|1.0 2.0 -1|2.0 1.0 1|2.0.1 2.0.1 0|2.0 2.0.1 -1|2.0.1 2.0 1|2.0.1a 2.0.1a 0|2.0.1a 2.0.1 1
2.0.1 2.0.1a -1|5.5p1 5.5p1 0|5.5p1 5.5p2 -1|5.5p2 5.5p1 1|5.5p10 5.5p10 0|5.5p1 5.5p10 -1|5.5p10 5.5p1 1
10xyz 10.1xyz -1|10.1xyz 10xyz 1|xyz10 xyz10 0|xyz10 xyz10.1 -1|xyz10.1 xyz10 1|xyz.4 xyz.4 0|xyz.4 8 -1
8 xyz.4 1|xyz.4 2 -1|2 xyz.4 1|5.5p2 5.6p1 -1|5.6p1 5.5p2 1|5.6p1 6.5p1 -1|6.5p1 5.6p1 1|6.0.rc1 6.0 1
6.0 6.0.rc1 -1|10b2 10a1 1|10a2 10b2 -1|1.0aa 1.0aa 0|1.0a 1.0aa -1|1.0aa 1.0a 1|10.0001 10.0001 0
10.0001 10.1 0|10.1 10.0001 0|10.0001 10.0039 -1|10.0039 10.0001 1|4.999.9 5.0 -1|5.0 4.999.9 1
20101121 20101121 0|20101121 20101122 -1|20101122 20101121 1|2_0 2_0 0|2.0 2_0 0|2_0 2.0 0
a a 0|a+ a+ 0|a+ a_ 0|a_ a+ 0|+a +a 0|+a _a 0|_a +a 0|+_ +_ 0|_+ +_ 0|_+ _+ 0|+ _ 0|_ + 0
1.0~rc1 1.0~rc1 0|1.0~rc1 1.0 -1|1.0 1.0~rc1 1|1.0~rc1 1.0~rc2 -1|1.0~rc2 1.0~rc1 1
1.0~rc1~git123 1.0~rc1~git123 0|1.0~rc1~git123 1.0~rc1 -1|1.0~rc1 1.0~rc1~git123 1
1.0^ 1.0^ 0|1.0^ 1.0 1|1.0 1.0^ -1|1.0^git1 1.0^git1 0|1.0^git1 1.0 1|1.0 1.0^git1 -1
1.0^git1 1.0^git2 -1|1.0^git2 1.0^git1 1|1.0^git1 1.01 -1|1.01 1.0^git1 1|1.0^20160101 1.0^20160101 0
1.0^20160101 1.0.1 -1|1.0.1 1.0^20160101 1|1.0^20160101^git1 1.0^20160101^git1 0
1.0^20160102 1.0^20160101^git1 1|1.0^20160101^git1 1.0^20160102 -1|1.0~rc1^git1 1.0~rc1^git1 0
1.0~rc1^git1 1.0~rc1 1|1.0~rc1 1.0~rc1^git1 -1|1.0^git1~pre 1.0^git1~pre 0|1.0^git1 1.0^git1~pre 1
1.0^git1~pre 1.0^git1 -1
`
  .trim()
  .split(/[|\n]/)
  .map((c) => c.trim().split(" ") as [string, string, string]);

describe("rpmvercmp", () => {
  it("has the whole rpm table", () => expect(RPM_CASES.length).toBeGreaterThanOrEqual(90));

  it.each(RPM_CASES)("rpmvercmp(%s, %s) = %s", (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(Number(expected));
  });

  it.each([
    ["1.1.α", "1.1.β", 0], // non-ASCII characters are separators, as in rpm
    ["1b.fc17", "1.fc17", -1], // rpm's documented oddity (RhBug:811992)
    ["1g.fc17", "1.fc17", 1],
    ["~", "", -1],
    ["^", "", 1],
    ["", "", 0],
    ["1~", "1", -1],
    ["1^", "1.0", -1],
  ] as const)("rpmvercmp(%s, %s) = %s (edge case)", (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
  });

  const rpm = requireTool("rpm");
  it.skipIf(!rpm)("agrees with rpm's own rpm.vercmp on 400 random strings", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = "0019aZz.~^_+";
    const word = () =>
      Array.from(
        { length: 1 + Math.floor(random() * 6) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join("");
    const pairs = Array.from({ length: 400 }, () => [word(), word()] as const);
    const lua = pairs.map(([a, b]) => `print(rpm.vercmp("${a}", "${b}") .. "\\n")`).join(" ");
    const out = execFileSync(rpm ?? "rpm", ["--eval", `%{lua: ${lua}}`], { encoding: "utf8" });
    const expected = out.trim().split("\n").map(Number);
    expect(pairs.map(([a, b]) => rpmvercmp(a, b))).toEqual(expected);
  });
});

describe("compareEvr", () => {
  it("compares epoch first, missing epoch is 0", () => {
    expect(compareEvr({ epoch: 1, version: "1.0", release: "1" }, { version: "9.9", release: "9" })).toBe(1);
    expect(compareEvr({ epoch: 0, version: "1.0", release: "1" }, { version: "1.0", release: "1" })).toBe(0);
    expect(compareEvr({ version: "1.0", release: "1" }, { epoch: 2, version: "1.0", release: "1" })).toBe(-1);
  });

  it("then version, then release", () => {
    expect(compareEvr({ version: "1.10", release: "1" }, { version: "1.9", release: "5" })).toBe(1);
    expect(compareEvr({ version: "1.0", release: "2.el9" }, { version: "1.0", release: "10.el9" })).toBe(-1);
    expect(compareEvr({ version: "1.0~rc1", release: "1" }, { version: "1.0", release: "0" })).toBe(-1);
  });

  it("ignores the release when one side has none", () => {
    expect(compareEvr({ version: "1.0" }, { version: "1.0", release: "3" })).toBe(0);
  });

  it("parses stored dependency versions", () => {
    expect(parseEvr("2:1.0-3.fc40")).toEqual({ epoch: 2, version: "1.0", release: "3.fc40" });
    expect(parseEvr("1.0")).toEqual({ epoch: undefined, version: "1.0", release: undefined });
  });
});
