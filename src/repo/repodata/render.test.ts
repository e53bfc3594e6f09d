import { describe, expect, it } from "vitest";
import { isPrimaryFile, parseDepVersion } from "./dependencies.js";
import { renderFragments } from "./render.js";
import { keptChangelogs } from "./render-other.js";
import { dep, testRecord } from "./test-record.test-helper.js";
import { escapeAttr, escapeText } from "./xml-escape.js";

const render = (rpm: Parameters<typeof testRecord>[0], limit = 10) =>
  renderFragments(testRecord(rpm), { changelogLimit: limit });

describe("xml escaping (libxml2's serialisation)", () => {
  it("escapes text and attributes like createrepo_c", () => {
    expect(escapeText(`a & <b> "c" ü\r`)).toBe(`a &amp; &lt;b&gt; "c" ü&#13;`);
    expect(escapeAttr(`a & <b> "c" ü\t\n`)).toBe("a &amp; &lt;b&gt; &quot;c&quot; &#xFC;&#9;&#10;");
    expect(escapeAttr("😀")).toBe("&#x1F600;");
  });

  it("drops characters XML 1.0 forbids instead of writing broken XML", () => {
    expect(escapeText("a\u0000b\u0007c\u001fd\ufffee\ud800f")).toBe("abcdef");
    expect(escapeAttr("x\u0001y")).toBe("xy");
    const { primary } = render({ summary: "bad\u0002summary", description: "tab\tand\nnewline kept" });
    expect(primary).toContain("<summary>badsummary</summary>");
    expect(primary).toContain("<description>tab\tand\nnewline kept</description>");
  });
});

describe("primary.xml", () => {
  it("writes the package elements in createrepo_c's layout", () => {
    const { primary } = render({ epoch: undefined, summary: "A & B", url: undefined });
    expect(primary).toBe(
      [
        '<package type="rpm">',
        "  <name>t</name>",
        "  <arch>noarch</arch>",
        '  <version epoch="0" ver="1.0" rel="1"/>',
        `  <checksum type="sha256" pkgid="YES">${"ab".repeat(32)}</checksum>`,
        "  <summary>A &amp; B</summary>",
        "  <description>D</description>",
        "  <packager></packager>",
        "  <url></url>",
        '  <time file="1700000000" build="1690000000"/>',
        '  <size package="1234" installed="10" archive="20"/>',
        '  <location href="Packages/t-1.0-1.noarch.rpm"/>',
        "  <format>",
        "    <rpm:license>MIT</rpm:license>",
        "    <rpm:vendor></rpm:vendor>",
        "    <rpm:group>Unspecified</rpm:group>",
        "    <rpm:buildhost>host</rpm:buildhost>",
        "    <rpm:sourcerpm>t-1.0-1.src.rpm</rpm:sourcerpm>",
        '    <rpm:header-range start="4504" end="6000"/>',
        "  </format>",
        "</package>",
        "",
      ].join("\n"),
    );
  });

  it("maps flags to LT GT EQ LE GE, splits epoch:version-release, defaults the epoch to 0", () => {
    const { primary } = render({
      provides: [dep("p1", 8, "1:2.0-3"), dep("p2", 0, ""), dep("p3", 12, "4.0"), dep("p4", 6, "9")],
      conflicts: [dep("c1", 2, "1.0"), dep("c2", 10, "0:1-2"), dep("c3", 4, "1~rc-1^x")],
      enhances: [dep("bad-epoch", 8, "x:1.0")],
    });
    expect(primary).toContain('<rpm:entry name="p1" flags="EQ" epoch="1" ver="2.0" rel="3"/>');
    expect(primary).toContain('<rpm:entry name="p2"/>');
    expect(primary).toContain('<rpm:entry name="p3" flags="GE" epoch="0" ver="4.0"/>');
    expect(primary).toContain('<rpm:entry name="p4"/>'); // LT|GT is no valid sense
    expect(primary).toContain('<rpm:entry name="c1" flags="LT" epoch="0" ver="1.0"/>');
    expect(primary).toContain('<rpm:entry name="c2" flags="LE" epoch="0" ver="1" rel="2"/>');
    expect(primary).toContain('<rpm:entry name="c3" flags="GT" epoch="0" ver="1~rc" rel="1^x"/>');
    expect(primary).not.toContain("bad-epoch");
    expect(primary).not.toContain("<rpm:enhances>");
    expect(parseDepVersion("2:1.0-1-2")).toEqual({ epoch: "2", ver: "1.0", rel: "1-2" });
    expect(parseDepVersion("1.0-")).toEqual({ epoch: "0", ver: "1.0" });
  });

  it("filters requires: rpmlib, own primary files, own provides, repeats; marks pre", () => {
    const { primary } = render({
      provides: [dep("api", 8, "1.0"), dep("/usr/sbin/sendmail")],
      files: [
        { path: "/usr/bin/tool", mode: 0o100755, flags: 0, size: 1, type: "file" },
        { path: "/usr/share/t/data", mode: 0o100644, flags: 0, size: 1, type: "file" },
      ],
      requires: [
        dep("rpmlib(CompressedFileNames)", 8 | (1 << 24), "3.0.4-1"),
        dep("/usr/bin/tool"), // own primary file: dropped
        dep("/usr/share/t/data"), // own file, not primary: kept
        dep("api", 8, "1.0"), // own provide: dropped
        dep("api", 12, "1.0"), // different flags: kept
        dep("/bin/sh", 512 | 256, "", true),
        dep("/bin/sh", 1024 | 256, "", true), // same as the one before: dropped
        dep("/bin/sh", 2048 | 256, "", false), // pre differs: kept
        dep("/bin/sh", 16384, "", false), // same as the one before: dropped
        dep("libc.so.6(GLIBC_2.3)(64bit)"),
        dep("libc.so.6(GLIBC_2.14)(64bit)"),
        dep("libc.so.6(GLIBC_2.4)(64bit)"),
        dep("zlib", 12, "1.2"),
      ],
    });
    const requires = primary.slice(primary.indexOf("<rpm:requires>"), primary.indexOf("</rpm:requires>"));
    expect(requires.split("\n").slice(1, -1)).toEqual([
      '      <rpm:entry name="/usr/share/t/data"/>',
      '      <rpm:entry name="api" flags="GE" epoch="0" ver="1.0"/>',
      '      <rpm:entry name="/bin/sh" pre="1"/>',
      '      <rpm:entry name="/bin/sh"/>',
      '      <rpm:entry name="zlib" flags="GE" epoch="0" ver="1.2"/>',
      '      <rpm:entry name="libc.so.6(GLIBC_2.14)(64bit)"/>',
    ]);
  });

  it("writes the lists in createrepo_c's order and only the primary files", () => {
    const { primary, filelists } = render({
      provides: [dep("p")],
      requires: [dep("r")],
      conflicts: [dep("c")],
      obsoletes: [dep("o")],
      suggests: [dep("s")],
      enhances: [dep("e")],
      recommends: [dep("rc")],
      supplements: [dep("su")],
      files: [
        { path: "/etc/t", mode: 0o40755, flags: 0, size: 0, type: "dir" },
        { path: "/etc/t/t.conf", mode: 0o100644, flags: 1, size: 1, type: "file" },
        { path: "/opt/t/sbin/x", mode: 0o100755, flags: 0, size: 1, type: "file" },
        { path: "/usr/lib/sendmail", mode: 0o100755, flags: 0, size: 1, type: "file" },
        { path: "/usr/share/t/a & b", mode: 0o100644, flags: 0, size: 1, type: "file" },
        { path: "/var/log/t.log", mode: 0o100644, flags: 64, size: 0, type: "ghost" },
        { path: "/etc/t/state", mode: 0o100644, flags: 64, size: 0, type: "ghost" },
      ],
    });
    const order = ["provides", "requires", "conflicts", "obsoletes", "suggests", "enhances", "recommends"];
    const positions = [...order, "supplements"].map((k) => primary.indexOf(`<rpm:${k}>`));
    expect(positions.every((p, i) => p > 0 && (i === 0 || p > (positions[i - 1] ?? 0)))).toBe(true);
    expect(primary).toContain(
      [
        '    <file type="dir">/etc/t</file>',
        "    <file>/etc/t/t.conf</file>",
        "    <file>/opt/t/sbin/x</file>",
        "    <file>/usr/lib/sendmail</file>",
        '    <file type="ghost">/etc/t/state</file>',
        "  </format>",
      ].join("\n"),
    );
    expect(filelists).toContain("<file>/usr/share/t/a &amp; b</file>");
    expect(filelists).toContain('<file type="ghost">/var/log/t.log</file>');
    expect(isPrimaryFile("/usr/lib/sendmail.d")).toBe(false);
    expect(isPrimaryFile("/etc")).toBe(false);
    expect(isPrimaryFile("/usr/local/bin/x")).toBe(true);
  });
});

describe("other.xml", () => {
  const day = 86_400;
  const logs = Array.from({ length: 12 }, (_, i) => ({
    time: 1_700_000_000 - i * day,
    author: `Dev ${12 - i} <d@example.org>  `,
    text: `- entry ${12 - i} & <more>`,
  }));

  it("keeps the newest `limit` entries, oldest first, authors trimmed", () => {
    const { other } = render({ changelogs: logs }, 10);
    const authors = [...other.matchAll(/author="([^"]*)"/g)].map((m) => m[1]);
    expect(authors).toEqual(Array.from({ length: 10 }, (_, i) => `Dev ${i + 3} &lt;d@example.org&gt;`));
    expect(other).toContain(`date="${1_700_000_000}">- entry 12 &amp; &lt;more&gt;</changelog>`);
    expect(render({ changelogs: logs }, 0).other).not.toContain("<changelog");
    expect(keptChangelogs(logs, -1)).toHaveLength(12);
  });

  it("moves the newer of entries with the same time one second later, as createrepo_c does", () => {
    const same = [
      { time: 100, author: "a", text: "newest" },
      { time: 100, author: "b", text: "middle" },
      { time: 100, author: "c", text: "oldest" },
      { time: 50, author: "d", text: "older" },
    ];
    expect(keptChangelogs(same, 10).map((c) => [c.text, c.date])).toEqual([
      ["older", 50],
      ["oldest", 100],
      ["middle", 101],
      ["newest", 102],
    ]);
  });

  it("writes filelists and other with the pkgid, name, arch and version", () => {
    const { filelists, other } = render({ epoch: 3, name: "n&m", arch: "x86_64" });
    const open = `<package pkgid="${"ab".repeat(32)}" name="n&amp;m" arch="x86_64">\n  <version epoch="3" ver="1.0" rel="1"/>\n`;
    expect(filelists).toBe(`${open}</package>\n`);
    expect(other).toBe(`${open}</package>\n`);
  });
});
