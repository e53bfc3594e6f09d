import { wholeGrid } from "./check-grid.mjs";
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

/** Whether the grid has been drawn once: only the first draw is split, to get a picture out sooner. */
let gridDrawn = false;

/**
 * Draws the check grid (see checkGrid). The first time: its first rows now, the rest (`later`) once
 * they are painted, with a second hop so that a first-render mark set in the same frame comes first.
 * Later draws put every row in at once, so the grid never shrinks to its first rows on a redraw.
 */
export function putGrid(grid: { html: string; later?: string }): void {
  if (gridDrawn || grid.later === undefined) {
    if (put("grid", wholeGrid(grid))) gridDrawn = true;
    return;
  }
  if (!put("grid", grid.html)) return;
  gridDrawn = true;
  gridRest = grid.later;
  afterPaint(() => setTimeout(fillGridRest, 0));
}
