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
import { at, paramsIndex, type Workspace } from "./workspace.js";

export function forwardChunk(ws: Workspace, p: Float64Array, nb: number, steps: number): void {
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
      if (ws.cell === "standard") standardCell(ws, l, nb, t);
      else seedCell(ws, l, nb, t);
    }
  }
}

function standardCell(ws: Workspace, l: number, nb: number, t: number): void {
  const H = ws.lay.hidden;
  const act = ws.act[l]!;
  const c = ws.c[l]!;
  const h = ws.h[l]!;
  const tc = ws.tanhC[l]!;
  for (let b = 0; b < nb; b++) {
    const n = t * nb + b;
    const a = n * 4 * H;
    const prev = n * H; // slot t: state before this step
    const next = prev + nb * H; // slot t+1
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-act[a + j]!));
      const f = 1 / (1 + Math.exp(-act[a + H + j]!));
      const g = Math.tanh(act[a + 2 * H + j]!);
      const og = 1 / (1 + Math.exp(-act[a + 3 * H + j]!));
      act[a + j] = i;
      act[a + H + j] = f;
      act[a + 2 * H + j] = g;
      act[a + 3 * H + j] = og;
      const cj = f * c[prev + j]! + i * g;
      const t2 = Math.tanh(cj);
      c[next + j] = cj;
      tc[n * H + j] = t2;
      h[next + j] = og * t2;
    }
  }
}

/** The seed's cell: s = g·i + s_prev·f; h = s·o (no tanh on s). */
function seedCell(ws: Workspace, l: number, nb: number, t: number): void {
  const H = ws.lay.hidden;
  const act = ws.act[l]!;
  const c = ws.c[l]!;
  const h = ws.h[l]!;
  for (let b = 0; b < nb; b++) {
    const n = t * nb + b;
    const a = n * 4 * H;
    const prev = n * H;
    const next = prev + nb * H;
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-act[a + j]!));
      const f = 1 / (1 + Math.exp(-act[a + H + j]!));
      const g = Math.tanh(act[a + 2 * H + j]!);
      const og = 1 / (1 + Math.exp(-act[a + 3 * H + j]!));
      act[a + j] = i;
      act[a + H + j] = f;
      act[a + 2 * H + j] = g;
      act[a + 3 * H + j] = og;
      const cj = g * i + c[prev + j]! * f;
      c[next + j] = cj;
      h[next + j] = cj * og;
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
