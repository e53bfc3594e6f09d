import { describe, expect, it } from "vitest";
import { formatConfigProblem } from "../util/errors.js";
import { parseConfigText } from "./load-config.js";

const BASE = ["environment: shop", "levels:", "  - name: fix", "    run: [./fix.sh]"];

function parse(...lines: string[]) {
  return parseConfigText(`${[...BASE, ...lines].join("\n")}\n`, "escalator.yaml");
}

function problemsOf(...lines: string[]): string[] {
  const result = parse(...lines);
  expect(result.config).toBeUndefined();
  return result.problems.map(formatConfigProblem);
}

describe("repo: in escalator.yaml", () => {
  it("is optional, and takes a root and a public URL", () => {
    expect(parse().config?.repo).toBeUndefined();
    expect(parse("repo: { root: yum, url: 'http://yum.example:8471' }").config?.repo).toEqual({
      root: "yum",
      url: "http://yum.example:8471",
    });
  });

  it("says what it expects when the value is wrong", () => {
    expect(problemsOf("repo: /srv/yumtags")).toEqual([
      'escalator.yaml:5:7 repo: expected {root: PATH, url?: URL}, e.g. repo: { root: /srv/yumtags } (got "/srv/yumtags")',
    ]);
    expect(problemsOf("repo: { url: 'http://yum:8471' }")).toEqual([
      expect.stringMatching(/^escalator\.yaml:5:\d+ repo\.root: /),
    ]);
    expect(problemsOf("repo: { root: '' }")).toEqual([
      expect.stringMatching(/repo\.root: must not be empty/),
    ]);
    expect(problemsOf("repo: { root: yum, url: 'yum.example:8471' }")).toEqual([
      expect.stringMatching(
        /repo\.url: "yum\.example:8471": expected the http\(s\) base URL `escalator repo serve` is reached at/,
      ),
    ]);
    expect(problemsOf("repo: { root: yum, rot: x }")).toEqual([
      expect.stringMatching(/repo\.rot: unknown key "rot"/),
    ]);
  });
});
