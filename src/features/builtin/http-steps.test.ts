import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../../test/helpers/free-port.js";
import {
  type FixtureServer,
  PhraseRegistry,
  startFixtureServer,
  table,
} from "../../../test/helpers/http-steps-fixture.js";
import { registerHttpSteps } from "./http-steps.js";
import { createHttpWorld, type HttpWorld } from "./http-world.js";

let server: FixtureServer;
const steps = new PhraseRegistry();
registerHttpSteps(steps);
let world: HttpWorld;

beforeAll(async () => {
  server = await startFixtureServer(await freePort());
});
afterAll(() => server.close());
beforeEach(() => {
  world = createHttpWorld({ target: server.baseUrl });
});

const run = (text: string, extra?: Parameters<PhraseRegistry["run"]>[2]) => steps.run(world, text, extra);
const failure = async (text: string, extra?: Parameters<PhraseRegistry["run"]>[2]): Promise<string> => {
  const error = await run(text, extra).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected the step to fail: ${text}`);
  return error.message;
};

describe("built-in HTTP steps: registration", () => {
  it("registers every contract phrase exactly", () => {
    expect(steps.patterns).toEqual(
      expect.arrayContaining([
        "the base URL is {string}",
        "the request header {string} is {string}",
        "I GET {string}",
        "I DELETE {string}",
        "I HEAD {string}",
        "I POST {string} with JSON:",
        "I PUT {string} with JSON:",
        "I POST {string} with form:",
        "the response status should be {int}",
        "the response should contain {string}",
        "the response should not contain {string}",
        "the response header {string} should be {string}",
        "the response header {string} should contain {string}",
        "the JSON at {string} should be {string}",
        "the JSON at {string} should have {int} items",
        "the response time should be less than {int} ms",
        "I save the JSON at {string} as {string}",
      ]),
    );
  });
});

describe("requests and base URLs", () => {
  it("GET resolves a relative path against --target; status passes and fails", async () => {
    await run('I GET "/health"');
    await run("the response status should be 200");
    expect(world.http.response?.url).toBe(`${server.baseUrl}/health`);
    await run('I GET "/status/503"');
    expect(await failure("the response status should be 200")).toBe(
      `expected status 200 but got 503 from GET ${server.baseUrl}/status/503; the body was: status 503`,
    );
  });

  it("the base URL step overrides --target and keeps its path; absolute URLs are used as they are", async () => {
    world.parameters.target = "http://127.0.0.1:1";
    await run(`the base URL is "${server.baseUrl}/api/"`);
    await run('I GET "health"');
    expect(world.http.response?.url).toBe(`${server.baseUrl}/api/health`);
    await run(`I GET "${server.baseUrl}/status/201"`);
    await run("the response status should be 201");
  });

  it("rejects a bad base URL and a relative path without any base URL", async () => {
    expect(await failure('the base URL is "not a url"')).toMatch(/is not an absolute URL/);
    expect(await failure('the base URL is "ftp://host"')).toMatch(/must use http or https/);
    world = createHttpWorld();
    expect(await failure('I GET "/health"')).toBe(
      `cannot request the relative path "/health": no base URL is set; add a step 'Given the base URL is "https://..."' or run with --target URL`,
    );
  });

  it("a refused connection names the request", async () => {
    const port = await freePort();
    expect(await failure(`I GET "http://127.0.0.1:${port}/x"`)).toMatch(
      new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/x failed: .*ECONNREFUSED`),
    );
  });

  it("DELETE and HEAD send their methods", async () => {
    await run('I DELETE "/items/1"');
    await run("the response status should be 204");
    expect(world.http.response?.method).toBe("DELETE");
    await run('I HEAD "/health"');
    await run("the response status should be 200");
    await run('the response header "x-multi" should be "one, two"');
    expect(world.http.response?.body).toBe("");
    expect(await failure('the response should contain "ok"')).toMatch(/the body was: \(empty\)$/);
  });

  it("a Then step before any request says what to do", async () => {
    expect(await failure("the response status should be 200")).toMatch(
      /^no request has been made in this scenario yet/,
    );
  });

  it("POST and PUT with JSON send the doc string as application/json", async () => {
    await run('I POST "/echo" with JSON:', '{"name": "Widget"}');
    await run('the JSON at "$.method" should be "POST"');
    await run('the JSON at "$.contentType" should be "application/json"');
    await run(`the JSON at "$.json" should be '{"name":"Widget"}'`);
    await run('I PUT "/echo" with JSON:', "[1, 2]");
    await run('the JSON at "$.method" should be "PUT"');
    await run('the JSON at "$.json" should be "[1,2]"');
  });

  it("POST with form sends the table's rows url-encoded; a malformed row fails clearly", async () => {
    await run(
      'I POST "/echo" with form:',
      table([
        ["user", "ann lee"],
        ["note", "a&b=c"],
      ]),
    );
    await run('the JSON at "$.contentType" should be "application/x-www-form-urlencoded"');
    await run(`the JSON at "$.form" should be '{"user":"ann lee","note":"a&b=c"}'`);
    // Saved values reach form fields: substituted before encoding, not after.
    await run('I save the JSON at "$.form.user" as "who"');
    await run('I POST "/echo" with form:', table([["name", "{{who}}"]]));
    await run(`the JSON at "$.form" should be '{"name":"ann lee"}'`);
    expect(await failure('I POST "/echo" with form:', table([["only-a-name"]]))).toBe(
      "row 1 of the form table has 1 cells; write each field as | name | value |",
    );
  });

  it("request headers persist for later requests and reach the server", async () => {
    await run('the request header "X-Trace" is "t-1"');
    await run('I GET "/headers"');
    await run('the JSON at "$.x-trace" should be "t-1"');
    await run('I GET "/headers"');
    await run('the JSON at "$.x-trace" should be "t-1"');
  });
});

describe("response assertions", () => {
  beforeEach(() => run('I GET "/health"'));

  it("contains / does not contain", async () => {
    await run('the response should contain "healthy"');
    await run('the response should not contain "sick"');
    expect(await failure('the response should contain "sick"')).toBe(
      `expected the response from GET ${server.baseUrl}/health to contain "sick", but it does not; the body was: ok: healthy`,
    );
    expect(await failure('the response should not contain "healthy"')).toBe(
      `expected the response from GET ${server.baseUrl}/health not to contain "healthy", but it does at character 4: ok: healthy`,
    );
  });

  it("header should be / should contain, case-insensitively, repeated headers joined", async () => {
    await run('the response header "Content-Type" should be "text/plain; charset=utf-8"');
    await run('the response header "cache-control" should contain "no-store"');
    await run('the response header "x-multi" should contain "two"');
    expect(await failure('the response header "content-type" should be "application/json"')).toBe(
      `expected response header "content-type" to be "application/json" but got "text/plain; charset=utf-8" from GET ${server.baseUrl}/health`,
    );
    expect(await failure('the response header "cache-control" should contain "public"')).toBe(
      `expected response header "cache-control" to contain "public" but got "no-store, max-age=0" from GET ${server.baseUrl}/health`,
    );
    expect(await failure('the response header "x-absent" should be "1"')).toMatch(
      /^expected response header "x-absent" to be "1", but GET \S+ sent no such header; headers sent: .*content-type/,
    );
    expect(await failure('the response header "x-absent" should contain "1"')).toMatch(/sent no such header/);
  });

  it("bodies in failure messages are cut to about 500 characters", async () => {
    await run('I GET "/long"');
    const message = await failure("the response status should be 200");
    expect(message).toMatch(
      /^expected status 200 but got 503 from GET .*\/long; the body was: x{500}… \(1503 more characters\)$/,
    );
  });
});

describe("response time and timeouts", () => {
  it("passes under the limit and fails over it, showing the time taken", async () => {
    await run('I GET "/health"');
    await run("the response time should be less than 5000 ms");
    await run('I GET "/slow?ms=150"');
    expect(world.http.response?.elapsedMs).toBeGreaterThanOrEqual(140);
    expect(await failure("the response time should be less than 100 ms")).toMatch(
      new RegExp(
        `^expected the response time to be less than 100 ms but GET ${server.baseUrl}/slow\\?ms=150 took \\d+ ms$`,
      ),
    );
  });

  it("a slow response fails with the step timeout from the world parameters", async () => {
    world.parameters.stepTimeoutMs = 200;
    expect(await failure('I GET "/slow?ms=2000"')).toBe(
      `GET ${server.baseUrl}/slow?ms=2000 timed out after 200 ms`,
    );
  });

  it("a body that never ends fails with the timeout from ESCALATOR_STEP_TIMEOUT_MS", async () => {
    const before = process.env.ESCALATOR_STEP_TIMEOUT_MS;
    process.env.ESCALATOR_STEP_TIMEOUT_MS = "250";
    try {
      expect(await failure('I GET "/stalled-body"')).toBe(
        `GET ${server.baseUrl}/stalled-body timed out after 250 ms`,
      );
    } finally {
      if (before === undefined) delete process.env.ESCALATOR_STEP_TIMEOUT_MS;
      else process.env.ESCALATOR_STEP_TIMEOUT_MS = before;
    }
  });
});
