import type { Logger } from "pino";
import { notify } from "../actions/notify.js";
import type { Notification } from "../actions/types.js";
import type { ResolvedConfig } from "../config/load-config.js";
import type { Store } from "../store/types.js";
import type { Clock } from "../util/clock.js";
import type { EngineEvents } from "./engine-events.js";
import { enrichPage } from "./page-enricher.js";
import type { FailingCheck } from "./types.js";

/** Pages every notify channel with the full story, and records that it did. */
export async function page(
  context: {
    store: Store;
    config: ResolvedConfig;
    logger: Logger;
    clock: Clock;
    events: EngineEvents;
    publicUrl: string;
    /** The engine's state and failing checks now, for pages that did not say. */
    snapshot?: () => { state: string; failing: FailingCheck[] };
  },
  notification: Notification,
): Promise<void> {
  const { store, config, logger, clock } = context;
  const full = await enrichPage(notification, {
    store,
    publicUrl: context.publicUrl,
    configFile: config.file,
    ...(context.snapshot ? { snapshot: context.snapshot } : {}),
  });
  const outcomes = await notify(config.notify, full, { cwd: config.dir, logger });
  if (config.notify.length === 0)
    logger.error({ summary: full.summary }, "no notify channel is configured; nobody was paged");
  context.events.emit("page", clock.now(), { summary: full.summary, outcomes });
  await store.recordNotification({
    environment: config.environment,
    escalationId: full.escalationId ?? null,
    at: clock.now(),
    summary: full.summary,
    outcomes: JSON.stringify(outcomes),
  });
}
