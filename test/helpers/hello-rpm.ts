/**
 * The "hello" package the Yumtags tests build (noarch, one file holding its version). Another
 * `note` gives another build of the same NEVRA with other content.
 */
export function helloSpec(version: string, note = ""): string {
  return `Name: hello
Version: ${version}
Release: 1
Summary: Says hello
License: MIT
BuildArch: noarch

%description
Says hello ${note}

%install
mkdir -p %{buildroot}/usr/share/hello
echo "${version} ${note}" > %{buildroot}/usr/share/hello/version

%files
/usr/share/hello/version
`;
}
