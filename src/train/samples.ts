/**
 * A loaded series to the trainer's samples (src/train/api.ts): split chronologically, normalise
 * with statistics of the training part, then cut windows (window mode) or one stream per part.
 */
import type { Normalization } from "../model/model-file.js";
import type { SampleSet, StreamSamples, WindowSamples } from "./api.js";
import { OptionError } from "../errors.js";
import type { Series } from "../data/api.js";
import { fitNormalization, normalizedMatrix } from "../data/normalization.js";
import { chronologicalSplit, type Split } from "../data/windows.js";
import { windowInputRows, type SequenceSpec } from "../model/sequence.js";

export interface SampleSpec extends SequenceSpec {
  features: readonly string[];
  targets: readonly string[];
  /** Fraction of rows, the last ones, held out for validation. */
  val: number;
  /** Predict each target's change from its last observed value (`train --delta`): every target must be a feature. Absent: false. */
  delta?: boolean;
}

/**
 * For a delta model, the feature index of each target (architecture.delta): the target's column
 * among the features, whose last observed value the output adds back.
 */
export function deltaFeatures(features: readonly string[], targets: readonly string[]): number[] {
  return targets.map((t) => {
    const k = features.indexOf(t);
    if (k < 0) {
      throw new OptionError("delta", `predicts the change of target ${JSON.stringify(t)} from its last observed value, so ${JSON.stringify(t)} must be one of the features (${features.join(",")})`);
    }
    return k;
  });
}

export interface PreparedSamples {
  train: SampleSet;
  val: SampleSet | null;
  normalization: { input: Normalization; output: Normalization };
  split: Split;
}

export function prepareSamples(series: Series, spec: SampleSpec): PreparedSamples {
  const split = chronologicalSplit(series.rows, spec.val, spec, series.file);
  const input = fitNormalization(series, spec.features, split.splitRow);
  const delta = spec.delta ? deltaFeatures(spec.features, spec.targets) : null;
  // A delta output is in its feature's units, so that output = head + last input (normalised).
  const output = delta ? { mean: delta.map((k) => input.mean[k]!), scale: delta.map((k) => input.scale[k]!) } : fitNormalization(series, spec.targets, split.splitRow);
  const x = normalizedMatrix(series, spec.features, input);
  const y = normalizedMatrix(series, spec.targets, output);
  if (delta) toChanges(y, x, delta, spec.features.length, spec.horizon);
  const io = { x, y, inputSize: spec.features.length, outputSize: spec.targets.length };
  const cut = (range: [number, number]): SampleSet =>
    spec.mode === "window" ? windowSamples(io, range, spec) : streamSamples(io, range, spec.horizon);
  return {
    train: cut(split.train),
    val: split.val ? cut(split.val) : null,
    normalization: { input, output },
    split,
  };
}

/**
 * A delta model's training targets, in place: y[j][o] − x[j−K][delta[o]], the change of row j's
 * target from its value in the last input row of the prediction for row j (window and stream mode
 * alike: src/model/sequence.ts). Rows j < K are never predicted and become NaN, so that a read of
 * one would show.
 */
export function toChanges(y: Float64Array, x: Float64Array, delta: readonly number[], inputSize: number, horizon: number): void {
  const O = delta.length;
  const rows = y.length / O;
  for (let j = 0; j < rows; j++) {
    for (let o = 0; o < O; o++) y[j * O + o] = j < horizon ? NaN : y[j * O + o]! - x[(j - horizon) * inputSize + delta[o]!]!;
  }
}

/** Normalised rows of a series, row-major: x is rows × inputSize, y rows × outputSize. */
interface Rows {
  x: Float64Array;
  y: Float64Array;
  inputSize: number;
  outputSize: number;
}

/** One window per predicted row j in [first, end): x = feature rows j-K-N+1 … j-K (not copied), y = target row j. */
export function windowSamples(r: Rows, [first, end]: [number, number], spec: SequenceSpec): WindowSamples {
  const O = r.outputSize;
  const start = new Uint32Array(end - first);
  const y = new Float64Array((end - first) * O);
  for (let j = first; j < end; j++) {
    start[j - first] = windowInputRows(j, spec.window, spec.horizon)[0];
    y.set(r.y.subarray(j * O, (j + 1) * O), (j - first) * O);
  }
  return { kind: "window", inputSize: r.inputSize, outputSize: O, window: spec.window, x: r.x, start, y };
}

/** The inputs of window k (window × inputSize, step-major): a view, not a copy. */
export function windowInputs(s: WindowSamples, k: number): Float64Array {
  const from = s.start[k]! * s.inputSize;
  return s.x.subarray(from, from + s.window * s.inputSize);
}

/** The stream whose outputs predict rows [first, end): x = feature rows first-K … end-K-1, y at step t = target row t+K (views). */
export function streamSamples(r: Rows, [first, end]: [number, number], horizon: number): StreamSamples {
  const I = r.inputSize;
  const O = r.outputSize;
  const steps = end - first;
  const x = r.x.subarray((first - horizon) * I, (end - horizon) * I);
  const y = r.y.subarray(first * O, end * O);
  return { kind: "stream", inputSize: I, outputSize: O, steps, x, y };
}
