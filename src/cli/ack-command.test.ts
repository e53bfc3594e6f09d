import { afterEach, describe, expect, it, vi } from "vitest";
import { currentUser } from "./ack-command.js";

const noPasswdEntry = (): string => {
  const error = new Error("ENOENT: no such file or directory, uv_os_get_passwd") as NodeJS.ErrnoException;
  error.code = "ENOENT";
  throw error;
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("currentUser", () => {
  it("is the passwd user name when there is one", () => {
    expect(currentUser(() => "alice")).toBe("alice");
  });

  it("falls back to $USER, then $LOGNAME, then the uid when the UID has no passwd entry", () => {
    vi.stubEnv("USER", "builder");
    vi.stubEnv("LOGNAME", "logname-user");
    expect(currentUser(noPasswdEntry)).toBe("builder");
    vi.stubEnv("USER", undefined);
    expect(currentUser(noPasswdEntry)).toBe("logname-user");
    vi.stubEnv("LOGNAME", undefined);
    expect(currentUser(noPasswdEntry)).toBe(`uid:${process.getuid?.()}`);
  });
});
