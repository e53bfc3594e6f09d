import { styleText } from "node:util";

/** The CLI's only way to write: tables and colours on a TTY, JSON with --json. */
export interface Output {
  json: boolean;
  tty: boolean;
  line(text?: string): void;
  error(text: string): void;
  data(value: unknown): void;
  table(headers: string[], rows: string[][]): void;
  color(style: Parameters<typeof styleText>[0], text: string): string;
}

export function createOutput(options: {
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const tty = Boolean(stdout.isTTY) && !process.env.NO_COLOR;
  return {
    json: options.json,
    tty,
    line: (text = "") => stdout.write(`${text}\n`),
    error: (text) => stderr.write(`${text}\n`),
    data: (value) => stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    table(headers, rows) {
      const widths = headers.map((h, i) =>
        Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))),
      );
      const format = (cells: string[]) =>
        cells
          .map((cell, i) =>
            i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - visibleLength(cell)),
          )
          .join("  ")
          .trimEnd();
      stdout.write(`${tty ? styleText("bold", format(headers)) : format(headers)}\n`);
      for (const row of rows) stdout.write(`${format(row)}\n`);
    },
    color: (style, text) => (tty ? styleText(style, text) : text),
  };
}

function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}

/** Colour of a check state or engine state, for humans. */
export function stateStyle(state: string): Parameters<typeof styleText>[0] {
  switch (state) {
    case "OK":
    case "converged":
    case "succeeded":
      return "green";
    case "WARNING":
    case "quiescing":
    case "verifying":
    case "backoff":
    case "dry-run":
    case "interrupted":
      return "yellow";
    case "escalating":
      return "cyan";
    default:
      return "red";
  }
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}
