/**
 * CSV with a header line, as spreadsheets and loggers export it: UTF-8 with or without a BOM,
 * LF or CRLF line ends, quoted cells (RFC 4180, via csv-parse), blank lines at the end ignored.
 * The cell separator is detected from the header line: `,`, `;` or a tab, whichever occurs
 * most often outside quotes (`,` for a one-column file). Every row must have as many cells as
 * the header; a blank line inside the data is an error, not a skipped row, because skipping it
 * would silently shift a time series.
 *
 * Only the chosen columns are kept, as numbers, while the file is parsed: no row of text outlives
 * its record, so a file of millions of rows costs its bytes and eight bytes per number kept.
 */
import { CsvError, parse } from "csv-parse/sync";
import { InputError } from "../errors.js";
import { parseCell, type CellContext } from "./cell.js";
import { ColumnBuilder, columnIndices, type ColumnChoice, type ColumnsRead } from "./columns.js";

type Delimiter = "," | ";" | "\t";

/** The separator that occurs most often, outside quotes, in the first line. */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && (ch === "," || ch === ";" || ch === "\t")) counts[ch]++;
  }
  let best: Delimiter = ",";
  for (const d of [";", "\t"] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/** The header line's text, for detecting the separator (a header is far shorter than this). */
const HEADER_BYTES = 1 << 16;

const isBlank = (r: string[]) => r.length === 1 && r[0]!.trim() === "";

/** `bytes`: the file without its BOM. */
export function readCsvColumns(bytes: Uint8Array, file: string, choose: ColumnChoice): ColumnsRead {
  const delimiter = detectDelimiter(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEADER_BYTES)).toString("utf8"));
  const sep = delimiter === "\t" ? "tab" : `"${delimiter}"`;
  let header: string[] | null = null;
  let names: readonly string[] = [];
  let indices: number[] = [];
  let columns: ColumnBuilder[] = [];
  let chosen = false;
  // csv-parse reports the line a record ends on; a record starts on the line after the previous
  // one ends (no line is skipped), which is the line a user looks for.
  let prevEnd = 0;
  let line = 0;
  let rows = 0;
  let column = "";
  // A blank line is an error only when data follows it (blank lines may end the file).
  let blankLine: number | null = null;
  const cell: CellContext = {
    file,
    decimalComma: delimiter === ";",
    get place() {
      return `line ${line}, column ${JSON.stringify(column)}`;
    },
  };
  const takeRow = (cells: string[]) => {
    if (cells.length !== header!.length) {
      throw new InputError(file, `line ${line}`, `${cells.length} cells found, ${header!.length} expected as in the header (cells separated by ${sep})`);
    }
    for (let k = 0; k < indices.length; k++) {
      column = names[k]!;
      columns[k]!.push(parseCell(cells[indices[k]!], cell));
    }
    rows++;
  };
  const onRecord = (cells: string[], info: { lines: number }): null => {
    const start = prevEnd + 1;
    prevEnd = info.lines;
    if (header === null) {
      header = cells.map((h) => h.trim());
      return null;
    }
    if (isBlank(cells)) {
      blankLine ??= start;
      return null;
    }
    if (!chosen) {
      const c = choose(header);
      names = c.names;
      indices = columnIndices(header, names, c.what, file);
      columns = names.map(() => new ColumnBuilder());
      chosen = true;
    }
    if (blankLine !== null) {
      if (header.length > 1) {
        throw new InputError(file, `line ${blankLine}`, `blank line inside the data; a row of ${header.length} cells expected (blank lines may only end the file)`);
      }
      line = blankLine; // one column: the blank line is an empty cell
      takeRow([""]);
    }
    line = start;
    takeRow(cells);
    return null;
  };
  try {
    parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { delimiter, relax_column_count: true, skip_empty_lines: false, on_record: onRecord });
  } catch (err) {
    if (err instanceof CsvError) {
      const at = (err as CsvError & { lines?: number }).lines;
      throw new InputError(file, at ? `line ${at}` : "", `not valid CSV (${err.message.replace(/ at line \d+/, "")})`);
    }
    throw err;
  }
  if (header === null) throw new InputError(file, "", "empty file; a header line and data rows expected");
  const found: string[] = header;
  if (!chosen) throw new InputError(file, "", `header only (columns ${found.join(", ")}); data rows expected`);
  return { header: found, series: { file, rows, columns: new Map(names.map((n, k) => [n, columns[k]!.done()])) } };
}
