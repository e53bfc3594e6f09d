/** Small DOM helpers shared by the views. */

export const byId = (id: string) => document.getElementById(id);

/**
 * Replaces an element's content only when the HTML changed (no needless layout; focus stays put),
 * keeping open the output blocks (<details> inside a step) that were open.
 */
export function replaceHtml(element: HTMLElement, html: string): void {
  if (element.dataset.html === html) return;
  const open = [...element.querySelectorAll("[data-step-id] details[open]")].map((d) =>
    d.closest("[data-step-id]")?.getAttribute("data-step-id"),
  );
  element.innerHTML = html;
  element.dataset.html = html;
  for (const id of open) element.querySelector(`[data-step-id="${id}"] details`)?.setAttribute("open", "");
}

/** Replaces the content of the element with this id, if it is on the page. */
export function put(id: string, html: string): void {
  const element = byId(id);
  if (element) replaceHtml(element, html);
}

let hideNotice: ReturnType<typeof setTimeout> | undefined;
/** Says something for a few seconds (an alert region, so screen readers hear it too). */
export function tell(message: string): void {
  const element = byId("notice") as HTMLElement;
  element.textContent = message;
  element.hidden = false;
  clearTimeout(hideNotice);
  hideNotice = setTimeout(() => {
    element.hidden = true;
  }, 8000);
}
