import type { HttpWorld } from "./http-world.js";

/** A step body as cucumber-js calls it: the matched parameters, then a doc string or data table. */
// biome-ignore lint/suspicious/noExplicitAny: step arguments are whatever the expression matched.
export type StepBody = (this: HttpWorld, ...args: any[]) => unknown;

/**
 * The part of the step registry the built-in steps need. The cucumber-js shaped `Given`,
 * `When` and `Then` satisfy it, so the built-ins register exactly as user step files do.
 */
export interface StepDefiner {
  Given(pattern: string, fn: StepBody): void;
  When(pattern: string, fn: StepBody): void;
  Then(pattern: string, fn: StepBody): void;
}

/** The part of a cucumber-js `DataTable` the built-in steps read: its cells, row by row. */
export interface StepTable {
  raw(): string[][];
}
