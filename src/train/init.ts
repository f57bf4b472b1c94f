/**
 * Initial weights for training: every weight and bias uniform in ±1/sqrt(H) (PyTorch's nn.LSTM
 * and nn.Linear scheme, with in_features = H for the head), then the forget-gate biases set to
 * `forgetBias` so that early on the cell keeps its memory and gradients flow through time.
 * The seed example has its own scheme (src/example/numpy-init.ts).
 */
import type { ParamLayout } from "./layout.js";
import type { TrainRng } from "./rng.js";

export function initUniform(p: Float64Array, lay: ParamLayout, rng: TrainRng, forgetBias: number): void {
  const k = 1 / Math.sqrt(lay.hidden);
  for (let i = 0; i < p.length; i++) p[i] = rng.uniform(-k, k);
  const H = lay.hidden;
  for (const o of lay.layer) p.fill(forgetBias, o.b + H, o.b + 2 * H);
}

/**
 * With the seed's loss there is no trained head: output o is h[o] of the last layer. The head is
 * written as that selection (w = rows of the identity, b = 0) so that the model file's float
 * reference predicts exactly what was trained.
 */
export function setSelectionHead(p: Float64Array, lay: ParamLayout): void {
  const H = lay.hidden;
  p.fill(0, lay.headW, lay.headB + lay.outputSize);
  for (let o = 0; o < lay.outputSize; o++) p[lay.headW + o * H + o] = 1;
}
