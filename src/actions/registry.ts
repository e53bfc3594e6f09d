import { EscalatorError, wrapPluginError } from "../util/errors.js";
import { commandAction, shellAction } from "./command-action.js";
import type { Action, ActionContext, ActionResult, ActionSpec } from "./types.js";
import { webhookAction } from "./webhook-action.js";

/** The built-in action kinds, by name. */
export const actionKinds: ReadonlyMap<Action["kind"], Action> = new Map<Action["kind"], Action>(
  [commandAction, shellAction, webhookAction].map((action) => [action.kind, action]),
);

/** The action a spec describes. Throws ACTION_FAILED unless exactly one of run, shell, webhook is set. */
export function actionFor(spec: ActionSpec): Action {
  const kinds = (
    [
      ["command", spec.run],
      ["shell", spec.shell],
      ["webhook", spec.webhook],
    ] as const
  )
    .filter(([, value]) => value !== undefined)
    .map(([kind]) => kind);
  const [kind] = kinds;
  if (kinds.length !== 1 || kind === undefined) {
    const found = kinds.length === 0 ? "none" : kinds.join(" and ");
    throw new EscalatorError(
      "ACTION_FAILED",
      `an action needs exactly one of run, shell or webhook; found ${found}`,
    );
  }
  return actionKinds.get(kind) as Action;
}

/** Runs an action. Never throws: an error becomes `ok: false` with an error naming the plugin. */
export async function runAction(ctx: ActionContext, signal: AbortSignal): Promise<ActionResult> {
  const startedAt = Date.now();
  let plugin = "action";
  try {
    const action = actionFor(ctx.spec);
    plugin = `${action.kind} action`;
    return await action.run(ctx, signal);
  } catch (error) {
    const wrapped = wrapPluginError(plugin, error);
    ctx.logger?.warn({ err: wrapped, level: ctx.level, target: ctx.target }, "action plugin threw");
    return {
      ok: false,
      exitCode: null,
      output: "",
      timedOut: false,
      error: wrapped.message,
      startedAt,
      endedAt: Date.now(),
    };
  }
}
