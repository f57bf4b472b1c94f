/**
 * A loaded series to the trainer's samples (src/train/api.ts): split chronologically, normalise
 * with statistics of the training part, then cut windows (window mode) or one stream per part.
 */
import type { Normalization } from "../model/model-file.js";
import type { SampleSet, StreamSamples, WindowSamples } from "./api.js";
import type { Series } from "../data/api.js";
import { fitNormalization, normalizedRows } from "../data/normalization.js";
import { chronologicalSplit, type Split } from "../data/windows.js";
import { windowInputRows, type SequenceSpec } from "../model/sequence.js";

export interface SampleSpec extends SequenceSpec {
  features: readonly string[];
  targets: readonly string[];
  /** Fraction of rows, the last ones, held out for validation. */
  val: number;
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
  const output = fitNormalization(series, spec.targets, split.splitRow);
  const x = normalizedRows(series, spec.features, input);
  const y = normalizedRows(series, spec.targets, output);
  const cut = (range: [number, number]): SampleSet =>
    spec.mode === "window" ? windowSamples(x, y, range, spec) : streamSamples(x, y, range, spec.horizon);
  return {
    train: cut(split.train),
    val: split.val ? cut(split.val) : null,
    normalization: { input, output },
    split,
  };
}

/** One window per predicted row j in [first, end): x = feature rows j-K-N+1 … j-K, y = target row j. */
export function windowSamples(x: Float64Array[], y: Float64Array[], [first, end]: [number, number], spec: SequenceSpec): WindowSamples {
  const inputSize = x[0]!.length;
  const outputSize = y[0]!.length;
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let j = first; j < end; j++) {
    const [a, b] = windowInputRows(j, spec.window, spec.horizon);
    const w = new Float64Array(spec.window * inputSize);
    for (let t = a; t <= b; t++) w.set(x[t]!, (t - a) * inputSize);
    xs.push(w);
    ys.push(Float64Array.from(y[j]!));
  }
  return { kind: "window", inputSize, outputSize, x: xs, y: ys };
}

/** The stream whose outputs predict rows [first, end): x = feature rows first-K … end-K-1, y at step t = target row t+K. */
export function streamSamples(x: Float64Array[], y: Float64Array[], [first, end]: [number, number], horizon: number): StreamSamples {
  const inputSize = x[0]!.length;
  const outputSize = y[0]!.length;
  const steps = end - first;
  const xs = new Float64Array(steps * inputSize);
  const ys = new Float64Array(steps * outputSize);
  for (let s = 0; s < steps; s++) {
    xs.set(x[first - horizon + s]!, s * inputSize);
    ys.set(y[first + s]!, s * outputSize);
  }
  return { kind: "stream", inputSize, outputSize, steps, x: xs, y: ys };
}
