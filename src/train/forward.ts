/**
 * Forward pass over a chunk, layer by layer (layer l at step t needs only layer l-1 at t and
 * itself at t-1), keeping every activation the backward pass needs. The same stages as the float
 * reference (src/model/float-lstm.ts):
 *   gates      z = b + wx·x + wh·h_prev      (wx·x for every step and sample in one matrix product,
 *                                             then wh·h_prev step by step, all samples at once)
 *   activate   i, f, o = σ(z);  g = tanh(z)
 *   cell       standard: c = f·c_prev + i·g;  h = o·tanh(c)
 *              seed:     c = g·i + c_prev·f;  h = c·o
 * then the head, y = w·h + b, where the loss needs it (./loss.ts).
 */
import type { CellKind } from "../model/cells.js";
import type { Kernels } from "./kernels.js";
import { at, paramsIndex, type Workspace } from "./workspace.js";

/** Each cell's forward kernel (kernels.ts): the same arguments, tc (tanh c, kept for backward) unused by the seed cell. */
const CELL_FORWARD = { standard: "cellStd", seed: "cellSeed" } as const satisfies Record<CellKind, keyof Kernels>;

/**
 * Called after the cell of layer l has run step t (c, h and the activated gates of the step
 * written): quantization-aware fine-tuning rounds them there (./fake-quant.ts).
 */
export type AfterCell = (l: number, t: number) => void;

export function forwardChunk(ws: Workspace, p: Float64Array, nb: number, steps: number, afterCell?: AfterCell): void {
  const lay = ws.lay;
  const H = lay.hidden;
  const R = 4 * H;
  const count = steps * nb;
  const k = ws.kernels;
  const P = paramsIndex(ws, p);
  const pm = ws.mem;
  for (let l = 0; l < lay.layers; l++) {
    const o = lay.layer[l]!;
    const I = o.inputSize;
    // Layer 0 reads the chunk's inputs; layer l > 0 reads h of layer l-1 at slots 1..T.
    const xs = l === 0 ? at(ws.x) : at(ws.h[l - 1]!) + nb * H;
    const h = at(ws.h[l]!);
    const act = ws.act[l]!; // pre-activations z, then activated in place
    const bias = pm.subarray(P + o.b, P + o.b + R);
    for (let n = 0; n < count; n++) act.set(bias, n * R);
    k.mv(P + o.wx, R, I, xs, I, count, at(act), R);
    for (let t = 0; t < steps; t++) {
      // After a reset h_prev is zero at step 0: wh·h_prev adds nothing.
      if (t > 0 || !ws.stateIsZero) k.mv(P + o.wh, R, H, h + t * nb * H, H, nb, at(act) + t * nb * R, R);
      const n = t * nb; // first (step, sample) of this step; c and h slot t is c_prev, h_prev
      const z = at(act) + n * R;
      const cp = at(ws.c[l]!) + n * H;
      k[CELL_FORWARD[ws.cell]](z, cp, cp + nb * H, h + (n + nb) * H, ws.tanhC[l] ? at(ws.tanhC[l]) + n * H : 0, H, nb);
      afterCell?.(l, t);
    }
  }
}

/** y = w·h + b for the last layer's h after step t, for every sample of the chunk. */
export function headForward(ws: Workspace, p: Float64Array, nb: number, t: number): void {
  const lay = ws.lay;
  const H = lay.hidden;
  const O = lay.outputSize;
  const h = ws.h[lay.layers - 1]!;
  for (let b = 0; b < nb; b++) {
    const n = t * nb + b;
    const ho = (n + nb) * H; // slot t+1
    for (let q = 0; q < O; q++) {
      let acc = p[lay.headB + q]!;
      const wo = lay.headW + q * H;
      for (let k = 0; k < H; k++) acc += p[wo + k]! * h[ho + k]!;
      ws.y[n * O + q] = acc;
    }
  }
}
