/**
 * The contract of the data stage, used by every command that reads a series (train, predict,
 * quantize, verify). Implemented in ./series.ts.
 */

/** Columns of a series loaded from CSV or JSON: raw values in the user's units. */
export interface Series {
  file: string;
  /** Number of data rows (the header excluded). */
  rows: number;
  /** The requested columns, in the order asked for. */
  columns: Map<string, Float64Array>;
}

/**
 * Loads the named columns of a CSV (with a header) or JSON array of records. Throws InputError
 * naming file, line and column on: missing file or column, non-numeric cell, NaN or Inf, ragged
 * row, empty file.
 */
export type LoadSeries = (file: string, columns: readonly string[]) => Series;
