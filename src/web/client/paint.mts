import { byId, put } from "./dom.mjs";

/** Runs `fn` once the next frame is painted (a task queued from requestAnimationFrame runs after it). */
export function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

/** The check grid's rows after the first ones, for <tbody id="grid-more"> once the first paint is out. */
let gridRest: string | undefined;

function fillGridRest(): void {
  const more = byId("grid-more");
  if (more && gridRest !== undefined) {
    more.innerHTML = gridRest;
    more.removeAttribute("aria-busy");
  }
  gridRest = undefined;
}

/**
 * Draws the check grid (see checkGrid): its first rows now, the rest (`later`) once they are painted,
 * with a second hop so that a first-render mark set in the same frame comes first.
 */
export function putGrid(grid: { html: string; later?: string }): void {
  if (!put("grid", grid.html)) return;
  gridRest = grid.later;
  if (gridRest !== undefined) afterPaint(() => setTimeout(fillGridRest, 0));
}
