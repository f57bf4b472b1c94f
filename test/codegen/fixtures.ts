/**
 * Quantized models for the code generator's tests, built from fixed seeds (src/verify's random
 * model builder), so every run sees the same numbers.
 */
import type { CellKind, RunMode } from "../../src/model/model-file.js";
import type { QuantModel } from "../../src/model/quant-model-file.js";
import type { IntegerScheme } from "../../src/model/schemes.js";
import { Draw, randomF32Model, randomQuantModel, seededRandom } from "../../src/verify/random-quant-model.js";

export interface FixtureSpec {
  scheme: IntegerScheme | "f32";
  cell?: CellKind;
  mode?: RunMode;
  inputSize?: number;
  hidden?: number;
  layers?: number;
  outputs?: number;
  window?: number;
  horizon?: number;
  seed?: number;
}

export function fixtureModel(s: FixtureSpec): QuantModel {
  const d = new Draw(seededRandom(s.seed ?? 1));
  const spec = {
    cell: s.cell ?? "standard",
    inputSize: s.inputSize ?? 3,
    hidden: s.hidden ?? 4,
    layers: s.layers ?? 1,
    outputs: s.outputs ?? 1,
    mode: s.mode ?? "window",
    window: s.window ?? 4,
    horizon: s.horizon ?? 1,
  } as const;
  return s.scheme === "f32" ? randomF32Model(d, spec) : randomQuantModel(d, { ...spec, scheme: s.scheme });
}

export const SCHEMES = ["w8a16", "w16a16", "w8a8", "f32"] as const;
