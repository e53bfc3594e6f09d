import type { Formatter } from "../types.js";
import type { FormatterOptions } from "./types.js";

/** Cucumber Messages as NDJSON: one envelope per line, exactly as received. */
export function createMessageFormatter(options: FormatterOptions): Formatter {
  return {
    onMessage(envelope) {
      options.write(`${JSON.stringify(envelope)}\n`);
    },
  };
}
