import { afterEach, beforeEach } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/types.js";
import { tmpDir } from "./tmp-dir.js";

/** A fresh SQLite store file for each test, closed and removed afterwards; `onOpen` receives it. */
export function withTempStore(onOpen: (store: Store) => void): void {
  let dir: ReturnType<typeof tmpDir> | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    dir = tmpDir();
    store = await openStore("sqlite:store.db", { baseDir: dir.path });
    onOpen(store);
  });
  afterEach(async () => {
    await store?.close();
    dir?.remove();
  });
}
