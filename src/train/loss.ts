/**
 * The two training objectives and the gradient they send into the network.
 *   mse     mean over samples, outputs (and steps, when every step has a target) of (ŷ − y)²,
 *           ŷ = the head's output.
 *   hidden  the seed's loss: Σ over steps and outputs of (h[q] − y[q])², h the last layer's
 *           hidden state (no head), averaged over the samples of a batch (so batch 1 is the
 *           seed's sum).
 * `every`: a target at every step (stream mode, the seed example); otherwise only at the last
 * step (window mode, sequence to one).
 */
import type { LossKind } from "./api.js";
import { headForward } from "./forward.js";
import type { Workspace } from "./workspace.js";

export interface LossSpec {
  kind: LossKind;
  every: boolean;
}

/** How many terms a chunk's objective averages over (used to weight chunks in an epoch mean). */
export function lossWeight(spec: LossSpec, outputs: number, nb: number, steps: number): number {
  return spec.kind === "hidden" ? nb : nb * outputs * (spec.every ? steps : 1);
}

/**
 * Computes the chunk's objective from the forward pass in `ws` and targets in `ws.target`. With
 * `g`, also writes dL/dh of the last layer into ws.dh (zero at steps without a target) and the
 * head's gradient into g.
 */
export function chunkLoss(ws: Workspace, p: Float64Array, spec: LossSpec, nb: number, steps: number, g: Float64Array | null): number {
  const lay = ws.lay;
  const H = lay.hidden;
  const O = lay.outputSize;
  const hLast = ws.h[lay.layers - 1]!;
  const weight = lossWeight(spec, O, nb, steps);
  const scale = 2 / weight;
  if (g) {
    ws.dh.fill(0, 0, steps * nb * H);
    g.fill(0, lay.headW, lay.headB + O);
  }
  let se = 0;
  // Last step first: the order the seed adds its per-step losses in.
  const first = spec.every ? 0 : steps - 1;
  for (let t = steps - 1; t >= first; t--) {
    if (spec.kind === "mse") headForward(ws, p, nb, t);
    for (let b = 0; b < nb; b++) {
      const n = t * nb + b;
      const to = (spec.every ? n : b) * O;
      const ho = (n + nb) * H; // slot t+1: h after step t
      for (let q = 0; q < O; q++) {
        const e = (spec.kind === "mse" ? ws.y[n * O + q]! : hLast[ho + q]!) - ws.target[to + q]!;
        se += e * e;
        if (!g) continue;
        const d = scale * e;
        if (spec.kind === "hidden") {
          ws.dh[n * H + q] = d;
          continue;
        }
        // Head: dW[q,:] += d·h, db[q] += d, dh += d·W[q,:].
        const wo = lay.headW + q * H;
        g[lay.headB + q] = g[lay.headB + q]! + d;
        for (let k = 0; k < H; k++) {
          g[wo + k] = g[wo + k]! + d * hLast[ho + k]!;
          ws.dh[n * H + k] = ws.dh[n * H + k]! + d * p[wo + k]!;
        }
      }
    }
  }
  return se / weight;
}
