import { describe, expect, it } from "vitest";
import { byteSize, progressBar, wholeNumber } from "./repo-common.js";

function fakeStream(columns = 60) {
  const writes: string[] = [];
  const stream = { columns, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe("progressBar", () => {
  it("redraws one line with \\r, always draws the end, and clears itself", () => {
    const { stream, writes } = fakeStream();
    const bar = progressBar(stream);
    bar.update(0, 4, "a.rpm");
    bar.update(1, 4, "b.rpm"); // within 50 ms: skipped
    bar.update(4, 4, "done");
    expect(writes).toHaveLength(2);
    expect(writes.every((w) => w.startsWith("\r\u001b[2K") && !w.includes("\n"))).toBe(true);
    expect(writes[1]).toContain("[##############################] 4/4 100% done");
    bar.clear();
    expect(writes.at(-1)).toBe("\r\u001b[2K");
  });

  it("fits the terminal width", () => {
    const { stream, writes } = fakeStream(40);
    progressBar(stream).update(1, 2, "x".repeat(200));
    expect(writes[0]?.replace("\r\u001b[2K", "").length).toBe(39);
  });
});

describe("size and count options", () => {
  it("reads sizes with binary units", () => {
    expect(byteSize("1048576", "--x")).toBe(1_048_576);
    expect(byteSize("512K", "--x")).toBe(524_288);
    expect(byteSize("100M", "--x")).toBe(104_857_600);
    expect(byteSize("2GiB", "--x")).toBe(2 * 1024 ** 3);
    for (const bad of ["", "0", "-1", "1.5M", "lots", "10T"])
      expect(() => byteSize(bad, "--x")).toThrow(/--x must be/);
  });

  it("reads whole numbers", () => {
    expect(wholeNumber("0", "--keep")).toBe(0);
    expect(wholeNumber("12", "--keep", 1)).toBe(12);
    for (const bad of ["-1", "1.5", "x", "", "0"])
      expect(() => wholeNumber(bad, "--keep", 1)).toThrow(/--keep must be/);
  });
});
