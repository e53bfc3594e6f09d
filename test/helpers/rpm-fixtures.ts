/**
 * A small, realistic set of RPMs built with rpmbuild at test time (nothing cached across runs), shared
 * by the repository tests. Together they cover: epochs (absent, 0, 2); `~` and `^` versions; versioned
 * provides and requires; Requires(pre/post/pretrans/posttrans/preun); weak dependencies (including a
 * rich one); conflicts and obsoletes; more than ten changelog entries, some on the same day; ghost
 * files, %dir and %config; files under /etc, /usr/bin, /usr/sbin, /usr/lib/sendmail and other "bin/"
 * paths (createrepo_c's primary files); requires that the package satisfies itself; UTF-8 text and
 * `&<>"` in text and file names; noarch and host-arch (x86_64 here) packages; and a source RPM.
 */
import { basename } from "node:path";
import { buildRpm } from "./build-rpm.js";

const DAY = 86_400_000;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Mon Jan 01 2024" as %changelog wants it (the weekday must be right). */
function changelogDate(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, "0");
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${d.getUTCFullYear()}`;
}

/** `count` entries, newest first; entries 3 and 4 share a day (createrepo_c then shifts their times). */
function changelog(count: number): string {
  const newest = Date.UTC(2024, 5, 30);
  const lines: string[] = [];
  let day = 0;
  for (let i = 0; i < count; i++) {
    if (i !== 4) day += 3;
    const who = i % 2 === 0 ? "Jürgen Müller <jm@example.org>" : "Ada & Bob <ab@example.org>";
    lines.push(`* ${changelogDate(newest - day * DAY)} ${who} - 1.0~rc1-${count - i}`);
    lines.push(`- Entry ${count - i}: fixed <tag> & "quotes" — ünïcödé ✓`);
    if (i % 3 === 0) lines.push(`- Second line of entry ${count - i}`);
    lines.push("");
  }
  return lines.join("\n");
}

const ALPHA = `Name: esc-alpha
Epoch: 2
Version: 1.0~rc1
Release: 3
Summary: Alpha tools — "fast" & <safe> ünïcödé
License: MIT and GPL-2.0-or-later
URL: https://example.org/alpha?x=1&y=2
Vendor: Escalator & Co
Packager: Jürgen Müller <jm@example.org>
Group: System/Tools
BuildRequires: make
Provides: alpha-api = 3.1-2
Provides: alpha-virtual
Provides: alpha-epoch = 1:4.0
Requires: bash >= 4.0
Requires: esc-common
Requires: alpha-api = 3.1-2
Requires: /usr/bin/alpha
Requires: /etc/alpha/alpha.conf
Requires: /usr/share/alpha/data.txt
Requires(pre): shadow-utils
Requires(post): coreutils >= 8
Requires(pretrans): grep
Requires(posttrans): sed
Requires(preun): findutils
Recommends: less >= 1:500
Suggests: vim
Supplements: (esc-beta and esc-gamma)
Enhances: esc-gamma > 0.1
Conflicts: esc-old < 1.0
Conflicts: esc-broken = 0:2.0-1
Obsoletes: esc-legacy <= 0.9-1

%description
Alpha is the first fixture package.
It has "quotes", <angle brackets> & ampersands,
  indented lines, and ünïcödé — ✓.

%pre
true

%post
true

%preun
true

%install
mkdir -p %{buildroot}/etc/alpha %{buildroot}/usr/bin %{buildroot}/usr/sbin %{buildroot}/opt/alpha/sbin
mkdir -p %{buildroot}/usr/share/alpha %{buildroot}/var/lib/alpha
echo "key=value" > %{buildroot}/etc/alpha/alpha.conf
printf '#!/bin/sh\\necho alpha\\n' > %{buildroot}/usr/bin/alpha
chmod 755 %{buildroot}/usr/bin/alpha
ln -s alpha %{buildroot}/usr/bin/alpha-link
printf '#!/bin/sh\\n' > %{buildroot}/usr/sbin/alphad
printf 'tool' > %{buildroot}/opt/alpha/sbin/tool
printf 'data' > %{buildroot}/usr/share/alpha/data.txt
printf 'odd' > "%{buildroot}/usr/share/alpha/a & <b> 'c'.txt"

%files
%dir /etc/alpha
%config(noreplace) /etc/alpha/alpha.conf
%ghost /etc/alpha/state
/usr/bin/alpha
/usr/bin/alpha-link
/usr/sbin/alphad
%dir /opt/alpha
/opt/alpha/sbin
%dir /usr/share/alpha
/usr/share/alpha/data.txt
"/usr/share/alpha/a & <b> 'c'.txt"
%dir /var/lib/alpha
%ghost /var/lib/alpha/cache.db

%changelog
${changelog(12)}`;

const BETA = `Name: esc-beta
Version: 2.0^git20240101.abc
Release: 1
Summary: Beta: a noarch package with a caret version
License: Apache-2.0
URL: https://example.org/beta
BuildArch: noarch
Provides: beta-service = 2.0
Requires: esc-alpha >= 2:1.0~rc1
Requires: esc-alpha < 3
Recommends: esc-delta
Suggests: esc-gamma >= 0:0.5-1.el9~beta
Supplements: esc-alpha
Enhances: esc-alpha

%description
Beta's description: 5 > 3 && 2 < 4.
Ça marche. 日本語のテキスト.

%install
mkdir -p %{buildroot}/usr/share/beta %{buildroot}/usr/lib/beta/bin
printf 'readme' > %{buildroot}/usr/share/beta/README
printf 'x' > %{buildroot}/usr/lib/beta/bin/helper

%files
%doc /usr/share/beta/README
/usr/lib/beta

%changelog
* Mon Jan 01 2024 Zoë Ångström <zoe@example.org> - 2.0^git20240101.abc-1
- Première version — naïve café
- Handles a < b & c > d
`;

const GAMMA = `Name: esc-gamma
Epoch: 0
Version: 0.5
Release: 1.el9~beta
Summary: Gamma replaces esc-old and has no files
License: BSD-3-Clause
BuildArch: noarch
Provides: esc-old = 1.0
Obsoletes: esc-old < 1.0
Conflicts: esc-alpha < 2:1.0
Enhances: esc-beta

%description
Gamma.

%files
`;

const DELTA = `Name: esc-delta
Version: 10.4
Release: 7
Summary: Delta carries sendmail and other primary files
License: GPL-3.0-only
Group: Networking

Provides: MTA
Provides: /usr/sbin/sendmail
Requires: /usr/lib/sendmail
Requires: /etc/delta.conf
Requires: /usr/libexec/delta/notes
Requires: MTA
Requires(post): /bin/sh

%description
Delta.

%post
true

%install
mkdir -p %{buildroot}/usr/lib %{buildroot}/etc %{buildroot}/usr/libexec/delta/bin %{buildroot}/usr/local/sbin
printf 'mail' > %{buildroot}/usr/lib/sendmail
chmod 755 %{buildroot}/usr/lib/sendmail
printf 'conf' > %{buildroot}/etc/delta.conf
printf 'x' > %{buildroot}/usr/libexec/delta/bin/worker
printf 'n' > %{buildroot}/usr/libexec/delta/notes
printf 's' > %{buildroot}/usr/local/sbin/deltactl

%files
/usr/lib/sendmail
%config /etc/delta.conf
%ghost %config(missingok) /etc/delta.local
/usr/libexec/delta
/usr/local/sbin/deltactl
`;

const EPSILON = `Name: esc-epsilon
Version: 1.0~~pre
Release: 0.1
Summary: Epsilon depends on everything
License: MIT
BuildArch: noarch
Requires: esc-beta = 2.0^git20240101.abc-1
Requires: esc-gamma >= 0:0.5
Requires: (esc-delta or esc-alpha)
Recommends: (esc-delta if esc-alpha)
Suggests: esc-alpha = 2:1.0~rc1-3
Conflicts: esc-beta > 3
Obsoletes: esc-epsilon-old

%description
Epsilon.

%install
mkdir -p %{buildroot}/usr/share/epsilon
printf 'e' > %{buildroot}/usr/share/epsilon/e

%files
/usr/share/epsilon

%changelog
* Fri Mar 01 2024 Solo <solo@example.org> - 1.0~~pre-0.1
- Only entry
`;

/**
 * Builds the fixture set into `dir` (one rpmbuild topdir per spec) and returns the .rpm paths, sorted by
 * file name:
 * esc-alpha (host arch) and its source RPM, esc-beta, esc-gamma, esc-epsilon (noarch), esc-delta
 * (host arch).
 */
export async function buildFixturePackages(rpmbuild: string, dir: string): Promise<string[]> {
  const builds = await Promise.all([
    buildRpm(rpmbuild, dir, ALPHA, "-bb"),
    buildRpm(rpmbuild, dir, ALPHA, "-bs"),
    buildRpm(rpmbuild, dir, BETA, "-bb"),
    buildRpm(rpmbuild, dir, GAMMA, "-bb"),
    buildRpm(rpmbuild, dir, DELTA, "-bb"),
    buildRpm(rpmbuild, dir, EPSILON, "-bb"),
  ]);
  return builds.flat().sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0));
}

/** The names of the fixture packages (binary and source). */
export const FIXTURE_NAMES = ["esc-alpha", "esc-beta", "esc-delta", "esc-epsilon", "esc-gamma"] as const;
