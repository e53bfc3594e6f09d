/** Stable error codes. Tests and callers match on these, never on messages. */
export type EscalatorErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_NOT_FOUND"
  | "DURATION_INVALID"
  | "CHECK_FAILED"
  | "ACTION_FAILED"
  | "PLUGIN_FAILED"
  | "STORE_FAILED"
  | "TARGETS_FAILED"
  | "DAEMON_RUNNING"
  | "USAGE";

export class EscalatorError extends Error {
  readonly code: EscalatorErrorCode;
  constructor(code: EscalatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EscalatorError";
    this.code = code;
  }
}

/** A problem found in a config file, pointing at the offending place. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export class ConfigError extends EscalatorError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super("CONFIG_INVALID", problems.map(formatConfigProblem).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export function formatConfigProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.message}`;
}

/** Wraps an error thrown by a plugin (check kind, action kind) so it names the plugin. */
export function wrapPluginError(plugin: string, error: unknown): EscalatorError {
  const message = error instanceof Error ? error.message : String(error);
  return new EscalatorError("PLUGIN_FAILED", `${plugin}: ${message}`, { cause: error });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
