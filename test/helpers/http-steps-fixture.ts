import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { CucumberExpression, ParameterTypeRegistry } from "@cucumber/cucumber-expressions";
import type { HttpWorld } from "../../src/features/builtin/http-world.js";
import type { StepBody, StepDefiner, StepTable } from "../../src/features/builtin/step-definer.js";

/**
 * Test support for the built-in HTTP steps: a registry that runs steps by their phrase, as the
 * scenario runner would, and a real HTTP server on loopback with routes the steps can exercise.
 */
export class PhraseRegistry implements StepDefiner {
  readonly #parameterTypes = new ParameterTypeRegistry();
  readonly #steps: { pattern: string; expression: CucumberExpression; fn: StepBody }[] = [];

  readonly Given = (pattern: string, fn: StepBody): void => this.#add(pattern, fn);
  readonly When = (pattern: string, fn: StepBody): void => this.#add(pattern, fn);
  readonly Then = (pattern: string, fn: StepBody): void => this.#add(pattern, fn);

  #add(pattern: string, fn: StepBody): void {
    this.#steps.push({ pattern, expression: new CucumberExpression(pattern, this.#parameterTypes), fn });
  }

  get patterns(): string[] {
    return this.#steps.map((step) => step.pattern);
  }

  /** Runs the one step whose expression matches `text`; `extra` is the doc string or data table. */
  async run(world: HttpWorld, text: string, extra?: string | StepTable): Promise<void> {
    const matches = this.#steps.flatMap((step) => {
      const args = step.expression.match(text);
      return args ? [{ step, args: args.map((arg) => arg.getValue(world)) }] : [];
    });
    const [match, ...others] = matches;
    if (match === undefined) throw new Error(`undefined step: ${text}`);
    if (others.length > 0) throw new Error(`ambiguous step: ${text}`);
    await match.step.fn.apply(world, extra === undefined ? match.args : [...match.args, extra]);
  }
}

export function table(rows: string[][]): StepTable {
  return { raw: () => rows.map((row) => [...row]) };
}

export interface FixtureServer {
  baseUrl: string;
  close(): Promise<void>;
}

const ITEMS = {
  items: [
    { name: "Widget", price: 5, tags: ["red", "small"] },
    { name: "Gadget", price: "5", tags: [] },
  ],
  count: 2,
  active: true,
  missing: null,
  id: "abc/1",
};

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string | string[]> = {},
) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, value: unknown, status = 200) {
  send(res, status, JSON.stringify(value), { "content-type": "application/json" });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fixture");
  const path = url.pathname;
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return send(res, Number(status[1]), `status ${status[1]}`);
  if (path === "/health" || path === "/api/health") {
    return send(res, 200, "ok: healthy", {
      "x-multi": ["one", "two"],
      "cache-control": "no-store, max-age=0",
    });
  }
  if (path === "/items") return sendJson(res, ITEMS);
  if (path.startsWith("/items/")) {
    if (req.method === "DELETE") return send(res, 204, "");
    return sendJson(res, { id: decodeURIComponent(path.slice("/items/".length)), query: url.search });
  }
  if (path === "/not-json") return send(res, 200, "<html>hello</html>", { "content-type": "text/html" });
  if (path === "/long") return send(res, 503, `${"x".repeat(2000)}END`);
  if (path === "/headers") return sendJson(res, req.headers);
  if (path === "/cookies/set") {
    return send(res, 200, "set", {
      "set-cookie": [
        `session=${url.searchParams.get("value") ?? "s1"}; Path=/; HttpOnly`,
        "narrow=yes; Path=/cookies/narrow",
        "gone=1; Path=/; Max-Age=0",
        "elsewhere=1; Domain=other.example; Path=/",
      ],
    });
  }
  if (path === "/cookies/echo" || path === "/cookies/narrow/echo") {
    return sendJson(res, { cookie: req.headers.cookie ?? null });
  }
  if (path === "/echo") {
    const body = await readBody(req);
    const type = req.headers["content-type"] ?? "";
    const form = type.startsWith("application/x-www-form-urlencoded")
      ? Object.fromEntries(new URLSearchParams(body))
      : null;
    const json = type.startsWith("application/json") ? JSON.parse(body) : null;
    return sendJson(res, { method: req.method, contentType: type, body, form, json });
  }
  if (path === "/slow") {
    await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get("ms") ?? "1000")));
    return send(res, 200, "slow");
  }
  if (path === "/stalled-body") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("partial");
    return; // never ends; the client's timeout must fire while reading the body
  }
  send(res, 404, `no route for ${req.method} ${path}`);
}

export async function startFixtureServer(port: number): Promise<FixtureServer> {
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => send(res, 500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
