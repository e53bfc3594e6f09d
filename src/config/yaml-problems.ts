import type { LineCounter, YAMLError } from "yaml";
import type { ConfigProblem } from "../util/errors.js";

const INDENT_HINT = "keys of one mapping must start in the same column";

/** The name of the key that starts at `offset`, for flow (`{a: 1, a: 2}`) and block mappings alike. */
function keyAt(text: string, offset: number): string {
  const match = /^("[^"\n]*"|'[^'\n]*'|[^:,{}[\]\n]+)/.exec(text.slice(offset));
  return (match?.[1] ?? "").trim().replace(/^["']|["']$/g, "");
}

/** Moves past indentation so the column points at the offending text rather than the line start. */
function skipBlanks(text: string, offset: number): number {
  let at = offset;
  while (text[at] === " " || text[at] === "\t") at++;
  return at;
}

/** A message a human can act on, and the offset it is about. */
function describe(error: YAMLError, text: string): { offset: number; message: string } {
  const [start, end] = error.pos;
  const original = error.message.split("\n")[0] ?? error.message;
  switch (error.code) {
    case "DUPLICATE_KEY":
      return {
        offset: start,
        message: `duplicate key "${keyAt(text, start)}"; a key may appear only once in a mapping`,
      };
    case "MULTILINE_IMPLICIT_KEY": {
      // The "key" spans from a value on one line to a key on a later line: that later key is
      // indented deeper than its siblings, so YAML read it as part of the value above.
      const lastLine = text.slice(start, end).lastIndexOf("\n");
      const offset = lastLine < 0 ? start : skipBlanks(text, start + lastLine + 1);
      return {
        offset,
        message: `bad indentation: "${keyAt(text, offset)}" is indented deeper than the key above it; ${INDENT_HINT}`,
      };
    }
    case "BAD_INDENT": {
      const closing = /end with an? ([\]}])/.exec(original)?.[1];
      if (closing) {
        const opening = closing === "]" ? "[" : "{";
        return {
          offset: start,
          message: `missing "${closing}": a "${opening}" opened earlier is still open here`,
        };
      }
      return { offset: skipBlanks(text, start), message: `bad indentation: ${original}; ${INDENT_HINT}` };
    }
    case "TAB_AS_INDENT":
      return { offset: start, message: "a tab is used for indentation; indent with spaces" };
    case "MULTIPLE_DOCS":
      return {
        offset: start,
        message: 'a "---" line starts a second document; an escalator.yaml holds exactly one',
      };
    case "MISSING_CHAR":
      if (/without - indicator/.test(original)) {
        const offset = skipBlanks(text, start);
        return {
          offset,
          message: `bad indentation: "${keyAt(text, offset)}" lines up with neither the key above it nor a "- " list item; ${INDENT_HINT}`,
        };
      }
      return { offset: skipBlanks(text, start), message: original };
    default:
      return { offset: skipBlanks(text, start), message: original };
  }
}

/** Turns YAML syntax errors into file:line:col problems, one per place. */
export function yamlProblems(
  errors: readonly YAMLError[],
  text: string,
  lines: LineCounter,
  file: string,
): ConfigProblem[] {
  // A too-deep key is reported twice by the parser (BLOCK_AS_IMPLICIT_KEY and MULTILINE_IMPLICIT_KEY);
  // the second one carries the useful position.
  const multiline = new Set(errors.filter((e) => e.code === "MULTILINE_IMPLICIT_KEY").map((e) => e.pos[0]));
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.code === "BLOCK_AS_IMPLICIT_KEY" && multiline.has(error.pos[0])) continue;
    const { offset, message } = describe(error, text);
    const { line, col } = lines.linePos(Math.min(offset, text.length));
    const key = `${line}:${col}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line, col, message: `YAML: ${message}` });
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}
