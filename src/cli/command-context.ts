import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { ResolvedConfig } from "../config/load-config.js";
import type { Store } from "../store/types.js";
import { createOutput, type Output } from "./output.js";

// The config loader and the store (zod, yaml, kysely, SQLite, pg) are imported when a command
// needs them, so `--version`, `--help` and the commands that use neither start fast.

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

/** Loads a config file (throws ConfigError with every problem). */
export async function loadConfigFile(file: string): Promise<ResolvedConfig> {
  const { loadConfig } = await import("../config/load-config.js");
  return loadConfig(file);
}

export async function configFor(command: Command): Promise<ResolvedConfig> {
  return loadConfigFile(globalOptions(command).config);
}

export async function withStore<T>(config: ResolvedConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import("../store/open-store.js");
  const store = await openStore(config.storeUrl, { baseDir: config.dir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Exit codes, as documented in the README: 0 ok, 1 a failure the command reports, 2 usage or config error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The config file, when one was given with -c or ./escalator.yaml exists. */
export async function optionalConfig(command: Command): Promise<ResolvedConfig | undefined> {
  const file = globalOptions(command).config;
  const given = command.parent?.getOptionValueSource("config") === "cli";
  if (!given && !existsSync(file)) return undefined;
  return loadConfigFile(file);
}
