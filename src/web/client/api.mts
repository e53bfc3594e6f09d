const TOKEN_KEY = "escalator.api-token";

/** An API answer other than 2xx, with the API's own error text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** GETs JSON from the API; throws ApiError on anything but 2xx. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new ApiError(response.status, body.error ?? `${response.status} ${response.statusText}`);
  }
  return (await response.json()) as T;
}

/** The request behind each control button, signed "dashboard" in the daemon's records. */
export function controlRequest(
  action: string,
  awaitingEscalationId: string,
): [string, Record<string, unknown>] | undefined {
  const escalation = `/api/v1/escalations/${encodeURIComponent(awaitingEscalationId)}`;
  const requests: Record<string, [string, Record<string, unknown>]> = {
    pause: ["/api/v1/pause", { by: "dashboard", reason: "paused from the dashboard" }],
    resume: ["/api/v1/resume", { by: "dashboard" }],
    ack: ["/api/v1/ack", { by: "dashboard", note: "acknowledged from the dashboard" }],
    approve: [`${escalation}/approve`, { by: "dashboard" }],
    reject: [`${escalation}/reject`, { by: "dashboard", reason: "rejected from the dashboard" }],
  };
  return requests[action];
}

let tokenRequired = false;

/** Whether the daemon needs a token for changes (from GET /api/v1): then we ask before the first one. */
export function setTokenRequired(required: boolean): void {
  tokenRequired = required;
}

/**
 * POSTs a control request. Asks for a token when the daemon needs one and none is kept, or when
 * the daemon answers 401; keeps it in sessionStorage (this tab only) and tries again.
 */
export async function postControl(
  path: string,
  body: Record<string, unknown>,
): Promise<{ ok: boolean; message: string }> {
  let problem: string | undefined;
  for (;;) {
    let token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    if (token === undefined && (tokenRequired || problem !== undefined)) {
      token = await askForToken(problem);
      if (token === undefined) return { ok: false, message: "Cancelled: no token given." };
      sessionStorage.setItem(TOKEN_KEY, token);
    }
    const response = await fetch(path, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => ({}))) as { message?: string; error?: string };
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      problem = token === undefined ? "This daemon needs a token." : "That token was not accepted.";
      continue;
    }
    if (response.ok) return { ok: true, message: answer.message ?? "done" };
    return { ok: false, message: answer.error ?? `${response.status} ${response.statusText}` };
  }
}

/** Shows the token dialog; resolves with the token, or undefined when cancelled. */
export function askForToken(problem?: string): Promise<string | undefined> {
  const dialog = document.getElementById("token-dialog") as HTMLDialogElement;
  const form = document.getElementById("token-form") as HTMLFormElement;
  const input = document.getElementById("token-input") as HTMLInputElement;
  const cancel = document.getElementById("token-cancel") as HTMLButtonElement;
  const message = document.getElementById("token-message") as HTMLElement;
  const opener = document.activeElement as HTMLElement | null;
  return new Promise((resolve) => {
    const done = (value: string | undefined) => {
      form.onsubmit = null;
      cancel.onclick = null;
      dialog.oncancel = null;
      if (dialog.open) dialog.close();
      opener?.focus();
      resolve(value);
    };
    form.onsubmit = (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (value) done(value);
    };
    cancel.onclick = () => done(undefined);
    dialog.oncancel = (event) => {
      event.preventDefault();
      done(undefined);
    };
    message.textContent = problem ?? "";
    input.value = "";
    dialog.showModal();
    input.focus();
  });
}
