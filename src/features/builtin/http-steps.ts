import { type HttpMethod, parseBaseUrl, sendStepRequest } from "./http-request.js";
import { createHttpState, type HttpResponseRecord, type HttpWorld } from "./http-world.js";
import {
  assertBodyContains,
  assertBodyLacks,
  assertFasterThan,
  assertHeaderContains,
  assertHeaderIs,
  assertJsonIs,
  assertJsonItemCount,
  assertStatus,
  requireJsonAt,
} from "./response-assertions.js";
import type { StepDefiner, StepTable } from "./step-definer.js";
import { substituteVariables } from "./step-variables.js";

/** The world's HTTP state, created on first use so any World with `parameters` will do. */
function httpOf(world: HttpWorld): HttpWorld {
  world.http ??= createHttpState();
  world.parameters ??= {};
  return world;
}

function lastResponse(world: HttpWorld): HttpResponseRecord {
  const response = httpOf(world).http.response;
  if (response === undefined) {
    throw new Error(
      `no request has been made in this scenario yet; add a step such as 'When I GET "/"' first`,
    );
  }
  return response;
}

/** Form fields, with `{{name}}` substituted in each cell before encoding. */
function formBody(table: StepTable, variables: ReadonlyMap<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [index, row] of table.raw().entries()) {
    const [name, value, ...extra] = row;
    if (name === undefined || value === undefined || extra.length > 0) {
      throw new Error(
        `row ${index + 1} of the form table has ${row.length} cells; write each field as | name | value |`,
      );
    }
    form.append(substituteVariables(name, variables), substituteVariables(value, variables));
  }
  return form.toString();
}

/**
 * Registers the built-in HTTP steps. Their phrases are a contract: feature files written
 * against them must keep working, so phrases are only ever added, never changed.
 */
export function registerHttpSteps(define: StepDefiner): void {
  define.Given("the base URL is {string}", function (url: string) {
    parseBaseUrl(url, "the base URL");
    httpOf(this).http.baseUrl = url;
  });
  define.Given("the request header {string} is {string}", function (name: string, value: string) {
    httpOf(this).http.headers.set(name.toLowerCase(), value);
  });

  const plain = (method: HttpMethod) =>
    async function (this: HttpWorld, target: string): Promise<void> {
      await sendStepRequest(httpOf(this), method, target);
    };
  define.When("I GET {string}", plain("GET"));
  define.When("I DELETE {string}", plain("DELETE"));
  define.When("I HEAD {string}", plain("HEAD"));

  const withJson = (method: HttpMethod) =>
    async function (this: HttpWorld, target: string, docString: string): Promise<void> {
      await sendStepRequest(httpOf(this), method, target, {
        contentType: "application/json",
        text: docString,
      });
    };
  define.When("I POST {string} with JSON:", withJson("POST"));
  define.When("I PUT {string} with JSON:", withJson("PUT"));
  define.When("I POST {string} with form:", async function (target: string, table: StepTable) {
    await sendStepRequest(httpOf(this), "POST", target, {
      contentType: "application/x-www-form-urlencoded",
      text: formBody(table, httpOf(this).http.variables),
      preSubstituted: true,
    });
  });

  define.When("I save the JSON at {string} as {string}", function (path: string, name: string) {
    const value = requireJsonAt(lastResponse(this), path, `to be saved as ${JSON.stringify(name)}`);
    httpOf(this).http.variables.set(name, value);
  });

  define.Then("the response status should be {int}", function (status: number) {
    assertStatus(lastResponse(this), status);
  });
  define.Then("the response should contain {string}", function (text: string) {
    assertBodyContains(lastResponse(this), text);
  });
  define.Then("the response should not contain {string}", function (text: string) {
    assertBodyLacks(lastResponse(this), text);
  });
  define.Then("the response header {string} should be {string}", function (name: string, value: string) {
    assertHeaderIs(lastResponse(this), name, value);
  });
  define.Then("the response header {string} should contain {string}", function (name: string, value: string) {
    assertHeaderContains(lastResponse(this), name, value);
  });
  define.Then("the JSON at {string} should be {string}", function (path: string, expected: string) {
    assertJsonIs(lastResponse(this), path, expected);
  });
  define.Then("the JSON at {string} should have {int} items", function (path: string, count: number) {
    assertJsonItemCount(lastResponse(this), path, count);
  });
  define.Then("the response time should be less than {int} ms", function (limitMs: number) {
    assertFasterThan(lastResponse(this), limitMs);
  });
}
