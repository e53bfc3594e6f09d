/** The page's routes, read from the address's hash (`#/history?outcome=failed`). */
export type Route =
  | { name: "overview" }
  | { name: "escalation"; id: string }
  | { name: "history"; params: URLSearchParams }
  | { name: "verdicts"; params: URLSearchParams }
  | { name: "repo"; params: URLSearchParams }
  /** One repository tag; `params` holds `tag`. */
  | { name: "repo-tag"; params: URLSearchParams };

/** A path segment, decoded; a malformed %-escape is kept as typed (the daemon answers "not found"). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path = "/", query = ""] = hash.split("?", 2);
  const escalation = /^\/escalations\/(.+)$/.exec(path);
  if (escalation?.[1]) return { name: "escalation", id: decoded(escalation[1]) };
  const tag = /^\/repo\/tags\/(.+)$/.exec(path);
  if (tag?.[1]) return { name: "repo-tag", params: new URLSearchParams({ tag: decoded(tag[1]) }) };
  if (path === "/history") return { name: "history", params: new URLSearchParams(query) };
  if (path === "/verdicts") return { name: "verdicts", params: new URLSearchParams(query) };
  if (path === "/repo") return { name: "repo", params: new URLSearchParams(query) };
  return { name: "overview" };
}

/** The nav entry a route belongs to (a tag's page is part of the repository's). */
export function sectionOf(route: Route): string {
  return route.name === "repo-tag" ? "repo" : route.name;
}
