/**
 * Every buffer one training run needs, allocated once for the largest chunk (B samples × T
 * steps) and reused by every forward and backward pass, so the inner loops never allocate.
 *
 * Legend: B samples (windows, or parallel streams), T steps, L layers, H hidden, I input size of
 * a layer, O outputs. A chunk of nb ≤ B samples and T' ≤ T steps is stored step-major with the
 * active count as stride: element (t, b) of a per-sample vector of length n is at (t·nb + b)·n.
 * x, h, c and dz carry PAD spare vectors at the end: the weight-gradient kernel works on four
 * (step, sample) pairs at a time and reads up to three past the last one (as zero terms).
 */
export const PAD = 3;
import type { CellKind } from "../model/model-file.js";
import type { ParamLayout } from "./layout.js";

export interface Workspace {
  lay: ParamLayout;
  cell: CellKind;
  maxBatch: number;
  maxSteps: number;
  /** Input of layer 0: [T][B][I0]. */
  x: Float64Array;
  /** Targets: [T][B][O] for outputs at every step, [B][O] for the last step only. */
  target: Float64Array;
  /**
   * Per layer: h and c at [T+1][B][H]; slot 0 is the state entering the chunk (zero after a
   * reset, the previous chunk's last state in stream mode), slot t+1 the state after step t.
   */
  h: Float64Array[];
  c: Float64Array[];
  /** Per layer: activated gates [T][B][4H] in the order i, f, g, o. */
  act: Float64Array[];
  /** Per layer: tanh(c) [T][B][H] (standard cell; the seed cell has no tanh on c). */
  tanhC: Float64Array[];
  /** Head outputs [T][B][O] (only the rows the loss reads are computed). */
  y: Float64Array;
  /**
   * dL/dh arriving at a layer's output from above [T][B][H]: written by the loss for the last
   * layer, then overwritten in place by dL/dx of that layer, which is dL/dh of the layer below.
   */
  dh: Float64Array;
  /** dL/dz of the gate pre-activations [T][B][4H]; reused by every layer in turn. */
  dz: Float64Array;
  /** Gradients carried from step t+1 to step t: dL/dh_prev and dL/dc_prev, [B][H]. */
  dhNext: Float64Array;
  dcNext: Float64Array;
  /** One weight-gradient row, max(I0, H) (the fused SGD update applies it row by row). */
  row: Float64Array;
  /** True after a reset: h at slot 0 is zero, so step 0 skips the wh·h product. */
  stateIsZero: boolean;
}

export function createWorkspace(lay: ParamLayout, cell: CellKind, maxBatch: number, maxSteps: number): Workspace {
  const { hidden: H, layers: L, outputSize: O, inputSize: I } = lay;
  const B = maxBatch;
  const T = maxSteps;
  const per = (n: number) => Array.from({ length: L }, () => new Float64Array(n));
  return {
    lay,
    cell,
    maxBatch: B,
    maxSteps: T,
    x: new Float64Array((T * B + PAD) * I),
    target: new Float64Array(T * B * O),
    h: per(((T + 1) * B + PAD) * H),
    c: per(((T + 1) * B + PAD) * H),
    act: per(T * B * 4 * H),
    tanhC: cell === "standard" ? per(T * B * H) : [],
    y: new Float64Array(T * B * O),
    dh: new Float64Array(T * B * H),
    dz: new Float64Array((T * B + PAD) * 4 * H),
    dhNext: new Float64Array(B * H),
    dcNext: new Float64Array(B * H),
    row: new Float64Array(Math.max(I, H)),
    stateIsZero: true,
  };
}

/** Zero state before the first chunk of a sequence. */
export function resetState(ws: Workspace, nb: number): void {
  const n = nb * ws.lay.hidden;
  for (let l = 0; l < ws.lay.layers; l++) {
    ws.h[l]!.fill(0, 0, n);
    ws.c[l]!.fill(0, 0, n);
  }
  ws.stateIsZero = true;
}

/** Stream mode: the state after the chunk's last step becomes the state entering the next chunk. */
export function carryState(ws: Workspace, nb: number, steps: number): void {
  const n = nb * ws.lay.hidden;
  const from = steps * n;
  for (let l = 0; l < ws.lay.layers; l++) {
    ws.h[l]!.copyWithin(0, from, from + n);
    ws.c[l]!.copyWithin(0, from, from + n);
  }
  ws.stateIsZero = false;
}
