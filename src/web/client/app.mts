import { getJson, setTokenRequired } from "./api.mjs";
import { checkGrid, foldedRowsHtml } from "./check-grid.mjs";
import { daemonNow } from "./clock.mjs";
import { busy, pressControl } from "./controls.mjs";
import { byId, forget, put, replaceHtml, tell } from "./dom.mjs";
import { escalationPageHtml, latestHtml } from "./escalation-view.mjs";
import { esc, refreshAges, stateLabel } from "./format.mjs";
import { hashAfterFilter, historyHtml } from "./history-view.mjs";
import { connectLive } from "./live.mjs";
import {
  applyEvent,
  model,
  type Part,
  readChecks,
  readDetail,
  readLadder,
  readLatest,
  readStatus,
} from "./model.mjs";
import {
  countdownText,
  ladderHtml,
  markersHtml,
  OVERVIEW_FRAME,
  stateHtml,
  updateControls,
} from "./overview.mjs";
import { afterPaint, putGrid } from "./paint.mjs";
import { repoHtml, repoTagHtml } from "./repo-view.mjs";
import { currentRoute, type Route, sectionOf } from "./route.mjs";
import { verdictsHtml } from "./verdicts-view.mjs";

const main = document.getElementById("main") as HTMLElement;

// ---- drawing ----

function drawOverview(): void {
  if (!byId("state-panel")) {
    main.innerHTML = OVERVIEW_FRAME;
  }
  const now = daemonNow();
  const { status } = model;
  if (status) {
    put("environment", esc(status.environment));
    document.title = `Escalator — ${status.environment}: ${stateLabel(status.state).label}`;
    put("state-panel", stateHtml(status, now));
    updateControls(main, status, busy);
    put("markers", markersHtml(status, now));
    put("ladder", ladderHtml(model.ladder, status, model.latest));
  }
  putGrid(checkGrid(model.checks.values(), status, now, model.foldOpen));
  put("latest", latestHtml(model.latest, now));
}

/** The escalation the daemon said it does not know, so its page is not redrawn as loading. */
let missing: string | undefined;

function drawEscalation(id: string): void {
  if (model.detail?.escalation.id !== id) {
    if (missing === id) return;
    main.innerHTML = `<p>Loading escalation ${esc(id)}…</p>`;
    forget(main);
    return;
  }
  replaceHtml(main, escalationPageHtml(model.detail));
}

let drawPending = false;
/** Draws the current route once per frame at most, however many events arrived. */
function draw(): void {
  if (drawPending) return;
  drawPending = true;
  setTimeout(() => {
    drawPending = false;
    const route = currentRoute();
    if (route.name === "overview") drawOverview();
    else if (route.name === "escalation") drawEscalation(route.id);
  }, 16);
}

// ---- reading the API ----

/** Reads the escalation the page shows; says so when the daemon knows no such escalation. */
async function showDetail(id: string): Promise<void> {
  if (!(await readDetail(id))) {
    missing = id;
    main.innerHTML = `<h2>No escalation ${esc(id)}</h2>`;
    forget(main);
  }
}

let pageToken = 0;
/** Draws a page read from the API on demand (history, verdicts, repository), unless the route moved on meanwhile. */
async function showPage(
  name: Route["name"],
  title: string,
  read: () => Promise<string>,
  params: URLSearchParams,
) {
  const token = ++pageToken;
  try {
    const html = await read();
    if (token === pageToken && currentRoute().name === name) {
      replaceHtml(main, html);
      // Which filters this page shows: lets a test (or a script) tell a fresh page from the last one.
      main.dataset.params = params.toString();
    }
  } catch (error) {
    // An error of a page the reader has left (or read again since) is not this page's.
    if (token !== pageToken || currentRoute().name !== name) return;
    forget(main);
    main.innerHTML = `<h2>${esc(title)}</h2><p role="alert">Cannot read it: ${esc(error instanceof Error ? error.message : error)}</p>`;
  }
}

/** The history, verdicts or a repository page, read afresh. */
function showListPage(route: Extract<Route, { params: URLSearchParams }>): Promise<void> {
  const { params } = route;
  if (route.name === "verdicts") {
    return showPage("verdicts", "Value verdicts", () => verdictsHtml(params), params);
  }
  if (route.name === "repo") return showPage("repo", "Repository tags", () => repoHtml(params), params);
  if (route.name === "repo-tag") {
    const tag = params.get("tag") ?? "";
    return showPage("repo-tag", `Tag ${tag}`, () => repoTagHtml(tag), params);
  }
  const checks = [...new Set([...model.checks.values()].map((c) => c.check))].sort();
  const targets = [...new Set([...model.checks.values()].map((c) => c.target).filter(Boolean))].sort();
  return showPage("history", "History", () => historyHtml(params, model.ladder, checks, targets), params);
}

const pending = new Set<Part>();
let readTimer: ReturnType<typeof setTimeout> | undefined;
/** Re-reads parts of the model soon, coalescing bursts of events into one request each. */
function reread(...parts: Part[]): void {
  for (const part of parts) pending.add(part);
  if (readTimer !== undefined) return;
  readTimer = setTimeout(async () => {
    readTimer = undefined;
    const parts = new Set(pending);
    pending.clear();
    const route = currentRoute();
    try {
      await Promise.all([
        parts.has("status") ? readStatus() : undefined,
        parts.has("checks") ? readChecks() : undefined,
      ]);
      await Promise.all([
        parts.has("latest") || parts.has("status") ? readLatest() : undefined,
        parts.has("detail") && route.name === "escalation" ? showDetail(route.id) : undefined,
      ]);
    } catch {
      // The daemon is restarting or gone; the event stream's reconnect reads everything again.
    }
    draw();
    // History and verdicts follow too, unless someone is using their filters right now.
    if (
      (route.name === "history" || route.name === "verdicts") &&
      !(document.activeElement !== main && main.contains(document.activeElement))
    ) {
      void showListPage(route);
    }
  }, 100);
}

// ---- live events ----

function onEvent(event: Parameters<typeof applyEvent>[0]): void {
  const { redraw, reread: parts, notice } = applyEvent(event);
  if (redraw) draw();
  if (parts.length > 0) reread(...parts);
  if (notice) tell(notice);
}

// ---- routing and controls ----

async function route(focus: boolean): Promise<void> {
  const current = currentRoute();
  for (const link of document.querySelectorAll<HTMLAnchorElement>("nav a[data-route]")) {
    const here = link.dataset.route === sectionOf(current);
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  forget(main);
  delete main.dataset.params;
  if (current.name === "overview") {
    main.innerHTML = OVERVIEW_FRAME;
    drawOverview();
  } else if (current.name === "escalation") {
    drawEscalation(current.id);
    await showDetail(current.id).catch(() => {});
    draw();
  } else {
    main.innerHTML = "<p>Loading…</p>";
    await showListPage(current);
  }
  // A diff asked for from the repository page: take the reader (and the keyboard) to it.
  const diff = current.name === "repo" && current.params.has("from") ? byId("diff-title") : null;
  if (diff) diff.focus();
  else if (focus) main.focus();
}

main.addEventListener("click", (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>("button[data-action]");
  if (button && !button.disabled)
    void pressControl(main, button.dataset.action ?? "", () => reread("status"));
});
main.addEventListener("submit", (event) => {
  const form = event.target as HTMLFormElement;
  if (!form.dataset.form) return;
  event.preventDefault();
  const current = currentRoute();
  if (form.dataset.form === "repo-diff") {
    const data = new FormData(form);
    const pick = (key: string) => String(data.get(key) ?? "");
    location.hash = `#/repo?${new URLSearchParams({ from: pick("from"), to: pick("to") })}`;
    return;
  }
  if (form.dataset.form === "verdicts") {
    const release = new FormData(form).get("release");
    location.hash = `#/verdicts${typeof release === "string" && release ? `?${new URLSearchParams({ release })}` : ""}`;
    return;
  }
  location.hash = hashAfterFilter(form, current.name === "history" ? current.params : new URLSearchParams());
});
// "toggle" does not bubble: listen in the capture phase. Opening the all-OK rows fills them in
// place (redrawing the grid would replace the <summary> the reader just pressed).
main.addEventListener(
  "toggle",
  (event) => {
    const details = event.target as HTMLDetailsElement;
    if (details.id !== "ok-rows" || details.open === model.foldOpen) return;
    model.foldOpen = details.open;
    const body = byId("ok-rows-body");
    if (body) body.innerHTML = details.open ? foldedRowsHtml(model.checks.values(), model.status) : "";
    // The grid's content no longer matches what it was drawn from: the next draw redraws it.
    const gridElement = byId("grid");
    if (gridElement) forget(gridElement);
  },
  true,
);
window.addEventListener("hashchange", () => void route(true));

// Ages and countdowns move on between events.
// Changed in place, not redrawn, so focus and selection stay.
setInterval(() => {
  const countdown = byId("countdown");
  const text = model.status ? countdownText(model.status, daemonNow()) : "";
  if (countdown && countdown.textContent !== text) countdown.textContent = text;
}, 1000);
setInterval(() => {
  const name = currentRoute().name;
  if (name === "overview" || name === "escalation") refreshAges(main, daemonNow());
}, 10_000);

interface ApiIndex {
  environment: string;
  tokenRequired?: boolean;
  features?: { verdicts?: boolean; repo?: boolean };
}

/** What the daemon's index says about this page: whether changes need a token, which pages exist. */
function applyIndex(index: ApiIndex): void {
  setTokenRequired(index.tokenRequired === true);
  (byId("nav-verdicts") as HTMLElement).hidden = index.features?.verdicts !== true;
  (byId("nav-repo") as HTMLElement).hidden = index.features?.repo !== true;
}

/** After a reconnect: the daemon may have restarted with another config (ladder, token, features). */
async function rereadConfig(): Promise<void> {
  try {
    const [index] = await Promise.all([getJson<ApiIndex>("/api/v1"), readLadder()]);
    applyIndex(index);
    draw();
  } catch {
    // Still coming up: the next reconnect tries again.
  }
}

async function start(): Promise<void> {
  const connection = byId("connection") as HTMLElement;
  const [index] = await Promise.all([getJson<ApiIndex>("/api/v1"), readLadder(), readStatus(), readChecks()]);
  applyIndex(index);
  await route(false);
  // The first picture is on screen once the next frame is painted; the whole check grid once the
  // rows after the first ones are in too (the scale test reads both marks).
  afterPaint(() => {
    performance.mark("escalator:first-render");
    setTimeout(() => afterPaint(() => performance.mark("escalator:full-render")), 0);
  });
  let opened = false;
  connectLive({
    onOpen() {
      connection.dataset.live = "live";
      connection.textContent = "Live";
      reread("status", "checks", "latest", "detail");
      if (opened) void rereadConfig();
      opened = true;
    },
    onDown() {
      connection.dataset.live = "down";
      connection.textContent = "Reconnecting…";
    },
    onEvent,
  });
  await readLatest();
  draw();
}

start().catch((error: unknown) => {
  main.innerHTML = `<h2>Cannot reach the daemon</h2><p role="alert">${esc(error instanceof Error ? error.message : error)}</p>`;
});
