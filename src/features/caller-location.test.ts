import { describe, expect, it } from "vitest";
import { locationFromStack } from "./caller-location.js";

const dataUrlCode =
  "__filename%3D%22%2Ftmp%2Floc%2Fsteps%2Fs.ts%22%3B(()%3D%3E%7Brequire%20%3D%20require(%22node%3Amodule%22))%7D)()%0A";

describe("locationFromStack", () => {
  it("skips Escalator's own frames and reads a file URL frame", () => {
    const stack = [
      "Error",
      "    at callerLocation (file:///work/main/dist/features/caller-location.js:12:19)",
      "    at Given (file:///work/main/dist/features/dsl.js:34:5)",
      "    at file:///home/op/features/steps/shop.ts:7:1",
    ].join("\n");
    expect(locationFromStack(stack)).toEqual({ file: "/home/op/features/steps/shop.ts", line: 7 });
  });

  it("finds the real path of a tsx CommonJS-mode file run as a data: URL with parentheses in its code", () => {
    const frame = `data:text/javascript,${dataUrlCode}?filePath=%2Ftmp%2Floc%2Fsteps%2Fs.ts%3Fnamespace%3Dabc:2:67`;
    const stack = ["Error", `    at ${frame}`, `    at Object.<anonymous> (${frame})`].join("\n");
    expect(locationFromStack(stack)).toEqual({ file: "/tmp/loc/steps/s.ts", line: 2 });
  });

  it("gives undefined when every frame is internal", () => {
    expect(locationFromStack("Error\n    at node:internal/modules/run_main:1:1")).toBeUndefined();
  });
});
