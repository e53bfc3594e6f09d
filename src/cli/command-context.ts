import type { Command } from "commander";
import { loadConfig, type ResolvedConfig } from "../config/load-config.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/types.js";
import { createOutput, type Output } from "./output.js";

export interface GlobalOptions {
  config: string;
  json: boolean;
}

/** Options shared by every command, read from the root program. */
export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<{ config?: string; json?: boolean }>();
  return { config: options.config ?? "escalator.yaml", json: options.json ?? false };
}

export function outputFor(command: Command): Output {
  return createOutput({ json: globalOptions(command).json });
}

export function configFor(command: Command): ResolvedConfig {
  return loadConfig(globalOptions(command).config);
}

export async function withStore<T>(config: ResolvedConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config.storeUrl, { baseDir: config.dir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Exit codes, as documented in the README: 0 ok, 1 a failure the command reports, 2 usage or config error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
