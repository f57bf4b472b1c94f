/**
 * Per-column normalisation fitted on the training part only (rows 0 … s-1), so that no statistic
 * of the validation or test data leaks into the model: mean, and the population standard
 * deviation as the scale (n = (raw - mean) / scale, src/model/normalize.ts).
 */
import { InputError } from "../errors.js";
import type { Normalization } from "../model/model-file.js";
import type { Series } from "./api.js";

export function fitNormalization(series: Series, names: readonly string[], endRow: number): Normalization {
  const mean: number[] = [];
  const scale: number[] = [];
  for (const name of names) {
    const v = series.columns.get(name)!;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let r = 0; r < endRow; r++) {
      sum += v[r]!;
      if (v[r]! < min) min = v[r]!;
      if (v[r]! > max) max = v[r]!;
    }
    // Compare the extremes, not the deviation: the sum of identical values divided back can
    // differ from the value by an ulp and leave a tiny non-zero deviation.
    if (min === max) {
      throw new InputError(
        series.file,
        `column ${JSON.stringify(name)}`,
        `constant (${min} in all ${endRow} training rows); a column that varies expected, since normalising divides by its spread`,
      );
    }
    const m = sum / endRow;
    let ss = 0;
    for (let r = 0; r < endRow; r++) ss += (v[r]! - m) ** 2;
    const s = Math.sqrt(ss / endRow);
    checkStatistics(series.file, name, endRow, { min, max, mean: m, scale: s });
    mean.push(m);
    scale.push(s);
  }
  return { mean, scale };
}

/**
 * Values a double holds may still have a mean or a spread it does not (1e300: the squares
 * overflow; 1e-170: they vanish), and the model file, the quantizer and the C all need both.
 * Refused here, naming the file and the column, before any training is done.
 */
function checkStatistics(file: string, name: string, rows: number, st: { min: number; max: number; mean: number; scale: number }): void {
  const ok = [st.mean, st.scale, (st.max - st.mean) / st.scale, (st.min - st.mean) / st.scale].every(Number.isFinite) && st.scale > 0;
  if (ok) return;
  const large = !Number.isFinite(st.mean) || !Number.isFinite(st.scale);
  throw new InputError(
    file,
    `column ${JSON.stringify(name)}`,
    `values from ${st.min} to ${st.max} in its ${rows} training rows: their ${Number.isFinite(st.mean) ? "standard deviation" : "mean"} is ${large ? "beyond" : "below"} what a double holds` +
      `; normalising divides by it: rescale the column (values of magnitude between 1e-100 and 1e100 expected)`,
  );
}

/** The named columns, normalised, as one row-major matrix: row r at r·names.length. */
export function normalizedMatrix(series: Series, names: readonly string[], norm: Normalization): Float64Array {
  const cols = names.map((n) => series.columns.get(n)!);
  const n = names.length;
  const out = new Float64Array(series.rows * n);
  for (let r = 0; r < series.rows; r++) {
    for (let k = 0; k < n; k++) out[r * n + k] = (cols[k]![r]! - norm.mean[k]!) / norm.scale[k]!;
  }
  return out;
}

/** normalizedMatrix as one vector per row (views into the one matrix): out[r] is row r's vector. */
export function normalizedRows(series: Series, names: readonly string[], norm: Normalization): Float64Array[] {
  const m = normalizedMatrix(series, names, norm);
  const n = names.length;
  return Array.from({ length: series.rows }, (_, r) => m.subarray(r * n, (r + 1) * n));
}
