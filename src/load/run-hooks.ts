import path from "node:path";
import type { LoadError } from "../features/load-features.js";
import { DEFAULT_STEP_TIMEOUT_MS, type LoadedJourneys } from "./journeys.js";

/** Awaits a hook, failing it after `ms`. */
async function withTimeout(run: () => unknown, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(run),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The BeforeAll or AfterAll hooks, as `escalator test` runs them (AfterAll in reverse order), each
 * within its timeout. They run once per worker: with --workers N, N times.
 */
export async function runRunHooks(
  journeys: LoadedJourneys,
  kind: "beforeAll" | "afterAll",
): Promise<LoadError[]> {
  const errors: LoadError[] = [];
  const hooks = journeys.registry.hooks(kind);
  const name = kind === "beforeAll" ? "BeforeAll" : "AfterAll";
  for (const hook of kind === "afterAll" ? hooks.reverse() : hooks) {
    try {
      await withTimeout(() => hook.fn.apply({}, []), hook.options.timeout ?? DEFAULT_STEP_TIMEOUT_MS);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A location that is not a file path (tsx's data: URLs can defeat the stack parsing) is left out.
      const at = hook.location && path.isAbsolute(hook.location.file) ? hook.location : undefined;
      errors.push({
        uri: at?.file ?? "(support code)",
        ...(at?.line ? { line: at.line } : {}),
        message: `${name} hook failed: ${message}`,
      });
    }
  }
  return errors;
}
