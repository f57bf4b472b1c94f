/**
 * Choosing columns by name once a file's header is known, and collecting their numbers as the
 * rows arrive: shared by the CSV reader (which keeps no row once its numbers are taken) and the
 * JSON reader.
 */
import { InputError } from "../errors.js";
import type { Series } from "./api.js";

/**
 * Which columns to read, decided from the header (a model reads its targets only where the file
 * has them), and their role in messages ("requested", "feature").
 */
export type ColumnChoice = (header: readonly string[]) => { names: readonly string[]; what: string };

export interface ColumnsRead {
  /** Column names as found (surrounding spaces removed), in file order. */
  header: string[];
  /** The chosen columns as numbers. */
  series: Series;
}

/** Header index of each name, or an InputError listing the columns found. */
export function columnIndices(header: readonly string[], names: readonly string[], what: string, file: string): number[] {
  return names.map((name) => {
    const at = header.indexOf(name);
    if (at < 0) {
      const found = header.map((h) => JSON.stringify(h)).join(", ");
      throw new InputError(file, "header", `${what} column ${JSON.stringify(name)} not found; columns found: ${found}`);
    }
    if (header.indexOf(name, at + 1) >= 0) {
      throw new InputError(file, "header", `column ${JSON.stringify(name)} appears more than once; one column per name expected`);
    }
    return at;
  });
}

/** Numbers of one column, row by row, without knowing the row count ahead: capacity doubles. */
export class ColumnBuilder {
  private values = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(2 * this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }

  /** The values, in an array of exactly their length. */
  done(): Float64Array {
    return this.values.slice(0, this.length);
  }
}
