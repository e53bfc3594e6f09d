import type { Envelope } from "@cucumber/messages";

/**
 * The contract between the stages of a scenario run (load → run → format): the runner emits
 * Cucumber Messages envelopes, exactly the stream Cucumber's own tools read, and formatters
 * consume them. Nothing else passes between the stages.
 */
export type MessageSink = (envelope: Envelope) => void;

/** A formatter: optional hooks, like a Vitest reporter. */
export interface Formatter {
  /** Called for every envelope, in order. */
  onMessage?(envelope: Envelope): void;
  /** Called once after the last envelope; writes files, flushes streams. */
  finish?(): Promise<void>;
}

export interface RunFeaturesOptions {
  /** Feature files or folders (folders are searched for *.feature). */
  paths: readonly string[];
  /** A tag expression, e.g. "@smoke and not @wip". */
  tags?: string;
  /** Step definition files; default: features/**\/steps/*.{ts,js,mjs} next to the features. */
  require?: readonly string[];
  /** Base URL for the built-in HTTP steps (`Given the base URL is ...` overrides it). */
  target?: string;
  /** Scenarios run at once; default 1. */
  parallel?: number;
  /** Working directory that relative paths resolve against. */
  cwd: string;
  onMessage: MessageSink;
  /** Aborts the run; remaining steps are skipped. */
  signal?: AbortSignal;
  /** Message ids; default IdGenerator.uuid() from @cucumber/messages (tests pass IdGenerator.incrementing()). */
  newId?: () => string;
  /**
   * Registration functions run before the step files, while the run's registry is current, so
   * `Given`/`When`/`Then` calls inside them register (the built-in HTTP steps use this).
   */
  supportCode?: readonly (() => void | Promise<void>)[];
  /** Extra World parameters, next to `target`. */
  worldParameters?: Record<string, unknown>;
}

export type ScenarioStatus = "PASSED" | "FAILED" | "UNDEFINED" | "PENDING" | "AMBIGUOUS" | "SKIPPED";

/** What a run came to, for exit codes, monitoring and the scenario check kind. */
export interface RunSummary {
  scenarios: Record<ScenarioStatus, number>;
  steps: Record<ScenarioStatus, number>;
  durationMs: number;
  /** Failing, undefined, ambiguous and pending steps, with where they are. */
  problems: {
    status: ScenarioStatus;
    uri: string;
    line: number;
    scenario: string;
    step: string;
    message: string;
  }[];
  /** Gherkin parse errors and support-code load errors, collected, each with file and line. */
  errors: { uri: string; line?: number; message: string }[];
}
