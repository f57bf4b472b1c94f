/**
 * Synthetic models and series for the quantization tests: seeded, so every run sees the same
 * numbers. Weight magnitudes are those of small trained models (|w| ≲ 0.6, forget bias +1).
 */
import { MODEL_FORMAT, MODEL_VERSION, type CellKind, type FloatModel, type RunMode } from "../../src/model/model-file.js";
import type { NormalizedSeries } from "../../src/data/model-data.js";

import { mulberry32 as rng } from "../../src/util/seeded-random.js";

export { rng };

export interface ModelSpec {
  cell?: CellKind;
  inputSize?: number;
  hidden?: number;
  layers?: number;
  outputs?: number;
  mode?: RunMode;
  window?: number;
  seed?: number;
  /** Weights uniform in ±scale. */
  scale?: number;
}

export function randomModel(spec: ModelSpec = {}): FloatModel {
  const { cell = "standard", inputSize = 3, hidden = 8, layers = 1, outputs = 2, mode = "window", window = 8, seed = 1, scale = 0.5 } = spec;
  const r = rng(seed);
  const u = (n: number, s = scale) => Array.from({ length: n }, () => (2 * r() - 1) * s);
  const H = hidden;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    architecture: { cell, inputSize, hiddenSize: H, layers, outputSize: outputs, window, horizon: 1, mode },
    features: Array.from({ length: inputSize }, (_, k) => `x${k}`),
    targets: Array.from({ length: outputs }, (_, k) => `y${k}`),
    normalization: {
      input: { mean: Array(inputSize).fill(0), scale: Array(inputSize).fill(1) },
      output: { mean: Array(outputs).fill(0), scale: Array(outputs).fill(1) },
    },
    weights: {
      layers: Array.from({ length: layers }, (_, l) => {
        const I = l === 0 ? inputSize : H;
        const b = u(4 * H, 0.2);
        // Forget bias +1, as trainers initialise it: long memory, the hard case for c's range.
        for (let j = H; j < 2 * H; j++) b[j]! += 1;
        return { wx: u(4 * H * I), wh: u(4 * H * H), b };
      }),
      head: { w: u(outputs * H, 1), b: u(outputs, 0.1) },
    },
    training: { dataHash: "", seed, flags: {}, lossHistory: [], bestEpoch: null },
  };
}

/** Normalised inputs: sums of sines with noise, std ≈ 1. Targets: a smooth function of them. */
export function syntheticSeries(rows: number, inputSize: number, outputs: number, seed = 7, file = "synthetic.csv"): NormalizedSeries {
  const r = rng(seed);
  const inputs: Float64Array[] = [];
  const targets: Float64Array[] = [];
  for (let t = 0; t < rows; t++) {
    const x = new Float64Array(inputSize);
    for (let k = 0; k < inputSize; k++) {
      x[k] = Math.sin(t / (7 + 3 * k)) + 0.6 * Math.sin(t / (23 + k)) + 0.3 * (2 * r() - 1);
    }
    inputs.push(x);
  }
  for (let t = 0; t < rows; t++) {
    const y = new Float64Array(outputs);
    const x = inputs[Math.max(0, t - 1)]!;
    for (let o = 0; o < outputs; o++) y[o] = 0.8 * x[o % inputSize]! - 0.3 * x[(o + 1) % inputSize]!;
    targets.push(y);
  }
  return { file, hash: "sha256:synthetic", rows, inputs, targets };
}
