/**
 * All trainable numbers of a model in one flat Float64Array, so that gradients, optimizer moments,
 * clipping and early-stopping snapshots are single loops over one array. The blocks follow the
 * model file's weight layout (src/model/model-file.ts):
 *   for each layer l (input size I = inputSize for l = 0, else H):
 *     wx [4H × I]   wh [4H × H]   b [4H]      gate blocks in the order i, f, g, o
 *   head: w [O × H]   b [O]
 */
import type { HeadWeights, LayerWeights } from "../model/model-file.js";

export interface NetShape {
  inputSize: number;
  hidden: number;
  layers: number;
  outputSize: number;
}

export interface LayerOffsets {
  inputSize: number;
  wx: number;
  wh: number;
  b: number;
}

export interface ParamLayout extends NetShape {
  layer: LayerOffsets[];
  headW: number;
  headB: number;
  /** Total number of parameters. */
  size: number;
}

export function paramLayout(shape: NetShape): ParamLayout {
  const H = shape.hidden;
  const layer: LayerOffsets[] = [];
  let at = 0;
  for (let l = 0; l < shape.layers; l++) {
    const I = l === 0 ? shape.inputSize : H;
    const wx = at;
    const wh = wx + 4 * H * I;
    const b = wh + 4 * H * H;
    at = b + 4 * H;
    layer.push({ inputSize: I, wx, wh, b });
  }
  const headW = at;
  const headB = headW + shape.outputSize * H;
  return { ...shape, layer, headW, headB, size: headB + shape.outputSize };
}

/** Copies the flat parameters out into the model file's arrays. */
export function toModelWeights(p: Float64Array, lay: ParamLayout): { layers: LayerWeights[]; head: HeadWeights } {
  const H = lay.hidden;
  const slice = (from: number, n: number) => Array.from(p.subarray(from, from + n));
  return {
    layers: lay.layer.map((o) => ({
      wx: slice(o.wx, 4 * H * o.inputSize),
      wh: slice(o.wh, 4 * H * H),
      b: slice(o.b, 4 * H),
    })),
    head: { w: slice(lay.headW, lay.outputSize * H), b: slice(lay.headB, lay.outputSize) },
  };
}

/** The inverse of toModelWeights (lengths as the model file's schema guarantees). */
export function fromModelWeights(w: { layers: LayerWeights[]; head: HeadWeights }, lay: ParamLayout): Float64Array {
  const p = new Float64Array(lay.size);
  lay.layer.forEach((o, l) => {
    p.set(w.layers[l]!.wx, o.wx);
    p.set(w.layers[l]!.wh, o.wh);
    p.set(w.layers[l]!.b, o.b);
  });
  p.set(w.head.w, lay.headW);
  p.set(w.head.b, lay.headB);
  return p;
}
