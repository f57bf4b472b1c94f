/**
 * From an imported network (./network.ts) to a seqforge model file: column names, run mode,
 * window and horizon from the flags (else from what a seqforge export recorded, else defaults),
 * the normalisation, and the provenance in place of a training block.
 *
 * Normalisation: an imported network computes in its own units, so by default the model's is the
 * identity (mean 0, scale 1). With norm data, mean and scale are fitted per column as train fits
 * them (src/data/normalization.ts, over every row of the file), and the change is folded into the
 * first layer and the head (renormalize below), so the model computes from raw units exactly
 * what the file computed; the provenance records the data file.
 */
import { OptionError } from "../errors.js";
import type { Series } from "../data/api.js";
import { fitNormalization } from "../data/normalization.js";
import {
  FloatModelSchema,
  MODEL_FORMAT,
  type FloatModel,
  type HeadWeights,
  type ImportedNormalization,
  type LayerWeights,
  type Normalization,
} from "../model/model-file.js";
import type { RunMode } from "../model/sequence.js";
import { validateWith } from "../util/validate.js";
import type { ImportedNetwork } from "./network.js";

export interface ImportOptions {
  features?: string[];
  targets?: string[];
  window?: number;
  mode?: RunMode;
  horizon?: number;
  /** Reads the data to fit the normalisation on: the named columns (the model's features and targets) and the file's sha256. */
  normData?: (columns: string[]) => { series: Series; hash: string };
}

/** The imported file, as the provenance names it. */
export interface SourceFile {
  file: string;
  hash: string;
}

export interface ModelNorm {
  input: Normalization;
  output: Normalization;
}

function identity(n: number): Normalization {
  return { mean: new Array<number>(n).fill(0), scale: new Array<number>(n).fill(1) };
}

/** `x0, x1, …`: names for columns the user did not name. */
function defaultNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, k) => `${prefix}${k}`);
}

function names(option: string, given: string[] | undefined, recorded: string[] | undefined, prefix: string, n: number, what: string): string[] {
  const list = given ?? recorded ?? defaultNames(prefix, n);
  if (list.length !== n) throw new OptionError(option, `${list.length} names for the network's ${n} ${what}; ${n} expected`);
  return list;
}

/**
 * The same function under a new normalisation: layer 0 and the head rescaled so that, from raw
 * units to raw units, the model computes what it computed under `from`.
 *   layer 0 input:  x_from = (σ_to/σ_from)·x_to + (μ_to − μ_from)/σ_from
 *     wx'[r,k] = wx[r,k]·σ_to[k]/σ_from[k],   b'[r] = b[r] + Σ_k wx[r,k]·(μ_to[k] − μ_from[k])/σ_from[k]
 *   head output:    y_to = (y_from·σ_from + μ_from − μ_to)/σ_to
 *     w'[o,k] = w[o,k]·σ_from[o]/σ_to[o],     b'[o] = (b[o]·σ_from[o] + μ_from[o] − μ_to[o])/σ_to[o]
 */
export function renormalize(
  weights: { layers: LayerWeights[]; head: HeadWeights },
  from: ModelNorm,
  to: ModelNorm,
): { layers: LayerWeights[]; head: HeadWeights } {
  const [first, ...rest] = weights.layers;
  const I = from.input.mean.length;
  const wx = first!.wx.map((w, e) => (w * to.input.scale[e % I]!) / from.input.scale[e % I]!);
  const b = first!.b.map((bias, r) => {
    let acc = bias;
    for (let k = 0; k < I; k++) acc += (first!.wx[r * I + k]! * (to.input.mean[k]! - from.input.mean[k]!)) / from.input.scale[k]!;
    return acc;
  });
  const O = from.output.mean.length;
  const H = weights.head.w.length / O;
  const o = (e: number) => Math.floor(e / H);
  const head = {
    w: weights.head.w.map((w, e) => (w * from.output.scale[o(e)]!) / to.output.scale[o(e)]!),
    b: weights.head.b.map((v, k) => (v * from.output.scale[k]! + from.output.mean[k]! - to.output.mean[k]!) / to.output.scale[k]!),
  };
  return { layers: [{ wx, wh: first!.wh, b }, ...rest], head };
}

/** The model file of an imported network; `source` is the file it came from. */
export function importedModel(net: ImportedNetwork, options: ImportOptions, source: SourceFile): FloatModel {
  const rec = net.recorded;
  const features = names("features", options.features, rec.features, "x", net.inputSize, "inputs");
  const targets = names("target", options.targets, rec.targets, "y", net.outputSize, "outputs");
  const mode = options.mode ?? rec.mode ?? net.mode;
  const window = options.window ?? rec.window ?? net.steps ?? (mode === "stream" ? 1 : null);
  if (window === null) {
    throw new OptionError("window", "needed: the file's time axis is dynamic, so give the window the model was trained on (the rows each prediction runs)");
  }
  const horizon = options.horizon ?? rec.horizon ?? 0;

  const fileNorm: ModelNorm = net.normalization ?? { input: identity(net.inputSize), output: identity(net.outputSize) };
  let normalization = fileNorm;
  let weights = { layers: net.layers, head: net.head };
  let normSource: ImportedNormalization = { from: net.normalization ? "graph" : "identity" };
  if (options.normData) {
    const { series, hash } = options.normData([...new Set([...features, ...targets])]);
    normalization = { input: fitNormalization(series, features, series.rows), output: fitNormalization(series, targets, series.rows) };
    weights = renormalize(weights, fileNorm, normalization);
    normSource = { from: "data", dataFile: series.file, dataHash: hash, rows: series.rows };
  }

  const model: FloatModel = {
    format: MODEL_FORMAT,
    version: 1, // an imported network predicts a level: no architecture.delta (modelVersionFor)
    architecture: {
      cell: net.cell,
      inputSize: net.inputSize,
      hiddenSize: net.hiddenSize,
      layers: net.layers.length,
      outputSize: net.outputSize,
      window,
      horizon,
      mode,
    },
    features,
    targets,
    normalization,
    weights,
    source: {
      format: net.format,
      file: source.file,
      fileHash: source.hash,
      producer: net.producer,
      opset: net.opset,
      normalization: normSource,
    },
  };
  // A non-finite weight in the file, or a length that does not add up, fails here naming the field.
  return validateWith(FloatModelSchema, model, source.file);
}
