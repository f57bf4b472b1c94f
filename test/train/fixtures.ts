/** Small builders shared by the trainer tests. */
import type { CellKind, FloatModel } from "../../src/model/model-file.js";
import { paramLayout, toModelWeights, type ParamLayout } from "../../src/train/layout.js";
import { TrainRng } from "../../src/train/rng.js";

export function randomParams(lay: ParamLayout, seed: number, scale = 0.5): Float64Array {
  const rng = new TrainRng(seed);
  const p = new Float64Array(lay.size);
  for (let i = 0; i < p.length; i++) p[i] = rng.uniform(-scale, scale);
  return p;
}

export function randomArray(n: number, seed: number, scale = 1): Float64Array {
  const rng = new TrainRng(seed);
  return Float64Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

/** A FloatModel around flat parameters, for the float reference (src/model/float-lstm.ts). */
export function floatModelOf(p: Float64Array, lay: ParamLayout, cell: CellKind, window: number): FloatModel {
  return {
    format: "seqforge-model",
    version: 1,
    architecture: {
      cell,
      inputSize: lay.inputSize,
      hiddenSize: lay.hidden,
      layers: lay.layers,
      outputSize: lay.outputSize,
      window,
      horizon: 1,
      mode: "window",
    },
    features: Array.from({ length: lay.inputSize }, (_, i) => `x${i}`),
    targets: Array.from({ length: lay.outputSize }, (_, i) => `y${i}`),
    normalization: {
      input: { mean: new Array(lay.inputSize).fill(0), scale: new Array(lay.inputSize).fill(1) },
      output: { mean: new Array(lay.outputSize).fill(0), scale: new Array(lay.outputSize).fill(1) },
    },
    weights: toModelWeights(p, lay),
    training: { dataHash: "", seed: 0, flags: {}, lossHistory: [], bestEpoch: null },
  };
}

export { paramLayout };
