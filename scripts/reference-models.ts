/**
 * The bench's reference models (`make bench`): one standard LSTM layer and a dense head with one
 * output, w8a16, stream mode, weights drawn from a fixed seed (PyTorch's default range,
 * U(-1/√H, 1/√H)), quantized through src/quant with seeded random calibration inputs. Sizes:
 *   S: input 3, hidden 16      M: input 8, hidden 32      L: input 40, hidden 64
 * The weights are random, so the figures say what the code costs, not what a model predicts.
 */
import { MODEL_FORMAT, type FloatModel, type RunMode } from "../src/model/model-file.js";
import { withHash, type QuantModel } from "../src/model/quant-model-file.js";
import type { Scheme } from "../src/model/schemes.js";
import { quantizeModel } from "../src/quant/quantize.js";
import { sha256 } from "../src/util/hash.js";
import { BenchRandom } from "../src/bench/random.js";

export interface ReferenceSpec {
  name: string;
  inputSize: number;
  hiddenSize: number;
}

export const REFERENCE_MODELS: readonly ReferenceSpec[] = [
  { name: "S", inputSize: 3, hiddenSize: 16 },
  { name: "M", inputSize: 8, hiddenSize: 32 },
  { name: "L", inputSize: 40, hiddenSize: 64 },
];

/** Rows of calibration input (normalised, standard normal). */
const CALIB_ROWS = 256;

export interface ReferenceOptions {
  scheme?: Scheme;
  seed?: number;
  /** Stream (the default) or window mode with `window` steps per prediction (16 by default). */
  mode?: RunMode;
  window?: number;
}

export function referenceFloatModel(spec: ReferenceSpec, seed: number, mode: RunMode = "stream", window = 16): FloatModel {
  const { inputSize: I, hiddenSize: H } = spec;
  const rng = new BenchRandom(seed);
  const bound = 1 / Math.sqrt(H);
  const draw = (n: number) => Array.from({ length: n }, () => rng.uniform(-bound, bound));
  return {
    format: MODEL_FORMAT,
    version: 1,
    architecture: { cell: "standard", inputSize: I, hiddenSize: H, layers: 1, outputSize: 1, window, horizon: 1, mode },
    features: Array.from({ length: I }, (_, k) => `x${k}`),
    targets: ["y"],
    normalization: {
      input: { mean: new Array<number>(I).fill(0), scale: new Array<number>(I).fill(1) },
      output: { mean: [0], scale: [1] },
    },
    weights: {
      layers: [{ wx: draw(4 * H * I), wh: draw(4 * H * H), b: draw(4 * H) }],
      head: { w: draw(H), b: draw(1) },
    },
    training: { dataHash: "none", seed, flags: { reference: spec.name }, lossHistory: [], bestEpoch: null },
  };
}

export function referenceQuantModel(spec: ReferenceSpec, opts: ReferenceOptions = {}): QuantModel {
  const seed = opts.seed ?? 1;
  const scheme = opts.scheme ?? "w8a16";
  const model = referenceFloatModel(spec, seed, opts.mode, opts.window);
  const rng = new BenchRandom(seed + 1000);
  const inputs = Array.from({ length: CALIB_ROWS }, () => Float64Array.from({ length: spec.inputSize }, () => rng.normal()));
  const modelText = JSON.stringify(model);
  const calib = { file: `(seeded random, seed ${seed + 1000})`, hash: sha256(inputs.map((r) => r.join(",")).join("\n")), rows: CALIB_ROWS, inputs, targets: null };
  return withHash(quantizeModel({ model, scheme, source: { modelHash: sha256(modelText), modelFile: `reference-${spec.name}` }, calib }));
}
