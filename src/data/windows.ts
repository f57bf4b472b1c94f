/**
 * Which rows predict which (DESIGN.md "Command line"), and the chronological split.
 *
 *   N = window, K = horizon, T = data rows
 *   window mode: the prediction for row j reads the feature rows j-K-N+1 … j-K;
 *                rows j = K+N-1 … T-1 get one (the first N+K-1 rows have too little history)
 *   stream mode: after consuming row t the output predicts row t+K; rows j = K … T-1 get one
 *
 * Split: the last round(val·T) rows are the validation part, the rows before it (0 … s-1) the
 * training part. A training sample is one whose predicted row j < s; its inputs end at j-K < s,
 * so nothing from the validation part (inputs or targets) reaches training. Validation samples
 * predict rows s … T-1 and may read inputs from the training part, as a deployed model would.
 */
import { InputError } from "../errors.js";
import type { RunMode } from "../model/model-file.js";

export interface WindowSpec {
  window: number;
  horizon: number;
  mode: RunMode;
}

/** First feature row and last feature row (inclusive) of the window predicting row j. */
export function windowInputRows(j: number, window: number, horizon: number): [first: number, last: number] {
  return [j - horizon - window + 1, j - horizon];
}

/** The first row that gets a prediction. */
export function firstPredictedRow(spec: WindowSpec): number {
  return spec.mode === "window" ? spec.horizon + spec.window - 1 : spec.horizon;
}

/** Rows a series needs for the model to make one prediction (running it, not training it). */
export function rowsForOnePrediction(spec: WindowSpec): number {
  return firstPredictedRow(spec) + 1;
}

/** Rows needed for one training sample: N input rows and the row K ahead of the last (also one truncated-BPTT chunk in stream mode). */
export function minimumRows(spec: Pick<WindowSpec, "window" | "horizon">): number {
  return spec.window + spec.horizon;
}

export interface Split {
  rows: number;
  /** First validation row s; equals rows when there is no validation part. */
  splitRow: number;
  /** Predicted rows of training samples: [first, end). */
  train: [first: number, end: number];
  /** Predicted rows of validation samples: [first, end), or null without validation. */
  val: [first: number, end: number] | null;
}

export function chronologicalSplit(rows: number, valFraction: number, spec: WindowSpec, file: string): Split {
  const need = minimumRows(spec);
  const because = `--window ${spec.window} + --horizon ${spec.horizon}`;
  if (rows < need) {
    throw new InputError(file, "", `${rows} data rows, fewer than one window: at least ${need} expected (${because})`);
  }
  const valRows = Math.round(valFraction * rows);
  if (valFraction > 0 && valRows === 0) {
    throw new InputError("--val", "", `${valFraction} of ${rows} rows leaves no validation row; a larger fraction (or 0 for none) expected`);
  }
  const splitRow = rows - valRows;
  if (splitRow < need) {
    throw new InputError(
      file,
      "",
      `--val ${valFraction} leaves ${splitRow} of ${rows} rows for training, fewer than one window: at least ${need} expected (${because})`,
    );
  }
  const first = firstPredictedRow(spec);
  return { rows, splitRow, train: [first, splitRow], val: valRows > 0 ? [splitRow, rows] : null };
}
