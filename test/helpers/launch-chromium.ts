import { type Browser, chromium } from "playwright-core";
import { findTool, requireTool } from "./require-tool.js";

/**
 * Flags Debian's Chromium needs on this machine: no sandbox (we run as root in a container), no
 * GPU, and no background networking of its own (component updates, sync, QUIC…), whose
 * connections the closed network refuses.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Whether Chromium (Debian package `chromium`) is installed, by the project's requireTool rule:
 * under CI=true a missing browser throws; elsewhere this warns and returns false so the test skips.
 */
export function hasChromium(): boolean {
  return requireTool("chromium") !== undefined;
}

/** Launches headless Chromium (/usr/bin/chromium) through playwright-core. Close it when done. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findTool("chromium") ?? "/usr/bin/chromium";
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
