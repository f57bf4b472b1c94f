/**
 * The fixed-point simulator: the executable specification of the generated C
 * (docs/fixed-point.md "The step, stage by stage"). The same integer operations in the same
 * order, the same rounding (rshr, round half up), the same saturations, counted per tensor.
 * No floating point at run time: every value is an integer held in a JS number, exact by the
 * ranges stated in int-ops.ts.
 *
 * Stages, with the float reference's names (src/model/float-lstm.ts):
 *   gatesStage     z[r]  = sat32(((acc_x·mx[r] + acc_h·mh[r] + 2^(S-1)) >> S) + bias[r])   Q15 int32
 *   activateStage  i, f, o = sigmoid_q15(z);  g = tanh_q15(z)                                Q15 int16
 *   cellStage      c' = sat16(...), h' = ...                                                 Q fc, Q fh
 *   headStage      y[o] = sat16(((acc·m[o] + 2^(S-1)) >> S) + bias[o] + last[o])             Q fy int16
 *                  last[o]: a delta model's last observed value of its feature, x[delta[o]] in Q fy
 *                  (lastObservedStage); 0 for a level model
 * Legend: L layers, H units, I inputs of a layer, O outputs; gate rows in the order i, f, g, o.
 */
import type { FixedPoint, IntHead, IntLayer, QuantModel } from "../model/quant-model-file.js";
import type { CellKind } from "../model/model-file.js";
import { quantizeInput, requantize, rescale, rshr, sat16, sat32, satBits, type SatCounter } from "./int-ops.js";
import { sigmoidQ15, tanhQ15 } from "./nonlinearity.js";
import { runSequence } from "../model/sequence.js";
import { unitGates } from "../model/cells.js";

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** The caller-owned state, as the C's state struct: h and c of every layer. */
export interface FixedState {
  h: Int32Array[];
  c: Int32Array[];
}

/** Saturation counters, one per tensor that can saturate (docs "Where a value can saturate"). */
export interface SatCounts {
  /** One per input column (each has its own format). */
  x: SatCounter[];
  z: SatCounter[];
  c: SatCounter[];
  h: SatCounter[];
  y: SatCounter;
}

/** Everything one step computed, for pointing a parity failure at its first diverging stage. */
export interface StepTrace {
  /** Per layer: z [4H], gates [4H] (i, f, g, o blocks), c [H], h [H] after the step. */
  layers: { z: Int32Array; gates: Int32Array; c: Int32Array; h: Int32Array }[];
  y: Int32Array;
}

export function createFixedState(model: QuantModel): FixedState {
  const H = model.architecture.hiddenSize;
  const h: Int32Array[] = [];
  const c: Int32Array[] = [];
  for (let l = 0; l < model.architecture.layers; l++) {
    h.push(new Int32Array(H));
    c.push(new Int32Array(H));
  }
  return { h, c };
}

export function resetFixedState(state: FixedState): void {
  for (const v of state.h) v.fill(0);
  for (const v of state.c) v.fill(0);
}

export function createSatCounts(layers: number, inputs: number): SatCounts {
  const many = (n: number) => Array.from({ length: n }, () => ({ count: 0 }));
  return { x: many(inputs), z: many(layers), c: many(layers), h: many(layers), y: { count: 0 } };
}

/** The fixed-point part of a model, or an error for f32 (which has no integer step). */
export function fixedOf(model: QuantModel): FixedPoint {
  if (model.fixed === null) throw new Error(`scheme ${model.scheme} has no integer step`);
  return model.fixed;
}

/**
 * One row's dot product as the C accumulates it: int32 (w8 schemes), or int64 then rshr by
 * accShift to int32 (w16a16). |w| ≤ 32767 and |v| ≤ 32768, so each product is below 2^30 and a
 * double holds any sum of fewer than 2^23 of them exactly. The bound the quantizer proved is
 * re-checked here: a file that breaks it would be undefined behaviour in the C.
 */
function dot(w: ArrayLike<number>, offset: number, v: ArrayLike<number>, accShift: number): number {
  let acc = 0;
  for (let k = 0; k < v.length; k++) acc += w[offset + k]! * v[k]!;
  const reduced = rshr(acc, accShift);
  if (reduced > INT32_MAX || reduced < INT32_MIN) {
    throw new Error(`accumulator ${reduced} outside int32: the quantized file breaks its accumulator bound`);
  }
  return reduced;
}

/** Stage 1: the 4H pre-activations of a layer (Q15 int32). */
export function gatesStage(layer: IntLayer, x: ArrayLike<number>, hPrev: ArrayLike<number>, z: Int32Array, sat?: SatCounter): void {
  const I = x.length;
  const H = hPrev.length;
  for (let r = 0; r < 4 * H; r++) {
    const accX = dot(layer.wx, r * I, x, layer.accShiftX);
    const accH = dot(layer.wh, r * H, hPrev, layer.accShiftH);
    z[r] = sat32(requantize(accX, layer.mx[r]!, accH, layer.mh[r]!, layer.shift) + layer.bias[r]!, sat);
  }
}

/** Stage 2: i, f, o = sigmoid, g = tanh, in place order i, f, g, o (Q15). */
export function activateStage(table: ArrayLike<number>, z: Int32Array, gates: Int32Array): void {
  const H = z.length / 4;
  for (let r = 0; r < 4 * H; r++) {
    gates[r] = r >= 2 * H && r < 3 * H ? tanhQ15(table, z[r]!) : sigmoidQ15(table, z[r]!);
  }
}

/** What a cell's integer update of one unit reads besides its gates and c. */
interface UnitContext {
  layer: IntLayer;
  table: ArrayLike<number>;
  satC?: SatCounter;
  satH?: SatCounter;
}

/** Each cell's integer update of one unit (docs/fixed-point.md step 3): the new c and h. */
const UNIT_UPDATE: Record<CellKind, (i: number, f: number, g: number, o: number, c: number, u: UnitContext) => [c: number, h: number]> = {
  standard: (i, f, g, o, c, { layer, table, satC, satH }) => {
    const fc = layer.cFrac;
    const c2 = sat16(rshr(f * c, 15) + rshr(i * g, 30 - fc), satC);
    // c' in Q15 as int32: exact (fc ≤ 15, |c'| ≤ 2^15).
    const t = tanhQ15(table, c2 * 2 ** (15 - fc));
    return [c2, layer.hBits === 8 ? satBits(rshr(o * t, 23), 8, satH) : rshr(o * t, 15)];
  },
  seed: (i, f, g, o, c, { layer, satC, satH }) => {
    const fc = layer.cFrac;
    const c2 = sat16(rshr(g * i, 30 - fc) + rshr(c * f, 15), satC);
    // h = c·o has its own format: Q(fc+15) product to Q fh. For a16 fh = fc (shift 15, |h'| ≤ |c'|).
    return [c2, layer.hBits === 8 ? satBits(rshr(c2 * o, 15 + fc - layer.hFrac), 8, satH) : rshr(c2 * o, 15)];
  },
};

/** Stage 3: the cell update of every unit; c in place, the new h into hNew (not the state). */
export function cellStage(
  cell: CellKind,
  layer: IntLayer,
  table: ArrayLike<number>,
  gates: Int32Array,
  c: Int32Array,
  hNew: Int32Array,
  satC?: SatCounter,
  satH?: SatCounter,
): void {
  const H = c.length;
  const update = UNIT_UPDATE[cell];
  const context: UnitContext = { layer, table, satC, satH };
  for (let j = 0; j < H; j++) {
    const [i, f, g, o] = unitGates(gates, H, j);
    [c[j], hNew[j]] = update(i, f, g, o, c[j]!, context);
  }
}

/**
 * A delta model's last observed values (docs/fixed-point.md "Delta outputs"): for output o, the
 * model input x[delta[o]] (Q fracs[delta[o]]) rescaled to y's Q fy, which the head adds to its
 * output. x is the input of the step that runs the head: the window's last row, or the stream's
 * latest.
 */
export function lastObservedStage(fx: FixedPoint, delta: readonly number[], x: ArrayLike<number>, last: Int32Array): void {
  for (let o = 0; o < delta.length; o++) last[o] = rescale(x[delta[o]!]!, fx.x.fracs[delta[o]!]!, fx.head.outFrac);
}

/** Stage 4: the head on the last layer's h (Q fy int16), plus a delta model's last observed values (`last`, Q fy). */
export function headStage(head: IntHead, h: ArrayLike<number>, y: Int32Array, sat?: SatCounter, last?: ArrayLike<number>): void {
  const H = h.length;
  for (let o = 0; o < y.length; o++) {
    const acc = dot(head.w, o * H, h, head.accShift);
    y[o] = sat16(requantize(acc, head.m[o]!, 0, 0, head.shift) + head.bias[o]! + (last?.[o] ?? 0), sat);
  }
}

/** Scratch buffers of one step, allocated once per engine (the C keeps them on the stack). */
interface Scratch {
  z: Int32Array;
  gates: Int32Array;
  hNew: Int32Array;
  /** A delta model's last observed values, one per output (Q fy). */
  last: Int32Array;
}

function createScratch(H: number, O: number): Scratch {
  return { z: new Int32Array(4 * H), gates: new Int32Array(4 * H), hNew: new Int32Array(H), last: new Int32Array(O) };
}

/**
 * One step through every layer and the head; the state advances. `x` is the quantized input
 * (Q fx). Writes the head's output to `y` (the C runs the head only when its output is used;
 * running it every step changes no state).
 */
export function fixedStep(
  model: QuantModel,
  state: FixedState,
  x: ArrayLike<number>,
  y: Int32Array,
  sats: SatCounts,
  trace?: StepTrace,
  scratch: Scratch = createScratch(model.architecture.hiddenSize, model.architecture.outputSize),
): void {
  const fx = fixedOf(model);
  const cell = model.architecture.cell;
  const table = fx.nonlinearity.table;
  let input: ArrayLike<number> = x;
  for (let l = 0; l < fx.layers.length; l++) {
    const layer = fx.layers[l]!;
    gatesStage(layer, input, state.h[l]!, scratch.z, sats.z[l]);
    activateStage(table, scratch.z, scratch.gates);
    cellStage(cell, layer, table, scratch.gates, state.c[l]!, scratch.hNew, sats.c[l], sats.h[l]);
    // Only now may h change: every gate row above read the old h.
    state.h[l]!.set(scratch.hNew);
    input = state.h[l]!;
    if (trace) {
      trace.layers[l] = {
        z: Int32Array.from(scratch.z),
        gates: Int32Array.from(scratch.gates),
        c: Int32Array.from(state.c[l]!),
        h: Int32Array.from(state.h[l]!),
      };
    }
  }
  const delta = model.architecture.delta;
  if (delta) lastObservedStage(fx, delta, x, scratch.last);
  headStage(fx.head, input, y, sats.y, delta ? scratch.last : undefined);
  if (trace) trace.y = Int32Array.from(y);
}

/** A stepping simulator with its own state, scratch and counters. */
export class Simulator {
  readonly state: FixedState;
  readonly sats: SatCounts;
  private readonly scratch: Scratch;
  private readonly y: Int32Array;

  constructor(readonly model: QuantModel) {
    fixedOf(model);
    this.state = createFixedState(model);
    this.sats = createSatCounts(model.architecture.layers, model.architecture.inputSize);
    this.scratch = createScratch(model.architecture.hiddenSize, model.architecture.outputSize);
    this.y = new Int32Array(model.architecture.outputSize);
  }

  reset(): void {
    resetFixedState(this.state);
  }

  /** One step on a quantized input; returns the (reused) quantized output buffer. */
  step(xq: ArrayLike<number>, trace?: StepTrace): Int32Array {
    fixedStep(this.model, this.state, xq, this.y, this.sats, trace, this.scratch);
    return this.y;
  }

  /** The driver's input quantisation (docs "Input and output"), counted per column. */
  quantizeInput(xNorm: ArrayLike<number>): Int32Array {
    return quantizeRow(fixedOf(this.model), xNorm, this.sats.x);
  }
}

/** Column k of a normalised input row in its own format Q fracs[k] (docs "Input and output"). */
function quantizeRow(fx: FixedPoint, xNorm: ArrayLike<number>, sats?: SatCounter[]): Int32Array {
  const out = new Int32Array(xNorm.length);
  for (let k = 0; k < xNorm.length; k++) out[k] = quantizeInput(xNorm[k]!, fx.x.fracs[k]!, fx.x.bits, sats?.[k]);
  return out;
}

/** Saturation counts as a flat record `{ "x[0]", …, "layer0.z", ..., y }` (one x entry per input column). */
export function satRecord(s: SatCounts): Record<string, number> {
  const out: Record<string, number> = {};
  s.x.forEach((c, k) => (out[`x[${k}]`] = c.count));
  s.z.forEach((_, l) => {
    out[`layer${l}.z`] = s.z[l]!.count;
    out[`layer${l}.c`] = s.c[l]!.count;
    out[`layer${l}.h`] = s.h[l]!.count;
  });
  out.y = s.y.count;
  return out;
}

export interface IntegerSeriesOutput {
  /** 0-based data row each prediction is for (src/model/sequence.ts). */
  rows: number[];
  /** One quantized output vector (Q fy) per entry of rows. */
  outputs: Int32Array[];
  saturations: Record<string, number>;
}

/**
 * Runs a whole quantized input sequence (xq[t] = Q fx input of row t) in the model's run mode
 * and returns every integer output: what the C test driver must reproduce bit for bit.
 */
export function simulateSeries(model: QuantModel, xq: readonly ArrayLike<number>[]): IntegerSeriesOutput {
  const sim = new Simulator(model);
  const rows: number[] = [];
  const outputs: Int32Array[] = [];
  runSequence(sim, model.architecture, xq, (row, y) => {
    rows.push(row);
    outputs.push(Int32Array.from(y));
  });
  return { rows, outputs, saturations: satRecord(sim.sats) };
}

/** Quantizes normalised inputs as the C test driver does (column k in Q fracs[k], saturating, counted per column). */
export function quantizeInputs(model: QuantModel, inputs: ArrayLike<number>[], sats?: SatCounter[]): Int32Array[] {
  const fx = fixedOf(model);
  return inputs.map((x) => quantizeRow(fx, x, sats));
}
