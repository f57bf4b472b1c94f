/** Per-feature normalisation: n = (raw - mean) / scale, and its inverse for outputs. */
import type { Normalization } from "./model-file.js";

export function normalizeRow(raw: ArrayLike<number>, norm: Normalization): Float64Array {
  const out = new Float64Array(raw.length);
  for (let k = 0; k < raw.length; k++) out[k] = (raw[k]! - norm.mean[k]!) / norm.scale[k]!;
  return out;
}

/** Output k of a model in the data's units. */
export function denormalize(v: number, norm: Normalization, k: number): number {
  return v * norm.scale[k]! + norm.mean[k]!;
}

export function denormalizeRow(n: ArrayLike<number>, norm: Normalization): Float64Array {
  const out = new Float64Array(n.length);
  for (let k = 0; k < n.length; k++) out[k] = denormalize(n[k]!, norm, k);
  return out;
}
