import { describe, expect, it } from "vitest";
import { canonicalNevra, checkIdentity } from "./package-identity.js";

const good = { name: "gcc-c++", version: "1.0~rc1^git2.g1", release: "3.el9_2", arch: "x86_64" };

describe("package identities", () => {
  it("accepts what rpmbuild produces", () => {
    for (const identity of [
      good,
      { name: "python3.11-pip", version: "23.1", release: "1", arch: "noarch" },
      { name: "_underscore", version: "0", release: "0.1.fc40", arch: "src" },
      { name: "libstdc++", version: "13.2.1", release: "4", arch: "aarch64" },
    ]) {
      expect(() => checkIdentity(identity), JSON.stringify(identity)).not.toThrow();
    }
    expect(canonicalNevra({ ...good, epoch: 0 })).toBe("gcc-c++-1.0~rc1^git2.g1-3.el9_2.x86_64");
  });

  it("refuses characters that would make an href unreachable, naming the field and the character", () => {
    const cases: [Partial<typeof good>, RegExp][] = [
      [{ name: "a/b" }, /package name "a\/b" has the character "\/" \(at position 2\)/],
      [{ name: "a\\b" }, /package name .* has the character "\\"/],
      [{ name: "a b" }, /package name "a b" has the character U\+0020/],
      [{ name: "tab\there" }, /package name .* has the character U\+0009/],
      [{ name: "nul\0" }, /package name .* has the character U\+0000/],
      [{ name: "del\x7f" }, /package name .* has the character U\+007F/],
      [{ name: "100%" }, /package name "100%" has the character "%"/],
      [{ name: "what?" }, /package name .* has the character "\?"/],
      [{ name: "frag#1" }, /package name .* has the character "#"/],
      [{ name: "{macro}" }, /package name .* has the character "\{"/],
      [{ name: ".hidden" }, /package name ".hidden" starts with "\."/],
      [{ name: "-opt" }, /package name "-opt" starts with "-"/],
      [{ name: "é" }, /package name "é" has the character "é"/],
      [{ version: "1-2" }, /package version "1-2" has the character "-"/],
      [{ version: ".." }, /package version "\.\." starts with "\."/],
      [{ release: "1..2" }, /package release "1\.\.2" contains "\.\."/],
      [{ release: "" }, /package release "" is empty/],
      [{ arch: "x86/64" }, /package arch "x86\/64" has the character "\/"/],
      [{ arch: "." }, /package arch "\." starts with "\."/],
    ];
    for (const [change, message] of cases) {
      const identity = { ...good, ...change };
      expect(() => checkIdentity(identity), JSON.stringify(change)).toThrow(
        expect.objectContaining({ code: "INVALID_PACKAGE", message: expect.stringMatching(message) }),
      );
    }
    expect(() => checkIdentity({ ...good, name: "a/b" })).toThrow(
      /rpm allows letters, digits and \. _ \+ - in a name/,
    );
  });
});
