/**
 * A JSON array of records, one object per row: `[{"t": 1.5, "h": 40}, ...]`. The header is the
 * first record's keys; every record must be an object with those same keys. Values may be
 * numbers or numeric strings; null is an empty cell.
 */
import { InputError } from "../errors.js";
import type { Table } from "./table.js";

export function readJsonTable(text: string, file: string): Table {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, "", `not valid JSON (${(err as Error).message}); an array of records expected`);
  }
  if (!Array.isArray(raw)) throw new InputError(file, "", "a JSON array of records expected");
  if (raw.length === 0) throw new InputError(file, "", "an empty array; records expected");
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  raw.forEach((rec, r) => {
    if (!isRecord(rec)) throw new InputError(file, `record [${r}]`, `${JSON.stringify(rec)} found; an object expected`);
  });
  const records = raw as Record<string, unknown>[];
  const header = Object.keys(records[0]!);
  if (header.length === 0) throw new InputError(file, "record [0]", "an empty object; named fields expected");
  records.forEach((rec, r) => {
    const keys = Object.keys(rec);
    const missing = header.filter((k) => !(k in rec));
    const extra = keys.filter((k) => !header.includes(k));
    if (missing.length || extra.length) {
      const parts = [];
      if (missing.length) parts.push(`missing ${missing.map((k) => JSON.stringify(k)).join(", ")}`);
      if (extra.length) parts.push(`unexpected ${extra.map((k) => JSON.stringify(k)).join(", ")}`);
      throw new InputError(file, `record [${r}]`, `fields ${parts.join("; ")}; the fields of record [0] expected`);
    }
  });
  return {
    file,
    header,
    rows: records.length,
    cell: (r, c) => records[r]![header[c]!],
    place: (r, column) => `record [${r}], field ${JSON.stringify(column)}`,
    decimalComma: false,
  };
}
