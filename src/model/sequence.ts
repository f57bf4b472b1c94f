/**
 * The sequence driver: which input rows each prediction runs, and the one loop that runs any step
 * function over a series in the model's run mode. The float reference, the trainer's samples and
 * evaluation, the fixed-point simulator and verify's reference records all go through here, so
 * the run modes mean the same thing in every engine (docs/architecture.md "Run modes").
 *
 *   N = window, K = horizon, T = rows of the series
 *   window: the prediction for row j starts from a reset state and runs the N input rows
 *           j-K-N+1 … j-K; rows j = K+N-1 … T-1 get one (the first N+K-1 rows lack history).
 *   stream: the state is carried from row to row, one step per row; after consuming row t the
 *           output predicts row t+K; rows j = K … T-1 get one.
 */
import { z } from "zod";

/** The two run modes, as described above. */
export const RUN_MODES = ["window", "stream"] as const;
export const RunModeEnum = z.enum(RUN_MODES);
export type RunMode = (typeof RUN_MODES)[number];

/** The run mode and its two lengths, as the model file's architecture records them. */
export interface SequenceSpec {
  mode: RunMode;
  /** N: steps per prediction in window mode (in stream mode, the truncated-BPTT chunk). */
  window: number;
  /** K: rows between the last input row and the predicted row. */
  horizon: number;
}

/** First and last input row (inclusive) of the window that predicts row j. */
export function windowInputRows(j: number, window: number, horizon: number): [first: number, last: number] {
  return [j - horizon - window + 1, j - horizon];
}

/** The first row that gets a prediction. */
export function firstPredictedRow(spec: SequenceSpec): number {
  return spec.mode === "window" ? spec.horizon + spec.window - 1 : spec.horizon;
}

/** Rows a series needs for the model to make one prediction (running it, not training it). */
export function rowsForOnePrediction(spec: SequenceSpec): number {
  return firstPredictedRow(spec) + 1;
}

/** The input rows one prediction runs: [first, last] of its window, or the one row of a stream step. */
export function predictionInputRows(spec: SequenceSpec, j: number): [first: number, last: number] {
  return spec.mode === "window" ? windowInputRows(j, spec.window, spec.horizon) : [j - spec.horizon, j - spec.horizon];
}

/** Anything that steps through a sequence with a state it can reset: an engine, a simulator. */
export interface Stepper<X, Y> {
  reset(): void;
  step(x: X): Y;
}

/**
 * Runs `stepper` over `inputs` (one entry per row) in the run mode and calls `emit` once per
 * predicted row, in ascending order, right after that prediction's last step — so `emit` may also
 * read the stepper's state (verify snapshots c and h there). `y` may be a reused buffer: copy it
 * to keep it. With `fromRow`, only rows from there on are predicted (a stream still steps
 * through every row before it, since its state carries them).
 */
export function runSequence<X, Y>(stepper: Stepper<X, Y>, spec: SequenceSpec, inputs: readonly X[], emit: (row: number, y: Y) => void, fromRow = 0): void {
  const T = inputs.length;
  if (spec.mode === "window") {
    for (let j = Math.max(firstPredictedRow(spec), fromRow); j < T; j++) {
      const [first, last] = windowInputRows(j, spec.window, spec.horizon);
      stepper.reset();
      for (let t = first; t < last; t++) stepper.step(inputs[t]!);
      emit(j, stepper.step(inputs[last]!));
    }
  } else {
    stepper.reset();
    for (let t = 0; t + spec.horizon < T; t++) {
      const y = stepper.step(inputs[t]!);
      if (t + spec.horizon >= fromRow) emit(t + spec.horizon, y);
    }
  }
}

/** One engine over normalised values; `step` returns the head's output (normalised) for this step. */
export type StepEngine = Stepper<Float64Array, Float64Array>;

export interface SeriesOutput {
  /** 0-based data row each prediction is for. */
  rows: number[];
  /** One output vector (normalised) per entry of rows. */
  outputs: Float64Array[];
}

/** `inputs[t]` is the normalised feature vector of row t; collects every prediction (from `fromRow` on). */
export function runSeries(engine: StepEngine, spec: SequenceSpec, inputs: readonly Float64Array[], fromRow = 0): SeriesOutput {
  const rows: number[] = [];
  const outputs: Float64Array[] = [];
  runSequence(
    engine,
    spec,
    inputs,
    (row, y) => {
      rows.push(row);
      outputs.push(Float64Array.from(y));
    },
    fromRow,
  );
  return { rows, outputs };
}
