import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/** JSON lines for machines; readable lines when stdout is a terminal. */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const level = options.level ?? process.env.ESCALATOR_LOG_LEVEL ?? "info";
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
  if (!usePretty) return pino({ level, base: { pid: process.pid } });
  return pino(
    { level },
    pretty({
      colorize: true,
      sync: true,
      singleLine: true,
      translateTime: "SYS:HH:MM:ss",
      ignore: "pid,hostname",
    }),
  );
}
