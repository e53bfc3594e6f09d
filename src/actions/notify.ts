import type { Logger } from "pino";
import type { NotifyConfig } from "../config/schema.js";
import { formatDuration } from "../util/duration.js";
import { errorMessage } from "../util/errors.js";
import { runProcess } from "../util/run-process.js";
import { postJson } from "./post-json.js";
import type { Notification, NotifyOutcome } from "./types.js";

export interface NotifyOptions {
  /** Folder of the config file: relative argv[0] resolves against it. */
  cwd: string;
  logger?: Logger;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Pages humans through every channel at once. A failing channel never stops the others;
 * each outcome says how its channel fared. Never throws.
 */
export async function notify(
  channels: readonly NotifyConfig[],
  notification: Notification,
  options: NotifyOptions,
): Promise<NotifyOutcome[]> {
  return Promise.all(
    channels.map(async (channel, index) => {
      const name = channelName(channel, index);
      let outcome: NotifyOutcome;
      try {
        outcome = await sendTo(channel, name, notification, options);
      } catch (error) {
        outcome = { channel: name, ok: false, error: `notify channel ${name}: ${errorMessage(error)}` };
      }
      if (!outcome.ok) options.logger?.warn({ channel: name, error: outcome.error }, "notify channel failed");
      return outcome;
    }),
  );
}

async function sendTo(
  channel: NotifyConfig,
  name: string,
  notification: Notification,
  options: NotifyOptions,
): Promise<NotifyOutcome> {
  if ("command" in channel) {
    const timeoutMs = channel.timeout ?? DEFAULT_TIMEOUT_MS;
    // argv is used as written: notification text reaches the program only through the environment.
    const outcome = await runProcess(
      { argv: channel.command },
      {
        cwd: options.cwd,
        env: {
          ...channel.env,
          ESCALATOR_ENVIRONMENT: notification.environment,
          ESCALATOR_SEVERITY: notification.severity,
          ESCALATOR_SUMMARY: notification.summary,
          ESCALATOR_ESCALATION_ID: notification.escalationId ?? "",
          ESCALATOR_NOTIFICATION: JSON.stringify(notification),
        },
        timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        outputLimit: 4096,
      },
    );
    if (outcome.exitCode === 0) return { channel: name, ok: true };
    const why = outcome.spawnError
      ? outcome.spawnError
      : outcome.timedOut
        ? `timed out after ${formatDuration(timeoutMs)}`
        : outcome.aborted
          ? "aborted"
          : outcome.exitCode === null
            ? `killed by ${outcome.signal ?? "a signal"}`
            : `exit ${outcome.exitCode}${lastLine(outcome.output)}`;
    return { channel: name, ok: false, error: why };
  }

  const { url, headers, timeout } = channel.webhook;
  const outcome = await postJson(url, notification, {
    timeoutMs: timeout ?? DEFAULT_TIMEOUT_MS,
    ...(headers ? { headers } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    bodyLimit: 4096,
  });
  if (outcome.error) return { channel: name, ok: false, error: outcome.error };
  if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300)
    return { channel: name, ok: true };
  return { channel: name, ok: false, error: `HTTP ${outcome.status}${lastLine(outcome.body)}` };
}

/** A name for logs and outcomes; a webhook's query string may hold a token, so it is left out. */
function channelName(channel: NotifyConfig, index: number): string {
  if ("command" in channel) return `#${index + 1} command ${channel.command[0] ?? ""}`;
  const url = URL.canParse(channel.webhook.url) ? new URL(channel.webhook.url) : undefined;
  return `#${index + 1} webhook ${url ? `${url.origin}${url.pathname}` : "(invalid URL)"}`;
}

function lastLine(text: string): string {
  const line = text.trim().split("\n").pop() ?? "";
  return line === "" ? "" : `: ${line.slice(0, 200)}`;
}
