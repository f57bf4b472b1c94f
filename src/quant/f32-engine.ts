/**
 * The f32 scheme in TypeScript: the float reference's stages on float32 weights, with every
 * stored value (state, output) rounded to float32. A check that float32 storage is good enough,
 * not a bit-exact model of the C (whose expf/tanhf rounding C99 leaves open): the generated C is
 * held to 1e-4 of float64 (docs/fixed-point.md "f32").
 */
import { floatEngine } from "../model/float-engine.js";
import { modelVersionFor, type FloatModel } from "../model/model-file.js";
import type { StepEngine } from "../model/sequence.js";
import type { QuantModel } from "../model/quant-model-file.js";

/** A float model view of an f32 quantized model (its weights are already float32 values). */
export function f32AsFloatModel(model: QuantModel): FloatModel {
  if (model.float32 === null) throw new Error(`scheme ${model.scheme} has no float32 weights`);
  return {
    format: "seqforge-model",
    version: modelVersionFor(model.architecture),
    architecture: model.architecture,
    features: model.features,
    targets: model.targets,
    normalization: model.normalization,
    weights: model.float32,
    training: { dataHash: "", seed: 0, flags: {}, lossHistory: [], bestEpoch: null },
  };
}

export function f32Engine(model: QuantModel): StepEngine {
  const engine = floatEngine(f32AsFloatModel(model));
  const round = (v: Float64Array) => {
    for (let k = 0; k < v.length; k++) v[k] = Math.fround(v[k]!);
  };
  return {
    reset: () => engine.reset(),
    step: (x) => {
      const y = engine.step(Float64Array.from(x, Math.fround));
      engine.state.h.forEach(round);
      engine.state.c.forEach(round);
      round(y);
      return y;
    },
  };
}
