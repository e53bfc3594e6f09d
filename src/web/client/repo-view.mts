import { ApiError, getJson } from "./api.mjs";
import type {
  RepoChannel,
  RepoDiff,
  RepoPackageRef,
  RepoTag,
  RepoTagDetail,
  RepoTags,
} from "./api-types.mjs";
import { clockTime, esc } from "./format.mjs";

const at = (iso: string) => clockTime(Date.parse(iso));
const tagHref = (name: string) => `#/repo/tags/${encodeURIComponent(name)}`;
const tagLink = (name: string) => `<a href="${tagHref(name)}">${esc(name)}</a>`;
const repoFileLink = (serveUrl: string | null, kind: "tags" | "channels", name: string) =>
  serveUrl
    ? `<a href="${esc(`${serveUrl}/${kind}/${encodeURIComponent(name)}.repo`)}">${esc(name)}.repo</a>`
    : "—";

/** "1.2 MiB", "840 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

function tagsTable(tags: RepoTag[], serveUrl: string | null): string {
  if (tags.length === 0) return "<p>No tag yet: freeze one with <code>escalator repo tag</code>.</p>";
  const rows = tags
    .map(
      (t) => `<tr data-tag="${esc(t.name)}">
  <th scope="row">${tagLink(t.name)}</th>
  <td>${t.packages}</td>
  <td>${at(t.createdAt)}</td>
  <td>${t.signed ? "signed" : "unsigned"}</td>
  <td>${t.channels.length > 0 ? t.channels.map(esc).join(", ") : "—"}</td>
  ${serveUrl ? `<td>${repoFileLink(serveUrl, "tags", t.name)}</td>` : ""}
</tr>`,
    )
    .join("");
  return `<div class="table-wrap"><table class="words" id="repo-tags"><thead><tr><th scope="col">Tag</th><th scope="col">Packages</th><th scope="col">Created</th><th scope="col">Signature</th><th scope="col">Channels</th>${serveUrl ? '<th scope="col">.repo file</th>' : ""}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function promotion(p: RepoChannel["history"][number]): string {
  const from = p.fromTag === null ? "first promotion" : `from ${esc(p.fromTag)}`;
  return `<li>${at(p.at)}: ${tagLink(p.toTag)} <span class="muted">(${from})</span></li>`;
}

function channelsTable(channels: RepoChannel[], serveUrl: string | null): string {
  if (channels.length === 0)
    return "<p>No channel yet: point one at a tag with <code>escalator repo promote</code>.</p>";
  const rows = channels
    .map(
      (c) => `<tr data-channel="${esc(c.name)}">
  <th scope="row">${esc(c.name)}</th>
  <td>${tagLink(c.tag)}</td>
  <td>${at(c.updatedAt)}</td>
  <td><ol class="promotions" aria-label="Promotions of ${esc(c.name)}, newest first">${c.history.map(promotion).join("")}</ol></td>
  ${serveUrl ? `<td>${repoFileLink(serveUrl, "channels", c.name)}</td>` : ""}
</tr>`,
    )
    .join("");
  return `<div class="table-wrap"><table class="words" id="repo-channels"><thead><tr><th scope="col">Channel</th><th scope="col">Tag</th><th scope="col">Since</th><th scope="col">Promotions</th>${serveUrl ? '<th scope="col">.repo file</th>' : ""}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function tagOptions(tags: RepoTag[], selected: string | null): string {
  return tags
    .map(
      (t) =>
        `<option value="${esc(t.name)}"${t.name === selected ? " selected" : ""}>${esc(t.name)}</option>`,
    )
    .join("");
}

function diffRow(
  change: string,
  name: string,
  from: RepoPackageRef | undefined,
  to: RepoPackageRef | undefined,
) {
  return `<tr data-change="${change}"><td>${change}</td><th scope="row">${esc(name)}</th><td>${from ? esc(from.evr) : "—"}</td><td>${to ? esc(to.evr) : "—"}</td></tr>`;
}

function diffHtml(diff: RepoDiff): string {
  const rows = [
    ...diff.added.map((p) => diffRow("added", `${p.name}.${p.arch}`, undefined, p)),
    ...diff.removed.map((p) => diffRow("removed", `${p.name}.${p.arch}`, p, undefined)),
    ...diff.changed.map((c) => diffRow("changed", `${c.name}.${c.arch}`, c.from, c.to)),
  ].join("");
  const title = `<h4 id="diff-title" tabindex="-1">From ${esc(diff.from)} to ${esc(diff.to)}</h4>`;
  if (!rows) return `${title}<p>The two tags hold the same packages.</p>`;
  return `${title}<p class="muted">${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed</p>
<div class="table-wrap"><table class="words" id="repo-diff"><thead><tr><th scope="col">Change</th><th scope="col">Package</th><th scope="col">In ${esc(diff.from)}</th><th scope="col">In ${esc(diff.to)}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

async function readDiff(from: string, to: string): Promise<string> {
  try {
    return diffHtml(
      await getJson<RepoDiff>(`/api/v1/repo/diff/${encodeURIComponent(from)}/${encodeURIComponent(to)}`),
    );
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    return `<p role="alert">Cannot compare ${esc(from)} with ${esc(to)}: ${esc(error.message)}</p>`;
  }
}

/** The repository page: tags newest first, channels with their promotions, and a diff of two tags. */
export async function repoHtml(params: URLSearchParams): Promise<string> {
  const from = params.get("from");
  const to = params.get("to");
  const { tags, channels, serveUrl } = await getJson<RepoTags>("/api/v1/repo/tags");
  const diff = from && to ? await readDiff(from, to) : "";
  const compare =
    tags.length < 2
      ? "<p>Two tags are needed to compare.</p>"
      : `<form class="filters" data-form="repo-diff">
  <div class="filter"><label for="diff-from">From tag</label><select id="diff-from" name="from">${tagOptions(tags, from ?? tags[1]?.name ?? null)}</select></div>
  <div class="filter"><label for="diff-to">To tag</label><select id="diff-to" name="to">${tagOptions(tags, to ?? tags[0]?.name ?? null)}</select></div>
  <button type="submit">Compare tags</button>
</form>${diff}`;
  return `<h2>Repository tags</h2>
<p class="muted">Frozen package sets (escalator repo), newest first${serveUrl ? `, served at <a href="${esc(serveUrl)}">${esc(serveUrl)}</a>` : ""}.</p>
<section aria-labelledby="repo-tags-title"><h3 id="repo-tags-title">Tags</h3>${tagsTable(tags, serveUrl)}</section>
<section aria-labelledby="repo-channels-title"><h3 id="repo-channels-title">Channels</h3>${channelsTable(channels, serveUrl)}</section>
<section aria-labelledby="repo-compare-title"><h3 id="repo-compare-title">Compare two tags</h3>${compare}</section>`;
}

/** One tag's page: its facts and its packages. */
export async function repoTagHtml(name: string): Promise<string> {
  const back = '<p><a href="#/repo">All tags</a></p>';
  let tag: RepoTagDetail;
  let serveUrl: string | null;
  try {
    [tag, { serveUrl }] = await Promise.all([
      getJson<RepoTagDetail>(`/api/v1/repo/tags/${encodeURIComponent(name)}`),
      getJson<RepoTags>("/api/v1/repo/tags"),
    ]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return `${back}<h2>No tag ${esc(name)}</h2><p role="alert">${esc(error.message)}</p>`;
    }
    throw error;
  }
  const rows = tag.packageList
    .map(
      (p) => `<tr data-nevra="${esc(p.nevra)}">
  <th scope="row">${esc(p.name)}</th>
  <td>${esc(`${p.epoch ? `${p.epoch}:` : ""}${p.version}-${p.release}`)}</td>
  <td>${esc(p.arch)}</td>
  <td>${formatBytes(p.size)}</td>
  <td><code title="${esc(p.sha256)}">${esc(p.sha256.slice(0, 12))}</code></td>
  <td>${at(p.addedAt)}</td>
</tr>`,
    )
    .join("");
  return `${back}<h2>Tag ${esc(tag.name)}</h2>
<ul class="facts">
  <li>${tag.packages} package${tag.packages === 1 ? "" : "s"}</li>
  <li>created ${at(tag.createdAt)}</li>
  <li>${tag.signed ? "signed" : "unsigned"}</li>
  <li>channels: ${tag.channels.length > 0 ? tag.channels.map(esc).join(", ") : "none"}</li>
  ${serveUrl ? `<li>${repoFileLink(serveUrl, "tags", tag.name)}</li>` : ""}
</ul>
${
  rows
    ? `<div class="table-wrap"><table class="words" id="tag-packages"><thead><tr><th scope="col">Package</th><th scope="col">Version</th><th scope="col">Arch</th><th scope="col">Size</th><th scope="col">SHA-256</th><th scope="col">Added</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : "<p>This tag holds no package.</p>"
}`;
}
