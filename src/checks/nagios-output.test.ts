import { describe, expect, it } from "vitest";
import { parseNagiosOutput, parsePerfdata, stateFromExitCode } from "./nagios-output.js";
import type { PerfDatum } from "./types.js";

describe("parseNagiosOutput", () => {
  const cases: { name: string; text: string; message: string; perfdata: PerfDatum[]; longOutput: string }[] =
    [
      { name: "empty output", text: "", message: "", perfdata: [], longOutput: "" },
      { name: "message only", text: "DISK OK\n", message: "DISK OK", perfdata: [], longOutput: "" },
      {
        name: "message with perfdata",
        text: "TCP OK - 0.001 second response time on 127.0.0.1 port 80|time=0.000763s;;;0.000000;10.000000\n",
        message: "TCP OK - 0.001 second response time on 127.0.0.1 port 80",
        perfdata: [{ label: "time", value: 0.000763, uom: "s", min: 0, max: 10 }],
        longOutput: "",
      },
      {
        name: "check_http style, two items",
        text: "HTTP OK: HTTP/1.0 200 OK - 1094 bytes |time=0.001000s;;;0.000000;10.000000 size=1094B;;;0;\n",
        message: "HTTP OK: HTTP/1.0 200 OK - 1094 bytes",
        perfdata: [
          { label: "time", value: 0.001, uom: "s", min: 0, max: 10 },
          { label: "size", value: 1094, uom: "B", min: 0 },
        ],
        longOutput: "",
      },
      {
        name: "long output without perfdata",
        text: "WARNING - 2 of 5 down\nnode-a down\nnode-b down\n",
        message: "WARNING - 2 of 5 down",
        perfdata: [],
        longOutput: "node-a down\nnode-b down",
      },
      {
        name: "the protocol's full example: perfdata on first, later and following lines",
        text: [
          "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968",
          "/ 15272 MB (77%);",
          "/boot 68 MB (69%);",
          "/home 69357 MB (27%);",
          "/var/log 819 MB (84%); | /boot=68MB;88;93;0;98",
          "/home=69357MB;253404;253409;0;253414",
          "/var/log=818MB;970;975;0;980",
        ].join("\n"),
        message: "DISK OK - free space: / 3326 MB (56%);",
        perfdata: [
          { label: "/", value: 2643, uom: "MB", warn: "5948", crit: "5958", min: 0, max: 5968 },
          { label: "/boot", value: 68, uom: "MB", warn: "88", crit: "93", min: 0, max: 98 },
          { label: "/home", value: 69357, uom: "MB", warn: "253404", crit: "253409", min: 0, max: 253414 },
          { label: "/var/log", value: 818, uom: "MB", warn: "970", crit: "975", min: 0, max: 980 },
        ],
        longOutput: "/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);\n/var/log 819 MB (84%);",
      },
      {
        name: "CRLF line endings",
        text: "OK - fine|load=0.5;1;2\r\nsecond line\r\n",
        message: "OK - fine",
        perfdata: [{ label: "load", value: 0.5, uom: "", warn: "1", crit: "2" }],
        longOutput: "second line",
      },
    ];

  it.each(cases)("$name", ({ text, message, perfdata, longOutput }) => {
    expect(parseNagiosOutput(text)).toEqual({ message, perfdata, longOutput });
  });
});

describe("parsePerfdata", () => {
  const cases: { name: string; text: string; expected: PerfDatum[] }[] = [
    { name: "bare value", text: "users=3", expected: [{ label: "users", value: 3, uom: "" }] },
    {
      name: "every field",
      text: "rta=0.5ms;100;500;0;1000",
      expected: [{ label: "rta", value: 0.5, uom: "ms", warn: "100", crit: "500", min: 0, max: 1000 }],
    },
    {
      name: "ranges stay text",
      text: "temp=21.5;@10:20;~:30",
      expected: [{ label: "temp", value: 21.5, uom: "", warn: "@10:20", crit: "~:30" }],
    },
    {
      name: "quoted label with spaces",
      text: "'disk usage'=42%;80;90",
      expected: [{ label: "disk usage", value: 42, uom: "%", warn: "80", crit: "90" }],
    },
    {
      name: "escaped quote in label",
      text: "'it''s here'=1c",
      expected: [{ label: "it's here", value: 1, uom: "c" }],
    },
    {
      name: "every unit",
      text: "a=1s b=1ms c=1us d=1% e=1B f=1KB g=1MB h=1TB i=1c j=1",
      expected: ["s", "ms", "us", "%", "B", "KB", "MB", "TB", "c", ""].map((uom, n) => ({
        label: "abcdefghij".charAt(n),
        value: 1,
        uom,
      })),
    },
    {
      name: "negative and exponent values",
      text: "offset=-0.25s drift=1.5e-3s",
      expected: [
        { label: "offset", value: -0.25, uom: "s" },
        { label: "drift", value: 0.0015, uom: "s" },
      ],
    },
    {
      name: "extra whitespace between items",
      text: "  a=1   b=2  ",
      expected: [
        { label: "a", value: 1, uom: "" },
        { label: "b", value: 2, uom: "" },
      ],
    },
    {
      name: "malformed items are skipped, good ones kept",
      text: "novalue= x=abc y=1furlongs =5 garbage 'unclosed=1 ok=7",
      expected: [{ label: "ok", value: 7, uom: "" }],
    },
    {
      name: "U (undetermined) value is skipped",
      text: "rta=U;100;500 pl=0%",
      expected: [{ label: "pl", value: 0, uom: "%" }],
    },
    {
      name: "non-numeric min/max are omitted",
      text: "size=10B;;;zero;lots",
      expected: [{ label: "size", value: 10, uom: "B" }],
    },
    { name: "empty text", text: "", expected: [] },
  ];

  it.each(cases)("$name", ({ text, expected }) => {
    expect(parsePerfdata(text)).toEqual(expected);
  });
});

describe("stateFromExitCode", () => {
  it.each([
    [0, "OK"],
    [1, "WARNING"],
    [2, "CRITICAL"],
    [3, "UNKNOWN"],
    [4, "UNKNOWN"],
    [127, "UNKNOWN"],
    [-1, "UNKNOWN"],
    [null, "UNKNOWN"],
  ] as const)("exit %s is %s", (code, state) => {
    expect(stateFromExitCode(code)).toBe(state);
  });
});
