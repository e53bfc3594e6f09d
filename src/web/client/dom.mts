/** Small DOM helpers shared by the views. */

export const byId = (id: string) => document.getElementById(id);

/** The HTML each element was last filled with (kept here, not in the DOM: it can be large). */
const rendered = new WeakMap<Element, string>();

/** Forgets what an element was filled with, so the next replaceHtml() fills it whatever the HTML. */
export function forget(element: Element): void {
  rendered.delete(element);
}

/** Attributes that name an element across redraws, most specific first. */
const ANCHORS = ["id", "data-step-id", "data-escalation-id", "data-transition-id", "data-row", "data-level"];

/**
 * Where the focused element is, in terms that survive a redraw: the nearest element (itself or an
 * ancestor inside `root`) with a naming attribute, then its position among that element's
 * focusable descendants of the same tag.
 */
function focusKey(root: Element): { anchor: string; tag: string; index: number } | undefined {
  const active = document.activeElement;
  if (!active || active === root || !root.contains(active)) return undefined;
  for (let node: Element | null = active; node && node !== root; node = node.parentElement) {
    const name = ANCHORS.find((a) => node?.hasAttribute(a));
    if (!name) continue;
    const anchor = `[${name}="${CSS.escape(node.getAttribute(name) ?? "")}"]`;
    if (node === active) return { anchor, tag: "", index: 0 };
    const tag = active.tagName.toLowerCase();
    return { anchor, tag, index: [...node.querySelectorAll(tag)].indexOf(active) };
  }
  const tag = active.tagName.toLowerCase();
  return { anchor: "", tag, index: [...root.querySelectorAll(tag)].indexOf(active) };
}

function restoreFocus(root: Element, key: { anchor: string; tag: string; index: number }): void {
  const anchor = key.anchor ? root.querySelector(key.anchor) : root;
  const target = key.tag ? anchor?.querySelectorAll(key.tag)[key.index] : anchor;
  if (target instanceof HTMLElement) target.focus({ preventScroll: true });
}

/**
 * Replaces an element's content only when the HTML changed (no needless layout), keeping open the
 * output blocks (<details> inside a step) that were open, and the keyboard focus where it was.
 */
export function replaceHtml(element: HTMLElement, html: string): boolean {
  if (rendered.get(element) === html) return false;
  const open = [...element.querySelectorAll("[data-step-id] details[open]")].map((d) =>
    d.closest("[data-step-id]")?.getAttribute("data-step-id"),
  );
  const focus = focusKey(element);
  element.innerHTML = html;
  rendered.set(element, html);
  for (const id of open) {
    element.querySelector(`[data-step-id="${CSS.escape(id ?? "")}"] details`)?.setAttribute("open", "");
  }
  if (focus) restoreFocus(element, focus);
  return true;
}

/** Replaces the content of the element with this id, if it is on the page; true when it did. */
export function put(id: string, html: string): boolean {
  const element = byId(id);
  return element ? replaceHtml(element, html) : false;
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
