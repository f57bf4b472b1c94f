/**
 * A table read from a data file: the header and raw cells, not yet numbers. Numbers are parsed
 * per requested column (series.ts), so columns nobody asked for (a date, a label) may hold text.
 */
import { InputError } from "../errors.js";
import { readCsvTable } from "./csv.js";
import { readJsonTable } from "./json.js";
import { readInputBytes } from "../util/read-input-file.js";

export interface Table {
  file: string;
  /** Column names as found (surrounding spaces removed), in file order. */
  header: string[];
  /** Data rows, the header excluded. */
  rows: number;
  /** Raw cell of data row r (0-based) in header column c: a string (CSV) or any JSON value. */
  cell(r: number, c: number): unknown;
  /** Where data row r's cell of a column is, for messages: `line 14, column "temp"`. */
  place(r: number, column: string): string;
  /** Cells are separated by `;`, so a decimal comma (`1,5`) is read as a decimal point. */
  decimalComma: boolean;
}

/** The bytes of a data file (hashed into the model file), or an InputError naming the file. */
export function readDataFile(file: string): Uint8Array {
  return readInputBytes(file, "data file");
}

/**
 * Parses a data file: a JSON array of records when the name ends in `.json` or the text starts
 * with `[`, otherwise CSV with a header line.
 */
export function parseTable(bytes: Uint8Array, file: string): Table {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(file, "", "not UTF-8 text; a CSV or JSON file expected (export it as UTF-8)");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new InputError(file, "", "empty file; a header line and data rows expected");
  const isJson = /\.json$/i.test(file) || text.trimStart().startsWith("[");
  return isJson ? readJsonTable(text, file) : readCsvTable(text, file);
}

/** Header index of each name, or an InputError listing the columns found. */
export function columnIndices(table: Table, names: readonly string[], what: string): number[] {
  return names.map((name) => {
    const at = table.header.indexOf(name);
    if (at < 0) {
      const found = table.header.map((h) => JSON.stringify(h)).join(", ");
      throw new InputError(table.file, "header", `${what} column ${JSON.stringify(name)} not found; columns found: ${found}`);
    }
    if (table.header.indexOf(name, at + 1) >= 0) {
      throw new InputError(table.file, "header", `column ${JSON.stringify(name)} appears more than once; one column per name expected`);
    }
    return at;
  });
}
