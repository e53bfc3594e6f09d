import type { PickleTable } from "@cucumber/messages";

/** A step's data table, with the same methods as cucumber-js's DataTable. */
export class DataTable {
  private readonly cells: readonly (readonly string[])[];

  constructor(source: readonly (readonly string[])[] | PickleTable) {
    this.cells = Array.isArray(source)
      ? source.map((row) => [...row])
      : (source as PickleTable).rows.map((row) => row.cells.map((cell) => cell.value));
  }

  /** Every row, header included, as arrays of cells. */
  raw(): string[][] {
    return this.cells.map((row) => [...row]);
  }

  /** Every row except the header. */
  rows(): string[][] {
    return this.raw().slice(1);
  }

  /** One object per row after the header, keyed by the header's cells. */
  hashes(): Record<string, string>[] {
    const [header, ...rows] = this.raw();
    if (header === undefined) return [];
    return rows.map((row) => Object.fromEntries(header.map((key, i) => [key, row[i] ?? ""])));
  }

  /** A two-column table as one object: first column keys, second column values. */
  rowsHash(): Record<string, string> {
    const result: Record<string, string> = {};
    for (const row of this.cells) {
      if (row.length !== 2)
        throw new Error(
          "rowsHash can only be called on a data table where all rows have exactly two columns",
        );
      result[row[0] as string] = row[1] as string;
    }
    return result;
  }

  /** Rows become columns. */
  transpose(): DataTable {
    const width = Math.max(0, ...this.cells.map((row) => row.length));
    const transposed: string[][] = [];
    for (let col = 0; col < width; col++) transposed.push(this.cells.map((row) => row[col] ?? ""));
    return new DataTable(transposed);
  }
}
