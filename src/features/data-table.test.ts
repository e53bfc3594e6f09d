import { describe, expect, it } from "vitest";
import { DataTable } from "./data-table.js";

describe("DataTable", () => {
  const table = new DataTable([
    ["name", "age"],
    ["ann", "31"],
    ["bob", "42"],
  ]);

  it("gives raw cells, rows without the header, and hashes", () => {
    expect(table.raw()).toEqual([
      ["name", "age"],
      ["ann", "31"],
      ["bob", "42"],
    ]);
    expect(table.rows()).toEqual([
      ["ann", "31"],
      ["bob", "42"],
    ]);
    expect(table.hashes()).toEqual([
      { name: "ann", age: "31" },
      { name: "bob", age: "42" },
    ]);
  });

  it("turns two columns into a hash and transposes", () => {
    expect(table.rowsHash()).toEqual({ name: "age", ann: "31", bob: "42" });
    expect(table.transpose().raw()).toEqual([
      ["name", "ann", "bob"],
      ["age", "31", "42"],
    ]);
    expect(() => new DataTable([["a", "b", "c"]]).rowsHash()).toThrow(/two columns/);
  });

  it("reads a pickle table", () => {
    const pickleTable = { rows: [{ cells: [{ value: "x" }, { value: "y" }] }] };
    expect(new DataTable(pickleTable).raw()).toEqual([["x", "y"]]);
  });
});
