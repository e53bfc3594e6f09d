import type { CheckState } from "../config/schema.js";
import type { PerfDatum } from "./types.js";

export interface NagiosOutput {
  /** The first line, without its perfdata. */
  message: string;
  perfdata: PerfDatum[];
  /** Lines after the first, without perfdata. */
  longOutput: string;
}

const UNITS = new Set(["", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"]);
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const VALUE = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)([A-Za-z%]*)$/;

/**
 * Parses plugin output per the Nagios plugin protocol:
 *
 *     MESSAGE | PERFDATA
 *     LONG OUTPUT LINE
 *     LONG OUTPUT LINE | PERFDATA
 *     PERFDATA
 *
 * Once a later line has a `|`, the rest of that line and every following line is perfdata.
 * Malformed perfdata items are skipped.
 */
export function parseNagiosOutput(text: string): NagiosOutput {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  const [first = "", ...rest] = lines;
  const firstBar = first.indexOf("|");
  const message = (firstBar < 0 ? first : first.slice(0, firstBar)).trim();
  const perfTexts: string[] = firstBar < 0 ? [] : [first.slice(firstBar + 1)];
  const long: string[] = [];
  let inPerfdata = false;
  for (const line of rest) {
    if (inPerfdata) {
      perfTexts.push(line);
      continue;
    }
    const bar = line.indexOf("|");
    if (bar < 0) {
      long.push(line);
    } else {
      long.push(line.slice(0, bar));
      perfTexts.push(line.slice(bar + 1));
      inPerfdata = true;
    }
  }
  const longOutput = long.join("\n").replace(/\s+$/, "");
  return { message, perfdata: perfTexts.flatMap(parsePerfdata), longOutput };
}

/** Parses one perfdata text: space-separated `'label'=value[UOM];[warn];[crit];[min];[max]` items. */
export function parsePerfdata(text: string): PerfDatum[] {
  const data: PerfDatum[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    if (i >= text.length) break;
    let label = "";
    if (text.charAt(i) === "'") {
      const quoteAt = i;
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text.charAt(i);
        if (c === "'" && text.charAt(i + 1) === "'") {
          label += "'";
          i += 2;
        } else if (c === "'") {
          i++;
          closed = true;
          break;
        } else {
          label += c;
          i++;
        }
      }
      if (!closed || text.charAt(i) !== "=") {
        // An unclosed quote must not swallow the items after it.
        i = skipItem(text, closed ? i : quoteAt);
        continue;
      }
    } else {
      const start = i;
      while (i < text.length && text.charAt(i) !== "=" && !/\s/.test(text.charAt(i))) i++;
      label = text.slice(start, i);
      if (text.charAt(i) !== "=") {
        i = skipItem(text, i);
        continue;
      }
    }
    i++; // past "="
    const start = i;
    while (i < text.length && !/\s/.test(text.charAt(i))) i++;
    const datum = parseDatum(label, text.slice(start, i));
    if (datum) data.push(datum);
  }
  return data;
}

function skipItem(text: string, i: number): number {
  let j = i;
  while (j < text.length && !/\s/.test(text.charAt(j))) j++;
  return j;
}

function parseDatum(label: string, spec: string): PerfDatum | undefined {
  if (label === "") return undefined;
  const [valueText = "", warn = "", crit = "", min = "", max = ""] = spec.split(";");
  const match = VALUE.exec(valueText);
  if (!match) return undefined;
  const uom = match[2] ?? "";
  if (!UNITS.has(uom)) return undefined;
  const datum: PerfDatum = { label, value: Number(match[1]), uom };
  if (warn !== "") datum.warn = warn;
  if (crit !== "") datum.crit = crit;
  if (NUMBER.test(min)) datum.min = Number(min);
  if (NUMBER.test(max)) datum.max = Number(max);
  return datum;
}

/** The Nagios exit-code convention: 0 OK, 1 WARNING, 2 CRITICAL, anything else UNKNOWN. */
export function stateFromExitCode(code: number | null): CheckState {
  switch (code) {
    case 0:
      return "OK";
    case 1:
      return "WARNING";
    case 2:
      return "CRITICAL";
    default:
      return "UNKNOWN";
  }
}
