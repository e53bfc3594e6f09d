#!/usr/bin/env node
import { loadCommandRan } from "./load-command.js";
import { main } from "./main.js";

// `escalator status | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

/** Exits once what was written to stdout and stderr is flushed. */
function exitWhenFlushed(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A load test's journeys may hang on past the end grace (a step that never settles, its timers
    // or sockets): once its summary is out, nothing is left to wait for.
    if (loadCommandRan()) exitWhenFlushed(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `escalator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
