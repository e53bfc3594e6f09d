import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { EscalatorError, wrapPluginError } from "../../util/errors.js";
import type { Formatter } from "../types.js";
import { createHtmlFormatter } from "./html-formatter.js";
import { createJunitFormatter } from "./junit-formatter.js";
import { createMessageFormatter } from "./message-formatter.js";
import { createPrettyFormatter } from "./pretty-formatter.js";
import { createProgressFormatter } from "./progress-formatter.js";
import type { FormatterOptions } from "./types.js";

/** The built-in formatters, by the name `--format` takes. */
export const FORMATTERS: Readonly<Record<string, (options: FormatterOptions) => Formatter>> = Object.freeze({
  pretty: createPrettyFormatter,
  progress: createProgressFormatter,
  junit: createJunitFormatter,
  message: createMessageFormatter,
  html: createHtmlFormatter,
});

export interface CreateFormatterOptions {
  stdout: { write(text: string): unknown };
  /** What a relative FILE resolves against. */
  cwd: string;
  /** Colour on stdout; files never get colour. */
  color?: boolean;
}

/**
 * Makes a formatter from a `--format` value, "name" or "name:FILE". Output to a file appears
 * whole or not at all: it is written to a temporary file beside it and renamed in `finish`.
 * Errors from the formatter name it.
 */
export function createFormatter(spec: string, options: CreateFormatterOptions): Formatter {
  const colon = spec.indexOf(":");
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const file = colon < 0 ? "" : spec.slice(colon + 1);
  const create = Object.hasOwn(FORMATTERS, name) ? FORMATTERS[name] : undefined;
  if (!create) {
    throw new EscalatorError(
      "USAGE",
      `unknown format "${name}"; valid formats: ${Object.keys(FORMATTERS).join(", ")}`,
    );
  }
  if (colon >= 0 && file === "")
    throw new EscalatorError("USAGE", `--format ${name}: missing file name after ":"`);
  const label = `formatter ${name}`;
  if (file === "") {
    return guarded(
      label,
      create({ write: (text) => void options.stdout.write(text), color: options.color ?? false }),
    );
  }
  const target = resolve(options.cwd, file);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(target), { recursive: true });
    fd = openSync(temporary, "w");
  } catch (error) {
    throw new EscalatorError(
      "USAGE",
      `--format ${spec}: cannot write ${target}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const handle = fd;
  const inner = create({ write: (text) => void writeSync(handle, text), color: false });
  return guarded(label, {
    onMessage: inner.onMessage?.bind(inner),
    async finish() {
      try {
        await inner.finish?.();
        closeSync(handle);
        renameSync(temporary, target);
      } catch (error) {
        try {
          closeSync(handle);
        } catch {
          // Already closed.
        }
        rmSync(temporary, { force: true });
        throw error;
      }
    },
  });
}

function guarded(label: string, formatter: Formatter): Formatter {
  const { onMessage, finish } = formatter;
  return {
    ...(onMessage
      ? {
          onMessage(envelope) {
            try {
              onMessage.call(formatter, envelope);
            } catch (error) {
              throw wrapPluginError(label, error);
            }
          },
        }
      : {}),
    async finish() {
      try {
        await finish?.call(formatter);
      } catch (error) {
        throw wrapPluginError(label, error);
      }
    },
  };
}
