/**
 * The data stage's entry point (contract: ./api.ts): named columns of a CSV or JSON file as
 * float64 arrays, every cell checked.
 */
import type { LoadSeries, Series } from "./api.js";
import { parseCell } from "./cell.js";
import { columnIndices, parseTable, readDataFile, type Table } from "./table.js";

/** Parses the named columns of a table to numbers; `what` names their role in messages ("target"). */
export function selectColumns(table: Table, names: readonly string[], what = "requested"): Series {
  const indices = columnIndices(table, names, what);
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

export const loadSeries: LoadSeries = (file, columns) => selectColumns(parseTable(readDataFile(file), file), columns);
