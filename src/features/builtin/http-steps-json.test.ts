import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../../test/helpers/free-port.js";
import {
  type FixtureServer,
  PhraseRegistry,
  startFixtureServer,
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

const run = (text: string, docString?: string) => steps.run(world, text, docString);
const failure = async (text: string, docString?: string): Promise<string> => {
  const error = await run(text, docString).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected the step to fail: ${text}`);
  return error.message;
};

describe("the JSON at {string} should be {string}", () => {
  beforeEach(() => run('I GET "/items"'));

  it("parses the expected text as JSON when it is valid JSON, and compares deeply", async () => {
    await run('the JSON at "$.items[0].price" should be "5"');
    await run('the JSON at "$.active" should be "true"');
    await run('the JSON at "$.missing" should be "null"');
    await run(`the JSON at "$.items[0].tags" should be '["red","small"]'`);
    await run(`the JSON at "$.items[0]" should be '{"tags":["red","small"],"price":5,"name":"Widget"}'`);
    await run(`the JSON at "$.items[*].name" should be '["Widget","Gadget"]'`);
  });

  it("compares text that is not valid JSON as a string", async () => {
    await run('the JSON at "$.items[0].name" should be "Widget"');
    await run('the JSON at "$.id" should be "abc/1"');
  });

  it("a string that looks like JSON must be quoted to match, and the failure says so", async () => {
    await run(`the JSON at "$.items[1].price" should be '"5"'`);
    expect(await failure('the JSON at "$.items[1].price" should be "5"')).toBe(
      `expected the JSON at $.items[1].price to be 5 (number) but got "5" (string) from GET ${server.baseUrl}/items; the expected text is read as JSON, so to expect the string write it in JSON quotes: '"5"'`,
    );
    expect(await failure(`the JSON at "$.items[0].price" should be '"5"'`)).toBe(
      `expected the JSON at $.items[0].price to be "5" (string) but got 5 (number) from GET ${server.baseUrl}/items`,
    );
  });

  it("fails on a different value, a path that matches nothing, an invalid path and a non-JSON body", async () => {
    expect(await failure('the JSON at "$.items[0].name" should be "Gadget"')).toBe(
      `expected the JSON at $.items[0].name to be "Gadget" (string) but got "Widget" (string) from GET ${server.baseUrl}/items`,
    );
    expect(await failure(`the JSON at "$.items[0].tags" should be '["red"]'`)).toMatch(
      /to be \["red"\] \(array\) but got \["red","small"\] \(array\)/,
    );
    expect(await failure('the JSON at "$.nope" should be "1"')).toMatch(
      /^expected the JSON at \$\.nope to be 1 \(number\), but nothing in the response from GET \S+\/items matches \$\.nope; the body was: \{"items"/,
    );
    expect(await failure('the JSON at "items" should be "1"')).toMatch(
      /is not a JSONPath; start it with "\$"/,
    );
    await run('I GET "/not-json"');
    expect(await failure('the JSON at "$.a" should be "1"')).toMatch(
      new RegExp(
        `^the response from GET ${server.baseUrl}/not-json is not JSON \\(text/html\\): .*the body was: <html>hello</html>$`,
      ),
    );
  });
});

describe("the JSON at {string} should have {int} items", () => {
  beforeEach(() => run('I GET "/items"'));

  it("counts an array, or the matches of a wildcard path", async () => {
    await run('the JSON at "$.items" should have 2 items');
    await run('the JSON at "$.items[1].tags" should have 0 items');
    await run('the JSON at "$.items[*].name" should have 2 items');
  });

  it("fails on a wrong count, a non-array and a missing path", async () => {
    expect(await failure('the JSON at "$.items" should have 3 items')).toMatch(
      new RegExp(
        `^expected the JSON at \\$\\.items to have 3 items but it has 2 from GET ${server.baseUrl}/items: \\[\\{"name":"Widget"`,
      ),
    );
    expect(await failure('the JSON at "$.count" should have 2 items')).toBe(
      `expected the JSON at $.count to have 2 items, but it is not an array: 2 (number) from GET ${server.baseUrl}/items`,
    );
    expect(await failure('the JSON at "$.nope" should have 2 items')).toMatch(
      /nothing in the response .* matches \$\.nope/,
    );
  });
});

describe("saved values as {{name}}", () => {
  it("are used in URLs (encoded after the start), header values and bodies", async () => {
    await run('I GET "/items"');
    await run('I save the JSON at "$.id" as "itemId"');
    await run('I save the JSON at "$.items[0]" as "first"');
    await run('I save the JSON at "$.count" as "count"');
    expect(world.http.variables.get("first")).toEqual({ name: "Widget", price: 5, tags: ["red", "small"] });

    await run('I GET "/items/{{itemId}}?n={{ count }}"');
    expect(world.http.response?.url).toBe(`${server.baseUrl}/items/abc%2F1?n=2`);
    await run('the JSON at "$.id" should be "abc/1"');

    await run('the request header "X-Item" is "item {{itemId}}"');
    await run('I GET "/headers"');
    await run('the JSON at "$.x-item" should be "item abc/1"');

    await run('I POST "/echo" with JSON:', '{"id": "{{itemId}}", "count": {{count}}, "first": {{first}}}');
    await run(
      `the JSON at "$.json" should be '{"id":"abc/1","count":2,"first":{"name":"Widget","price":5,"tags":["red","small"]}}'`,
    );
  });

  it("a placeholder that starts the URL is written as it is", async () => {
    world.http.variables.set("home", server.baseUrl);
    await run('I GET "{{home}}/health"');
    await run("the response status should be 200");
  });

  it("fail clearly when unknown, and saving a missing path fails", async () => {
    expect(await failure('I GET "/items/{{nothing}}"')).toBe(
      'unknown variable {{nothing}}: nothing has been saved in this scenario; save one first with When I save the JSON at "$.path" as "nothing"',
    );
    await run('I GET "/items"');
    await run('I save the JSON at "$.count" as "count"');
    expect(await failure('I GET "/items/{{other}}"')).toMatch(
      /^unknown variable \{\{other\}\}: saved so far: count;/,
    );
    expect(await failure('I save the JSON at "$.nope" as "x"')).toMatch(
      /^expected the JSON at \$\.nope to be saved as "x", but nothing in the response/,
    );
  });

  it("do not leak into a fresh world", async () => {
    await run('I GET "/items"');
    await run('I save the JSON at "$.count" as "count"');
    world = createHttpWorld({ target: server.baseUrl });
    expect(await failure('I GET "/items/{{count}}"')).toMatch(/^unknown variable \{\{count\}\}/);
  });
});
