import { parseCookie } from "undici";

interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  /** Without a Domain attribute a cookie goes back only to the exact host that set it. */
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** Epoch ms, or undefined for a session cookie (which lives as long as the scenario). */
  expiresAt: number | undefined;
}

/**
 * A scenario's cookies, after RFC 6265: Set-Cookie is parsed by undici, and the jar applies
 * the domain, path, Secure and expiry rules when choosing what to send back.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Stores the cookies of one response's Set-Cookie header values. */
  store(requestUrl: URL, setCookieHeaders: readonly string[]): void {
    const host = requestUrl.hostname.toLowerCase();
    for (const header of setCookieHeaders) {
      const parsed = parseCookie(header);
      if (!parsed) continue;
      const domain = parsed.domain?.toLowerCase();
      // A server may not set cookies for a domain it is not part of.
      if (domain !== undefined && !domainMatches(host, domain)) continue;
      const cookie: StoredCookie = {
        name: parsed.name,
        value: parsed.value,
        domain: domain ?? host,
        hostOnly: domain === undefined,
        path: parsed.path?.startsWith("/") ? parsed.path : defaultPath(requestUrl.pathname),
        secure: parsed.secure === true,
        expiresAt: expiry(parsed.maxAge, parsed.expires, this.#now()),
      };
      const key = `${cookie.domain};${cookie.path};${cookie.name}`;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= this.#now()) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The Cookie header value for a request to this URL, or undefined when no cookie applies. */
  cookieHeader(url: URL): string | undefined {
    const host = url.hostname.toLowerCase();
    const now = this.#now();
    const matching = [...this.#cookies.values()]
      .filter(
        (c) =>
          (c.hostOnly ? host === c.domain : domainMatches(host, c.domain)) &&
          pathMatches(url.pathname, c.path) &&
          (!c.secure || url.protocol === "https:") &&
          (c.expiresAt === undefined || c.expiresAt > now),
      )
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length === 0 ? undefined : matching.map((c) => `${c.name}=${c.value}`).join("; ");
  }
}

function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !/^[\d.]+$|:/.test(host));
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}

function defaultPath(requestPath: string): string {
  const lastSlash = requestPath.lastIndexOf("/");
  return lastSlash <= 0 ? "/" : requestPath.slice(0, lastSlash);
}

function expiry(
  maxAge: number | undefined,
  expires: Date | number | undefined,
  now: number,
): number | undefined {
  if (maxAge !== undefined) return now + maxAge * 1000;
  if (expires === undefined) return undefined;
  const at = typeof expires === "number" ? expires : expires.getTime();
  return Number.isNaN(at) ? undefined : at;
}
