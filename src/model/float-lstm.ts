/**
 * The float64 reference: one step of the model, the truth every other stage is measured
 * against. Stages (the same names in the simulator and the C):
 *   gates      z = wx·x + wh·h + b                 (4H pre-activations, order i, f, g, o)
 *   activate   i, f, o = sigmoid(z);  g = tanh(z)       (a: the four gates)
 *   cell       standard: c = f*c + i*g;  h = o*tanh(c)
 *              seed:     c = g*i + c*f;  h = c*o       (no tanh: h is not bounded by 1)
 *   head       y = w·h_last + b                        (delta model: + x[delta[o]], the step's input)
 * All values here are normalised (inputs and outputs); see normalize.ts for the units.
 */
import type { Architecture, FloatModel, LayerWeights } from "./model-file.js";
import { unitGates, type CellKind } from "./cells.js";

export interface FloatState {
  /** h[l] and c[l] of each layer, length H. */
  h: Float64Array[];
  c: Float64Array[];
  /** Scratch of one layer's step, reused every step: pre-activations z and gates a (4H each). */
  z: Float64Array;
  a: Float64Array;
}

/**
 * Sees every tensor of a layer during a step (calibration records their ranges): z the
 * pre-activations, a the gates i, f, g, o (4H each, gate-major), c and h after the update.
 */
export type LayerObserver = (layer: number, z: Float64Array, a: Float64Array, c: Float64Array, h: Float64Array) => void;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function createFloatState(arch: Architecture): FloatState {
  const h: Float64Array[] = [];
  const c: Float64Array[] = [];
  for (let l = 0; l < arch.layers; l++) {
    h.push(new Float64Array(arch.hiddenSize));
    c.push(new Float64Array(arch.hiddenSize));
  }
  return { h, c, z: new Float64Array(4 * arch.hiddenSize), a: new Float64Array(4 * arch.hiddenSize) };
}

export function resetFloatState(state: FloatState): void {
  for (const v of state.h) v.fill(0);
  for (const v of state.c) v.fill(0);
}

/** Pre-activations of one layer: z[r] = b[r] + Σ wx[r,:]·x + Σ wh[r,:]·h. */
export function gatePreactivations(
  w: LayerWeights,
  x: ArrayLike<number>,
  h: ArrayLike<number>,
  z: Float64Array,
): void {
  const I = x.length;
  const H = h.length;
  for (let r = 0; r < 4 * H; r++) {
    let acc = w.b[r]!;
    const ox = r * I;
    for (let k = 0; k < I; k++) acc += w.wx[ox + k]! * x[k]!;
    const oh = r * H;
    for (let k = 0; k < H; k++) acc += w.wh[oh + k]! * h[k]!;
    z[r] = acc;
  }
}

/** Gates from pre-activations: a = [sigmoid(z_i), sigmoid(z_f), tanh(z_g), sigmoid(z_o)]. */
export function activateGates(z: Float64Array, a: Float64Array): void {
  const H = z.length / 4;
  for (let j = 0; j < H; j++) {
    a[j] = sigmoid(z[j]!);
    a[H + j] = sigmoid(z[H + j]!);
    a[2 * H + j] = Math.tanh(z[2 * H + j]!);
    a[3 * H + j] = sigmoid(z[3 * H + j]!);
  }
}

/**
 * Each cell's update of one unit: the new c and h from the gates and the previous c. The seed
 * cell adds in the seed's order (g·i first), which float64 rounding can tell apart.
 */
const UNIT_UPDATE: Record<CellKind, (i: number, f: number, g: number, o: number, c: number) => [c: number, h: number]> = {
  standard: (i, f, g, o, c) => {
    const c2 = f * c + i * g;
    return [c2, o * Math.tanh(c2)];
  },
  seed: (i, f, g, o, c) => {
    const c2 = g * i + c * f;
    return [c2, c2 * o];
  },
};

/** Cell update of one layer from its gates, in place on c and h. */
export function cellUpdate(cell: CellKind, a: Float64Array, c: Float64Array, h: Float64Array): void {
  const H = c.length;
  const update = UNIT_UPDATE[cell];
  for (let j = 0; j < H; j++) {
    const [i, f, g, o] = unitGates(a, H, j);
    [c[j], h[j]] = update(i, f, g, o, c[j]!);
  }
}

/** Runs the dense head on the last layer's h. */
export function head(model: FloatModel, h: ArrayLike<number>, y: Float64Array): void {
  const { w, b } = model.weights.head;
  const H = h.length;
  for (let o = 0; o < y.length; o++) {
    let acc = b[o]!;
    for (let k = 0; k < H; k++) acc += w[o * H + k]! * h[k]!;
    y[o] = acc;
  }
}

/**
 * A delta model's outputs (architecture.delta): y[o] += x[delta[o]], the change the head predicts
 * added to the last observed value of its feature (the last input row, in either run mode, is the
 * step that runs the head). Nothing for a level model.
 */
export function addLastObserved(delta: readonly number[] | undefined, x: ArrayLike<number>, y: Float64Array): void {
  if (delta === undefined) return;
  for (let o = 0; o < y.length; o++) y[o] = y[o]! + x[delta[o]!]!;
}

/**
 * One step through all layers; state advances. When `y` is given the head runs too.
 * `x` is the normalised input of this step; `observe`, when given, sees each layer's tensors.
 */
export function floatStep(
  model: FloatModel,
  state: FloatState,
  x: ArrayLike<number>,
  y?: Float64Array,
  observe?: LayerObserver,
): void {
  const arch = model.architecture;
  const { z, a } = state;
  let input: ArrayLike<number> = x;
  for (let l = 0; l < arch.layers; l++) {
    gatePreactivations(model.weights.layers[l]!, input, state.h[l]!, z);
    activateGates(z, a);
    cellUpdate(arch.cell, a, state.c[l]!, state.h[l]!);
    observe?.(l, z, a, state.c[l]!, state.h[l]!);
    input = state.h[l]!;
  }
  if (y) {
    head(model, input, y);
    addLastObserved(arch.delta, x, y);
  }
}
