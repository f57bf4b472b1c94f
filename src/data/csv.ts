/**
 * CSV with a header line, as spreadsheets and loggers export it: UTF-8 with or without a BOM,
 * LF or CRLF line ends, quoted cells (RFC 4180, via csv-parse), blank lines at the end ignored.
 * The cell separator is detected from the header line: `,`, `;` or a tab, whichever occurs
 * most often outside quotes (`,` for a one-column file). Every row must have as many cells as
 * the header; a blank line inside the data is an error, not a skipped row, because skipping it
 * would silently shift a time series.
 */
import { CsvError, parse } from "csv-parse/sync";
import { InputError } from "../errors.js";
import type { Table } from "./table.js";

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

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

export function readCsvTable(text: string, file: string): Table {
  const delimiter = detectDelimiter(text);
  let parsed: ParsedRecord[];
  try {
    parsed = parse(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: false }) as unknown as ParsedRecord[];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new InputError(file, line ? `line ${line}` : "", `not valid CSV (${err.message.replace(/ at line \d+/, "")})`);
    }
    throw err;
  }
  // csv-parse reports the line a record ends on; a record starts on the line after the previous
  // one ends (no line is skipped), which is the line a user looks for.
  const startLine: number[] = [];
  let prevEnd = 0;
  for (const p of parsed) {
    startLine.push(prevEnd + 1);
    prevEnd = p.info.lines;
  }
  const isBlank = (r: string[]) => r.length === 1 && r[0]!.trim() === "";
  let end = parsed.length;
  while (end > 0 && isBlank(parsed[end - 1]!.record)) end--;
  if (end === 0) throw new InputError(file, "", "empty file; a header line and data rows expected");

  const header = parsed[0]!.record.map((h) => h.trim());
  if (end === 1) throw new InputError(file, "", `header only (columns ${header.join(", ")}); data rows expected`);
  const sep = delimiter === "\t" ? "tab" : `"${delimiter}"`;
  for (let k = 1; k < end; k++) {
    const cells = parsed[k]!.record;
    if (isBlank(cells) && header.length > 1) {
      throw new InputError(file, `line ${startLine[k]}`, `blank line inside the data; a row of ${header.length} cells expected (blank lines may only end the file)`);
    }
    if (cells.length !== header.length) {
      throw new InputError(
        file,
        `line ${startLine[k]}`,
        `${cells.length} cells found, ${header.length} expected as in the header (cells separated by ${sep})`,
      );
    }
  }
  const rows = parsed.slice(1, end).map((p) => p.record);
  const lines = startLine.slice(1, end);
  return {
    file,
    header,
    rows: rows.length,
    cell: (r, c) => rows[r]![c],
    place: (r, column) => `line ${lines[r]}, column ${JSON.stringify(column)}`,
    decimalComma: delimiter === ";",
  };
}
