/**
 * Quantized models as `seqforge quantize` makes them (src/quant), from a small float model with
 * seeded weights and a synthetic series, and the CSV of that series for the CLI tests.
 */
import { MODEL_FORMAT, MODEL_VERSION, type CellKind, type FloatModel, type RunMode } from "../../src/model/model-file.js";
import { normalizeRow } from "../../src/model/normalize.js";
import { quantizeModel } from "../../src/quant/quantize.js";
import type { NormalizedSeries } from "../../src/data/model-data.js";
import { withHash, type QuantModel } from "../../src/model/quant-model-file.js";
import type { Scheme } from "../../src/model/schemes.js";
import { seededRandom } from "../../src/verify/random-quant-model.js";

export interface FloatSpec {
  cell?: CellKind;
  mode?: RunMode;
  inputSize?: number;
  hidden?: number;
  layers?: number;
  outputs?: number;
  window?: number;
  seed?: number;
  /** A delta model (architecture.delta): output o is the change of feature o mod I, in its normalisation. */
  delta?: boolean;
}

export function floatModel(s: FloatSpec = {}): FloatModel {
  const { cell = "standard", mode = "window", inputSize: I = 3, hidden: H = 6, layers: L = 1, outputs: O = 1, window = 5, seed = 1 } = s;
  const delta = s.delta ? Array.from({ length: O }, (_, o) => o % I) : undefined;
  const input = { mean: Array.from({ length: I }, (_, k) => 10 * k), scale: Array.from({ length: I }, (_, k) => 2 + k) };
  const r = seededRandom(seed);
  const u = (n: number, scale: number) => Array.from({ length: n }, () => (2 * r() - 1) * scale);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    architecture: { cell, inputSize: I, hiddenSize: H, layers: L, outputSize: O, window, horizon: 1, mode, ...(delta ? { delta } : {}) },
    features: Array.from({ length: I }, (_, k) => `f${k}`),
    targets: Array.from({ length: O }, (_, k) => `t${k}`),
    normalization: {
      input,
      output: delta
        ? { mean: delta.map((k) => input.mean[k]!), scale: delta.map((k) => input.scale[k]!) }
        : { mean: Array.from({ length: O }, (_, k) => 5 + k), scale: Array.from({ length: O }, () => 3) },
    },
    weights: {
      layers: Array.from({ length: L }, (_, l) => ({ wx: u(4 * H * (l === 0 ? I : H), 0.6), wh: u(4 * H * H, 0.6), b: u(4 * H, 0.3) })),
      head: { w: u(O * H, 1), b: u(O, 0.2) },
    },
    training: { dataHash: "sha256:test", seed, flags: {}, lossHistory: [], bestEpoch: null },
  };
}

/** Raw rows of a series (user units) for a model's features and targets. */
export function rawSeries(model: FloatModel, rows: number, seed = 5): { features: number[][]; targets: number[][] } {
  const r = seededRandom(seed);
  const { mean, scale } = model.normalization.input;
  const features = Array.from({ length: rows }, (_, t) =>
    mean.map((m, k) => m + scale[k]! * (Math.sin(t / (5 + k)) + 0.7 * Math.sin(t / (13 + 2 * k)) + 0.4 * (2 * r() - 1))),
  );
  const targets = features.map((x) => model.normalization.output.mean.map((m, o) => m + 0.5 * (x[o % x.length]! - mean[o % x.length]!)));
  return { features, targets };
}

export function seriesData(model: FloatModel, rows: number, seed = 5, file = "synthetic.csv"): NormalizedSeries {
  const raw = rawSeries(model, rows, seed);
  return {
    file,
    hash: "sha256:synthetic",
    rows,
    inputs: raw.features.map((x) => normalizeRow(x, model.normalization.input)),
    targets: raw.targets.map((y) => normalizeRow(y, model.normalization.output)),
  };
}

export function csvText(model: FloatModel, rows: number, seed = 5): string {
  const raw = rawSeries(model, rows, seed);
  const header = [...model.features, ...model.targets].join(",");
  return [header, ...raw.features.map((x, t) => [...x, ...raw.targets[t]!].map((v) => v.toPrecision(8)).join(","))].join("\n") + "\n";
}

export function quantized(model: FloatModel, scheme: Scheme, calibRows = 200): QuantModel {
  return withHash(
    quantizeModel({ model, scheme, source: { modelHash: "sha256:test", modelFile: "model.json" }, calib: seriesData(model, calibRows, 11, "calib.csv") }),
  );
}

/** A count from the environment (the fuzzer's knobs), or its default; a bad value is an error, not a silent default. */
export function envCount(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${v}: a positive integer expected`);
  return n;
}
