import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/helpers/free-port.js";
import {
  type FixtureServer,
  PhraseRegistry,
  startFixtureServer,
} from "../../../test/helpers/http-steps-fixture.js";
import { CookieJar } from "./cookie-jar.js";
import { registerHttpSteps } from "./http-steps.js";
import { createHttpWorld } from "./http-world.js";

let server: FixtureServer;
const steps = new PhraseRegistry();
registerHttpSteps(steps);

beforeAll(async () => {
  server = await startFixtureServer(await freePort());
});
afterAll(() => server.close());

describe("cookies through the steps", () => {
  it("persist within a scenario, by path, and not into a fresh world", async () => {
    const world = createHttpWorld({ target: server.baseUrl });
    await steps.run(world, 'I GET "/cookies/set?value=abc"');
    await steps.run(world, 'I GET "/cookies/echo"');
    await steps.run(world, 'the JSON at "$.cookie" should be "session=abc"');
    await steps.run(world, 'I GET "/cookies/narrow/echo"');
    await steps.run(world, 'the JSON at "$.cookie" should be "narrow=yes; session=abc"');

    const fresh = createHttpWorld({ target: server.baseUrl });
    await steps.run(fresh, 'I GET "/cookies/echo"');
    await steps.run(fresh, 'the JSON at "$.cookie" should be "null"');
  });

  it("are sent alongside a Cookie header set by a step", async () => {
    const world = createHttpWorld({ target: server.baseUrl });
    await steps.run(world, 'the request header "Cookie" is "mine=1"');
    await steps.run(world, 'I GET "/cookies/set"');
    await steps.run(world, 'I GET "/cookies/echo"');
    await steps.run(world, 'the JSON at "$.cookie" should be "mine=1; session=s1"');
  });
});

describe("CookieJar", () => {
  const at = (url: string) => new URL(url);

  it("sends host-only cookies to the same host only, and domain cookies to subdomains", () => {
    const jar = new CookieJar();
    jar.store(at("https://shop.example/"), ["a=1", "b=2; Domain=shop.example", "c=3; Domain=evil.example"]);
    expect(jar.cookieHeader(at("https://shop.example/x"))).toBe("a=1; b=2");
    expect(jar.cookieHeader(at("https://www.shop.example/x"))).toBe("b=2");
    expect(jar.cookieHeader(at("https://evil.example/"))).toBeUndefined();
  });

  it("applies the path, Secure and expiry rules, and replaces a cookie of the same name", () => {
    let now = 1_000_000;
    const jar = new CookieJar(() => now);
    jar.store(at("http://h/app/login"), ["p=1", "s=1; Secure; Path=/", "t=1; Max-Age=10; Path=/"]);
    expect(jar.cookieHeader(at("http://h/app/x"))).toBe("p=1; t=1");
    expect(jar.cookieHeader(at("http://h/application"))).toBe("t=1");
    expect(jar.cookieHeader(at("https://h/app"))).toBe("p=1; s=1; t=1");
    now += 11_000;
    expect(jar.cookieHeader(at("http://h/"))).toBeUndefined();
    jar.store(at("http://h/"), ["u=1", "u=2", "v=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]);
    expect(jar.cookieHeader(at("http://h/"))).toBe("u=2");
  });
});
