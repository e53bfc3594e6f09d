import type { ResolvedConfig } from "../config/load-config.js";
import type { Store } from "../store/types.js";
import type { Clock } from "../util/clock.js";
import { routeAlert } from "./alert-routing.js";
import type { Controller } from "./controller.js";
import { recordAlert } from "./engine-control.js";
import type { MaintenanceGate } from "./maintenance-gate.js";
import type { Observations } from "./observations.js";
import type { Silences } from "./silences.js";

/** Applies what the CLI wrote to the store while talking to no daemon: acks, pauses, silences. */
export async function pollControls(context: {
  store: Store;
  environment: string;
  clock: Clock;
  gate: MaintenanceGate;
  silences: Silences;
  controller(): Controller | undefined;
  /** The pause as last read from the store (JSON), shared between polls. */
  lastPause: { value: string };
}): Promise<void> {
  const { store, environment, clock } = context;
  for (const ack of await store.consumeAcks(environment, clock.now()))
    context.controller()?.ack(ack.by, ack.note);
  // Only a change in the store moves the gate, so a stale read cannot undo a pause the API just set.
  const pause = JSON.stringify((await store.getPause(environment)) ?? null);
  if (pause !== context.lastPause.value) {
    context.lastPause.value = pause;
    context.gate.setPause(JSON.parse(pause) ?? undefined);
    context.controller()?.wake();
  }
  await context.silences.refresh(clock.now());
}

/** Alerts firing when the daemon stopped are firing still, until Alertmanager resolves them. */
export async function restoreFiringAlerts(context: {
  config: ResolvedConfig;
  store: Store;
  observations: Observations;
  clock: Clock;
  targets(): Record<string, readonly string[]>;
  controller(): Controller | undefined;
}): Promise<void> {
  const { config } = context;
  for (const alert of await context.store.listFiringAlerts(config.environment)) {
    const routed = routeAlert(
      {
        fingerprint: alert.fingerprint,
        status: "firing",
        labels: JSON.parse(alert.labels) as Record<string, string>,
        annotations: { summary: alert.summary.replace(/^FIRING - /, "") },
        startsAt: alert.startsAt,
        endsAt: "",
      },
      config.alerts,
      config.levels,
      context.targets(),
    );
    if (!("ignored" in routed)) recordAlert(context, routed);
  }
}
