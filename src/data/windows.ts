/**
 * The chronological split of a series into training and validation parts. Which input rows
 * predict which row is the sequence driver's (src/model/sequence.ts).
 *
 * Split: the last round(val·T) rows are the validation part, the rows before it (0 … s-1) the
 * training part. A training sample is one whose predicted row j < s; its inputs end at j-K < s,
 * so nothing from the validation part (inputs or targets) reaches training. Validation samples
 * predict rows s … T-1 and may read inputs from the training part, as a deployed model would.
 */
import { InputError, OptionError } from "../errors.js";
import { firstPredictedRow, type SequenceSpec } from "../model/sequence.js";

/** Rows needed for one training sample: N input rows and the row K ahead of the last (also one truncated-BPTT chunk in stream mode). */
export function minimumRows(spec: Pick<SequenceSpec, "window" | "horizon">): number {
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

export function chronologicalSplit(rows: number, valFraction: number, spec: SequenceSpec, file: string): Split {
  const need = minimumRows(spec);
  const because = `window ${spec.window} + horizon ${spec.horizon}`;
  if (rows < need) {
    throw new InputError(file, "", `${rows} data rows, fewer than one window: at least ${need} expected (${because})`);
  }
  const valRows = Math.round(valFraction * rows);
  if (valFraction > 0 && valRows === 0) {
    throw new OptionError("val", `${valFraction} of ${rows} rows leaves no validation row; a larger fraction (or 0 for none) expected`);
  }
  const splitRow = rows - valRows;
  if (splitRow < need) {
    throw new InputError(
      file,
      "",
      `a validation fraction of ${valFraction} leaves ${splitRow} of ${rows} rows for training, fewer than one window: at least ${need} expected (${because})`,
    );
  }
  const first = firstPredictedRow(spec);
  return { rows, splitRow, train: [first, splitRow], val: valRows > 0 ? [splitRow, rows] : null };
}
