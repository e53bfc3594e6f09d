import { describe, expect, it } from "vitest";
import { createApp } from "./create-app.js";
import { FakeEngineControl } from "./fake-engine-control.js";
import type { EngineEvent } from "./types.js";

/** Reads the SSE body until `until` matches the text so far. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (!until.test(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

describe("GET /api/v1/events", () => {
  it("sends each engine event as an event: line and a JSON data: line", async () => {
    const control = new FakeEngineControl();
    const app = createApp({ control, tokens: ["t"] });
    const res = await app.request("/api/v1/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    expect(await readUntil(reader, /: connected\n\n/)).toBe(": connected\n\n");
    await waitFor(() => control.listeners.size === 1);

    const state: EngineEvent = { type: "state", at: 1000, data: { state: "quiescing" } };
    const step: EngineEvent = { type: "step", at: 2000, data: { level: "service", note: "line1\nline2" } };
    control.emit(state);
    control.emit(step);
    const text = await readUntil(reader, /event: step\n.*\n\n/);
    expect(text).toBe(
      `event: state\ndata: ${JSON.stringify(state)}\n\nevent: step\ndata: ${JSON.stringify(step)}\n\n`,
    );
    await reader.cancel();
  });

  it("unsubscribes when the client goes away", async () => {
    const control = new FakeEngineControl();
    const app = createApp({ control, tokens: [] });
    const res = await app.request("/api/v1/events");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await readUntil(reader, /: connected/);
    await waitFor(() => control.listeners.size === 1);
    await reader.cancel();
    await waitFor(() => control.unsubscribed === 1);
    expect(control.listeners.size).toBe(0);
  });

  it("unsubscribes when the request is aborted", async () => {
    const control = new FakeEngineControl();
    const app = createApp({ control, tokens: [] });
    const abort = new AbortController();
    const res = await app.request("/api/v1/events", { signal: abort.signal });
    await readUntil((res.body as ReadableStream<Uint8Array>).getReader(), /: connected/);
    await waitFor(() => control.listeners.size === 1);
    abort.abort();
    await waitFor(() => control.unsubscribed === 1);
  });

  it("sends heartbeat comments", async () => {
    const control = new FakeEngineControl();
    const app = createApp({ control, tokens: [], heartbeatMs: 10 });
    const res = await app.request("/api/v1/events");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    expect(await readUntil(reader, /: heartbeat\n\n/)).toContain(": heartbeat\n\n");
    await reader.cancel();
  });

  it("drops a client that stops reading instead of queueing events forever", async () => {
    const control = new FakeEngineControl();
    const app = createApp({ control, tokens: [] });
    const res = await app.request("/api/v1/events");
    expect(res.status).toBe(200);
    await waitFor(() => control.listeners.size === 1);
    for (let i = 0; i < 1500; i++) control.emit({ type: "check", at: i, data: { i } });
    await waitFor(() => control.unsubscribed === 1);
  });
});

describe("GET /api/v1/events with an event that cannot be encoded", () => {
  it("skips it and keeps streaming", async () => {
    const control = new FakeEngineControl();
    const app = createApp({ control, tokens: [] });
    const res = await app.request("/api/v1/events");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await readUntil(reader, /: connected/);
    await waitFor(() => control.listeners.size === 1);
    control.emit({ type: "check", at: 1, data: { big: 1n } });
    control.emit({ type: "page", at: 2, data: { ok: true } });
    expect(await readUntil(reader, /event: page\n.*\n\n/)).toBe(
      `event: page\ndata: {"type":"page","at":2,"data":{"ok":true}}\n\n`,
    );
    await reader.cancel();
  });
});
