/**
 * The linear baseline: ordinary least squares from the same window of features the model reads
 * to each target, y_j = b + Σ w · x over the N rows j-K-N+1 … j-K (normalised units, one weight
 * per feature and row of the window). A model that cannot beat it has learnt nothing a linear
 * autoregression would not; persistence (src/data/metrics.ts) is the other baseline.
 *
 * Fitted on the training part of the model's own training data, never on the data it is scored
 * on: by the normal equations (XᵀX + λI) β = Xᵀy, solved by Cholesky. λ is 1e-9 of the mean of
 * XᵀX's diagonal, too small to move a well-posed fit, there so that a feature constant over the
 * training rows (collinear with the intercept) still gives a solution.
 */
import { windowInputRows } from "../model/sequence.js";
import type { Normalization } from "../model/model-file.js";
import { denormalizeRow } from "../model/normalize.js";
import type { Series } from "./api.js";
import { normalizedRows } from "./normalization.js";

export interface LinearBaseline {
  /** Rows of the window (N) and rows ahead (K), as the model's. */
  window: number;
  horizon: number;
  /** β per target: [intercept, then feature k of window row r (oldest first) at 1 + r·I + k]. */
  coefficients: Float64Array[];
  /** Training samples the fit used. */
  samples: number;
}

const RIDGE = 1e-9;

/** Regressors of the prediction for row j: 1, then the window's feature rows, oldest first. */
function regressors(inputs: readonly ArrayLike<number>[], j: number, window: number, horizon: number): Float64Array {
  const [first, last] = windowInputRows(j, window, horizon);
  const I = inputs[first]!.length;
  const x = new Float64Array(1 + window * I);
  x[0] = 1;
  for (let t = first; t <= last; t++) {
    const row = inputs[t]!;
    for (let k = 0; k < I; k++) x[1 + (t - first) * I + k] = row[k]!;
  }
  return x;
}

/**
 * Least squares over the predicted rows j in [from, to) (from ≥ N + K - 1, so every window lies in
 * the data); `inputs[t]` and `targets[t]` are row t's normalised features and targets.
 */
export function fitLinearBaseline(
  inputs: readonly ArrayLike<number>[],
  targets: readonly ArrayLike<number>[],
  rows: [from: number, to: number],
  window: number,
  horizon: number,
): LinearBaseline {
  const [from, to] = rows;
  const p = 1 + window * inputs[0]!.length;
  const O = targets[0]!.length;
  const xtx = new Float64Array(p * p);
  const xty = Array.from({ length: O }, () => new Float64Array(p));
  for (let j = from; j < to; j++) {
    const x = regressors(inputs, j, window, horizon);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) xtx[a * p + b]! += x[a]! * x[b]!;
      for (let o = 0; o < O; o++) xty[o]![a]! += x[a]! * targets[j]![o]!;
    }
  }
  let trace = 0;
  for (let a = 0; a < p; a++) trace += xtx[a * p + a]!;
  const lambda = (RIDGE * trace) / p;
  for (let a = 0; a < p; a++) xtx[a * p + a]! += lambda;
  const l = cholesky(xtx, p);
  return { window, horizon, coefficients: xty.map((v) => choleskySolve(l, p, v)), samples: Math.max(0, to - from) };
}

/** Predictions (normalised) for the rows j given; each needs its whole window in `inputs`. */
export function predictLinearBaseline(m: LinearBaseline, inputs: readonly ArrayLike<number>[], rows: readonly number[]): Float64Array[] {
  return rows.map((j) => {
    const x = regressors(inputs, j, m.window, m.horizon);
    return Float64Array.from(m.coefficients, (beta) => {
      let s = 0;
      for (let a = 0; a < x.length; a++) s += beta[a]! * x[a]!;
      return s;
    });
  });
}

/** The lower factor L of a symmetric positive-definite matrix (lower triangle read), A = L·Lᵀ. */
function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        // Only a data set with no training sample gets here with s ≤ 0 (the ridge keeps the rest positive).
        if (!(s > 0)) throw new Error("linear baseline: the normal equations are singular (no training samples?)");
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** Solves L·Lᵀ·β = v. */
function choleskySolve(l: Float64Array, n: number, v: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = v[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const beta = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * beta[k]!;
    beta[i] = s / l[i * n + i]!;
  }
  return beta;
}

/** What a model file keeps of its baseline (the window and horizon are the model's). */
export interface StoredBaseline {
  coefficients: number[][];
  samples: number;
}

/**
 * The baseline of a model trained on `series`: fitted over the training rows [from, to) with the
 * model's normalisation, window and horizon; null when there are fewer samples than twice its
 * weights (it would fit noise).
 */
export function fitSeriesBaseline(
  series: Series,
  model: { features: readonly string[]; targets: readonly string[]; normalization: { input: Normalization; output: Normalization } },
  rows: [from: number, to: number],
  window: number,
  horizon: number,
): StoredBaseline | null {
  const weights = 1 + window * model.features.length;
  if (rows[1] - rows[0] < 2 * weights) return null;
  const inputs = normalizedRows(series, model.features, model.normalization.input);
  const targets = normalizedRows(series, model.targets, model.normalization.output);
  const fit = fitLinearBaseline(inputs, targets, rows, window, horizon);
  return { coefficients: fit.coefficients.map((c) => Array.from(c)), samples: fit.samples };
}

/**
 * A stored baseline's predictions in data units for those of the rows given that have a whole
 * window in the series: { rows, values[target][k] for rows[k] }.
 */
export function seriesBaselinePredictions(
  stored: StoredBaseline,
  series: Series,
  model: { features: readonly string[]; normalization: { input: Normalization; output: Normalization } },
  wanted: readonly number[],
  window: number,
  horizon: number,
): { rows: number[]; values: Float64Array[] } {
  const rows = wanted.filter((j) => j >= window + horizon - 1 && j < series.rows);
  const inputs = normalizedRows(series, model.features, model.normalization.input);
  const m: LinearBaseline = { window, horizon, coefficients: stored.coefficients.map((c) => Float64Array.from(c)), samples: stored.samples };
  const perRow = predictLinearBaseline(m, inputs, rows).map((y) => denormalizeRow(y, model.normalization.output));
  return { rows, values: stored.coefficients.map((_, o) => Float64Array.from(perRow, (y) => y[o]!)) };
}
