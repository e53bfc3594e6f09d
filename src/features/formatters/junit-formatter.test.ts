import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Envelope } from "@cucumber/messages";
import { describe, expect, it } from "vitest";
import { createJunitFormatter } from "./junit-formatter.js";
import { xmlCdata } from "./xml-text.js";

const kit = dirname(createRequire(import.meta.url).resolve("@cucumber/compatibility-kit/package.json"));
function sample(name: string): Envelope[] {
  const text = readFileSync(join(kit, "features", name, `${name}.ndjson`), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Envelope);
}

async function junit(envelopes: readonly Envelope[]): Promise<string> {
  let out = "";
  const formatter = createJunitFormatter({ write: (text) => (out += text) });
  for (const envelope of envelopes) formatter.onMessage?.(envelope);
  await formatter.finish?.();
  return out;
}

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.-]*/;

/** A strict, small XML reader: throws on anything not well-formed (enough for JUnit files). */
function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const decode = (raw: string): string => {
    if (raw.includes("<")) fail("raw < in text");
    return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(";")) return fail(`bare & (${whole})`);
      if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
      if (ref.startsWith("#")) return String.fromCodePoint(Number(ref.slice(1)));
      return ENTITIES[ref] ?? fail(`unknown entity &${ref};`);
    });
  };
  if (xml.startsWith("<?xml")) i = xml.indexOf("?>") + 2;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = lt < 0 ? xml.slice(i) : xml.slice(i, lt);
    if (stack.length === 0 && text.trim() !== "") fail("text outside the root");
    const top = stack.at(-1);
    if (top) top.text += decode(text);
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith("<![CDATA[", i)) {
      const end = xml.indexOf("]]>", i);
      if (end < 0 || !top) fail("unterminated CDATA");
      if (top) top.text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith("</", i)) {
      const name = NAME.exec(xml.slice(i + 2))?.[0] ?? fail("bad end tag");
      if (stack.pop()?.name !== name) fail(`mismatched </${name}>`);
      i += 2 + name.length;
      if (xml[i] !== ">") fail("bad end tag");
      i++;
    } else {
      const name = NAME.exec(xml.slice(i + 1))?.[0] ?? fail("bad start tag");
      i += 1 + name.length;
      const element: XmlElement = { name, attributes: {}, children: [], text: "" };
      for (;;) {
        const space = /^\s*/.exec(xml.slice(i))?.[0].length ?? 0;
        i += space;
        if (xml.startsWith("/>", i) || xml[i] === ">") break;
        if (space === 0) fail("no space before attribute");
        const attr = NAME.exec(xml.slice(i))?.[0] ?? fail("bad attribute name");
        i += attr.length;
        if (xml[i] !== "=" || xml[i + 1] !== '"') fail("attribute without a quoted value");
        const end = xml.indexOf('"', i + 2);
        if (end < 0) fail("unterminated attribute");
        if (attr in element.attributes) fail(`duplicate attribute ${attr}`);
        element.attributes[attr] = decode(xml.slice(i + 2, end));
        i = end + 1;
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) fail("second root element");
      else root = element;
      if (xml.startsWith("/>", i)) i += 2;
      else {
        i++;
        stack.push(element);
      }
    }
  }
  if (stack.length > 0 || !root) fail("unclosed elements");
  return root as XmlElement;
}

describe("createJunitFormatter", () => {
  it("all-statuses: one testcase per scenario and the right counts on the suite", async () => {
    const suite = parseXml(await junit(sample("all-statuses")));
    expect(suite.name).toBe("testsuite");
    expect(suite.attributes).toMatchObject({
      tests: "6",
      failures: "2",
      skipped: "3",
      errors: "0",
      time: "0.049",
    });
    const cases = suite.children;
    expect(cases.map((c) => c.attributes.name)).toEqual([
      "Passing",
      "Failing",
      "Pending",
      "Skipped",
      "Undefined",
      "Ambiguous",
    ]);
    expect(cases.every((c) => c.attributes.classname === "All statuses")).toBe(true);
    const failing = cases[1];
    expect(failing?.children[0]).toMatchObject({
      name: "failure",
      attributes: { type: "Failure", message: "whoops" },
      text: "whoops",
    });
    expect(cases[5]?.children[0]?.name).toBe("failure");
    expect(cases[2]?.children[0]).toMatchObject({
      name: "skipped",
      attributes: { message: "pending: Pending" },
    });
    expect(cases[4]?.children[0]?.attributes.message).toMatch(/^undefined step/);
    expect(cases[3]?.children[0]).toMatchObject({ name: "skipped", attributes: { message: "skipped" } });
    expect(cases[0]?.children.map((c) => c.name)).toEqual(["system-out"]);
    expect(cases[0]?.attributes.time).toMatch(/^\d+\.\d{3}$/);
  });

  it("examples-tables: outline rows get unique names; rules prefix the scenario name", async () => {
    const suite = parseXml(await junit(sample("examples-tables")));
    const names = suite.children.map((c) => c.attributes.name ?? "");
    expect(new Set(names).size).toBe(names.length);
    expect(suite.attributes).toMatchObject({ tests: "7", failures: "2", skipped: "0" });
    const rules = parseXml(await junit(sample("rules")));
    expect(rules.children.every((c) => / - /.test(c.attributes.name ?? ""))).toBe(true);
  });

  it("failedish-combinations, undefined, pending, skipped, ambiguous parse and count", async () => {
    const expected: [string, number, number, number][] = [
      ["failedish-combinations", 9, 6, 3],
      ["undefined", 4, 0, 4],
      ["pending", 3, 0, 3],
      ["skipped", 2, 0, 2],
      ["ambiguous", 1, 1, 0],
      ["retry", 4, 1, 0],
    ];
    for (const [name, tests, failures, skipped] of expected) {
      const suite = parseXml(await junit(sample(name)));
      expect(suite.attributes, name).toMatchObject({
        tests: `${tests}`,
        failures: `${failures}`,
        skipped: `${skipped}`,
      });
      expect(suite.children, name).toHaveLength(tests);
    }
  });

  it("escapes markup in names and messages, and splits ]]> in CDATA", async () => {
    const envelopes = sample("all-statuses").map((envelope): Envelope => {
      const text = JSON.stringify(envelope)
        .replaceAll("All statuses", `All <statuses> & \\"quotes\\"`)
        .replaceAll('"message":"whoops"', '"message":"bad <b>&amp; ]]> end\\u0001"');
      return JSON.parse(text) as Envelope;
    });
    const xml = await junit(envelopes);
    const suite = parseXml(xml);
    expect(suite.children[0]?.attributes.classname).toBe(`All <statuses> & "quotes"`);
    const failure = suite.children[1]?.children[0];
    expect(failure?.attributes.message).toBe("bad <b>&amp; ]]> end\uFFFD");
    expect(failure?.text).toBe("bad <b>&amp; ]]> end\uFFFD");
    expect(xmlCdata("a]]>b")).toBe("<![CDATA[a]]]]><![CDATA[>b]]>");
  });

  it("writes an empty suite for a run without test cases", async () => {
    const suite = parseXml(await junit([]));
    expect(suite.attributes).toMatchObject({ tests: "0", failures: "0", skipped: "0" });
  });
});
