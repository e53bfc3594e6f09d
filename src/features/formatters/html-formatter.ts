import { once } from "node:events";
import { CucumberHtmlStream } from "@cucumber/html-formatter";
import type { Formatter } from "../types.js";
import type { FormatterOptions } from "./types.js";

/**
 * Cucumber's own HTML report: one self-contained file, with the package's CSS, script and icon
 * inlined and the envelopes embedded, rendered in the browser by Cucumber's React components.
 */
export function createHtmlFormatter(options: FormatterOptions): Formatter {
  const stream = new CucumberHtmlStream();
  let failure: unknown;
  stream.on("data", (chunk: string | Buffer) => options.write(chunk.toString()));
  stream.on("error", (error) => {
    failure ??= error;
  });
  return {
    onMessage(envelope) {
      if (failure === undefined) stream.write(envelope);
    },
    async finish() {
      if (failure === undefined) {
        const ended = once(stream, "end");
        stream.end();
        await ended;
      }
      if (failure !== undefined) throw failure;
    },
  };
}
