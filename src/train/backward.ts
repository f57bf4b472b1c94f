/**
 * Backpropagation through time over a chunk, layer by layer from the top. For one layer, step
 * t, sample b (σ' and tanh' written through the stored activations):
 *   dh  = dh_above[t] + dh_next                       (from the layer above or the loss, and from t+1)
 *   standard: do = dh·tanh(c);  dc = dc_next + dh·o·(1 − tanh²(c))
 *   seed:     do = dh·c;        dc = dc_next + dh·o
 *   dz_i = i(1−i)·g·dc   dz_f = f(1−f)·c_prev·dc   dz_g = (1−g²)·i·dc   dz_o = o(1−o)·do
 *   dc_next ← dc·f        dh_next ← whᵀ·dz          (t > 0: the chunk's first state is a constant)
 * then, once per layer, summed over every (t, b) (matrix products over the whole chunk):
 *   dx = wxᵀ·dz (dh_above of the layer below, before wx changes)
 *   dwx = Σ dz ⊗ x    dwh = Σ dz ⊗ h_prev    db = Σ dz
 * Each gradient row is either stored in `g` (layout of the parameters, every layer entry
 * overwritten) or, with `sgdLr`, applied at once as p ← p − lr·row (plain SGD without clipping
 * needs no gradient buffer: one pass over the weights instead of three).
 */
import type { CellKind } from "../model/cells.js";
import type { Kernels } from "./kernels.js";
import { at, paramsIndex, type Workspace } from "./workspace.js";

/** Addresses of one time step's backward through the cell (kernels.ts cellBack*). */
interface CellBackStep {
  act: number;
  dz: number;
  dh: number;
  dhN: number;
  dcN: number;
  cp: number;
  H: number;
  nb: number;
}

/** Each cell's backward kernel, given what it reads besides c_prev: the tanh(c) the forward pass kept (standard), or c itself (seed). */
const CELL_BACKWARD: Record<CellKind, (k: Kernels, s: CellBackStep, ws: Workspace, l: number, n: number) => void> = {
  standard: (k, s, ws, l, n) => k.cellBackStd(s.act, s.dz, s.dh, s.dhN, s.dcN, s.cp, at(ws.tanhC[l]!) + n * s.H, s.H, s.nb),
  seed: (k, s) => k.cellBackSeed(s.act, s.dz, s.dh, s.dhN, s.dcN, s.cp, s.cp + s.nb * s.H, s.H, s.nb),
};

/**
 * Called before the backward through the cell of layer l at step t, when dL/dh of the step
 * (ws.dh from above, ws.dhNext from step t+1) is complete: quantization-aware fine-tuning zeroes
 * it where the forward pass saturated h (./fake-quant.ts).
 */
export type BeforeCellBack = (l: number, t: number) => void;

export function backwardChunk(
  ws: Workspace,
  p: Float64Array,
  g: Float64Array,
  nb: number,
  steps: number,
  sgdLr: number | null = null,
  beforeCellBack?: BeforeCellBack,
): void {
  const lay = ws.lay;
  const H = lay.hidden;
  const R = 4 * H;
  const { dh, dz, dhNext, dcNext } = ws;
  const k = ws.kernels;
  const count = steps * nb;
  const sgd = sgdLr !== null ? 1 : 0;
  const lr = sgdLr ?? 0;
  const P = paramsIndex(ws, p);
  // Layer gradients go to g where it is in the workspace memory, else to ws.grad and are copied out.
  const gInside = g.buffer === ws.mem.buffer;
  const G = gInside ? at(g) : at(ws.grad);
  // The fused update writes into the parameters; the gradient buffer otherwise.
  const dst = sgd ? P : G;
  const Z = at(dz);
  for (let l = lay.layers - 1; l >= 0; l--) {
    const o = lay.layer[l]!;
    const I = o.inputSize;
    const act = ws.act[l]!;
    dhNext.fill(0, 0, nb * H);
    dcNext.fill(0, 0, nb * H);
    for (let t = steps - 1; t >= 0; t--) {
      const n = t * nb; // first (step, sample) of this step
      const cp = at(ws.c[l]!) + n * H; // c slot t: c_prev
      const step: CellBackStep = { act: at(act) + n * R, dz: Z + n * R, dh: at(dh) + n * H, dhN: at(dhNext), dcN: at(dcNext), cp, H, nb };
      beforeCellBack?.(l, t);
      CELL_BACKWARD[ws.cell](k, step, ws, l, n);
      if (t > 0) {
        dhNext.fill(0, 0, nb * H);
        k.mtv(at(dhNext), H, H, P + o.wh, R, Z + t * nb * R, R, nb);
      }
    }
    if (l > 0) {
      // This layer's dh_above is consumed: the buffer becomes the layer below's.
      dh.fill(0, 0, count * H);
      k.mtv(at(dh), H, I, P + o.wx, R, Z, R, count);
    }
    const xs = l === 0 ? at(ws.x) : at(ws.h[l - 1]!) + nb * H;
    k.wg(dst + o.wx, R, I, Z, R, xs, I, count, sgd, lr);
    // h_prev of (t, b) is h at slot t; after a reset slot 0 is zero and adds nothing, so skip it.
    const skip = ws.stateIsZero ? nb : 0;
    k.wg(dst + o.wh, R, H, Z + skip * R, R, at(ws.h[l]!) + skip * H, H, count - skip, sgd, lr);
    k.colsum(dst + o.b, R, Z, R, count, sgd, lr);
  }
  if (sgd && p.buffer !== ws.mem.buffer) p.set(ws.params.subarray(0, lay.headW), 0);
  if (!sgd && !gInside) g.set(ws.grad.subarray(0, lay.headW), 0);
}
