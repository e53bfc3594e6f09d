import { controlRequest, postControl } from "./api.mjs";
import { tell } from "./dom.mjs";
import { model } from "./model.mjs";
import { updateControls } from "./overview.mjs";

/** Controls whose request is on its way: pressing them again does nothing until it is answered. */
export const busy = new Set<string>();

function setBusy(root: ParentNode, action: string, on: boolean): void {
  if (on) busy.add(action);
  else busy.delete(action);
  if (model.status) updateControls(root, model.status, busy);
}

/**
 * Sends what a control button asks for (asking for the token when needed) and says how it went;
 * a second press while the first is on its way is ignored (a double-click is one request).
 */
export async function pressControl(root: ParentNode, action: string, then: () => void): Promise<void> {
  const request = controlRequest(action, model.status?.awaitingApproval?.escalationId ?? "");
  if (!request || busy.has(action)) return;
  setBusy(root, action, true);
  try {
    const result = await postControl(...request);
    tell(result.ok ? `Done: ${result.message}` : `Not done: ${result.message}`);
  } catch (error) {
    tell(`Not done: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    setBusy(root, action, false);
  }
  then();
}
