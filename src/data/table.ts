/**
 * Reading a data file: CSV with a header line, or a JSON array of records. The caller chooses
 * its columns by name once the header is known; only those are parsed, to numbers, every cell
 * checked, so columns nobody asked for (a date, a label) may hold text.
 */
import { isUtf8 } from "node:buffer";
import { InputError } from "../errors.js";
import { sha256 } from "../util/hash.js";
import { readInputBytes } from "../util/read-input-file.js";
import type { Series } from "./api.js";
import { parseCell } from "./cell.js";
import { columnIndices, type ColumnChoice, type ColumnsRead } from "./columns.js";
import { readCsvColumns } from "./csv.js";
import { readJsonTable } from "./json.js";

export type { ColumnChoice, ColumnsRead } from "./columns.js";

/** A table held whole (JSON records): the header and raw cells, not yet numbers. */
export interface Table {
  file: string;
  /** Column names as found (surrounding spaces removed), in file order. */
  header: string[];
  /** Data rows, the header excluded. */
  rows: number;
  /** Raw cell of data row r (0-based) in header column c: any JSON value. */
  cell(r: number, c: number): unknown;
  /** Where data row r's cell of a column is, for messages: `record [14], field "temp"`. */
  place(r: number, column: string): string;
  /** Cells are separated by `;`, so a decimal comma (`1,5`) is read as a decimal point. */
  decimalComma: boolean;
}

/** The bytes of a data file (hashed into the model file), or an InputError naming the file. */
export function readDataFile(file: string): Uint8Array {
  return readInputBytes(file, "data file");
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** The first byte that is not whitespace, or -1. */
function firstNonBlank(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if (!WHITESPACE.has(bytes[i]!)) return i;
  return -1;
}

/**
 * Parses a data file's chosen columns: a JSON array of records when the name ends in `.json` or
 * the text starts with `[`, otherwise CSV with a header line.
 */
export function readColumns(bytes: Uint8Array, file: string, choose: ColumnChoice): ColumnsRead {
  if (!isUtf8(bytes)) throw new InputError(file, "", "not UTF-8 text; a CSV or JSON file expected (export it as UTF-8)");
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(bom);
  const first = firstNonBlank(body);
  if (first < 0) throw new InputError(file, "", "empty file; a header line and data rows expected");
  if (/\.json$/i.test(file) || body[first] === 0x5b /* [ */) {
    const table = readJsonTable(new TextDecoder().decode(body), file);
    const { names, what } = choose(table.header);
    return { header: table.header, series: selectColumns(table, names, what) };
  }
  return readCsvColumns(body, file, choose);
}

/** readColumns on a file, with the sha256 of its bytes (recorded in model files); the bytes are not kept. */
export function readSeriesFile(file: string, choose: ColumnChoice): ColumnsRead & { hash: string } {
  const bytes = readDataFile(file);
  return { ...readColumns(bytes, file, choose), hash: sha256(bytes) };
}

/** Parses the named columns of a table to numbers; `what` names their role in messages ("target"). */
export function selectColumns(table: Table, names: readonly string[], what = "requested"): Series {
  const indices = columnIndices(table.header, names, what, table.file);
  const columns = new Map<string, Float64Array>();
  names.forEach((name, k) => {
    const c = indices[k]!;
    const values = new Float64Array(table.rows);
    for (let r = 0; r < table.rows; r++) {
      values[r] = parseCell(table.cell(r, c), { file: table.file, place: table.place(r, name), decimalComma: table.decimalComma });
    }
    columns.set(name, values);
  });
  return { file: table.file, rows: table.rows, columns };
}
