/**
 * The reference models (scripts/reference-models.ts: the same float weights, drawn from the same
 * seed) put in the form ARM CMSIS-NN's LSTM kernels take, and the check that a run of them
 * computed that LSTM. Pure: no files, no processes (scripts/bench-cmsis-nn.ts runs them).
 *
 * CMSIS-NN's integer LSTM follows TensorFlow Lite's: int8 weights with one scale per matrix (per
 * gate, input and recurrent apart), the gate pre-activations requantised into int16 Q3.12 (what
 * its sigmoid and tanh take), the gates int16 Q0.15, the cell state int16 with a power-of-two
 * scale (2^cellScalePower), and x and h int8 (arm_lstm_unidirectional_s8) or int16 (_s16).
 * Every rescale is a Q31 multiplier and a power-of-two shift. Zero points are all 0 (symmetric
 * activations, which TensorFlow Lite allows): the kernels do the same work whatever they are.
 */
import { createFloatState, floatStep } from "../src/model/float-lstm.js";
import type { FloatModel } from "../src/model/model-file.js";

export type CmsisKernel = "s8" | "s16";

/** Per kernel: the C types, the function, and the scales of x and h (powers of two). */
export const CMSIS_KERNELS: Record<CmsisKernel, { fn: string; actType: string; actBits: number; biasType: string; xScale: number; hScale: number }> = {
  // x is a normalised input (about ±3): ±4 in either width; h = o·tanh(c) lies in (−1, 1).
  s8: { fn: "arm_lstm_unidirectional_s8", actType: "int8_t", actBits: 8, biasType: "int32_t", xScale: 2 ** -5, hScale: 2 ** -7 },
  s16: { fn: "arm_lstm_unidirectional_s16", actType: "int16_t", actBits: 16, biasType: "int64_t", xScale: 2 ** -13, hScale: 2 ** -15 },
};

/** The cell state in Q4.11: |c| up to 16, beyond what f·c + i·g reaches with these weights. */
export const CELL_SCALE_POWER = -11;
/** The gate pre-activations' format, Q3.12, fixed by CMSIS-NN's int16 sigmoid and tanh. */
const GATE_SCALE = 2 ** -12;

/** A rescale as CMSIS-NN applies it: x · multiplier / 2^31 · 2^shift, multiplier in [2^30, 2^31). */
export interface Rescale {
  multiplier: number;
  shift: number;
}

export function quantizeMultiplier(real: number): Rescale {
  if (!(real > 0) || !Number.isFinite(real)) throw new Error(`a rescale must be positive and finite, not ${real}`);
  let shift = Math.floor(Math.log2(real)) + 1;
  let multiplier = Math.round((real / 2 ** shift) * 2 ** 31);
  // Rounding up to 2^31 leaves the int32 range: halve it and move the power.
  if (multiplier === 2 ** 31) {
    multiplier = 2 ** 30;
    shift += 1;
  }
  return { multiplier, shift };
}

/** CMSIS-NN's gates, in the order of its parameter struct, with the reference model's gate index (i, f, g, o). */
const GATES = [
  { name: "forget", index: 1, activation: "ARM_SIGMOID" },
  { name: "input", index: 0, activation: "ARM_SIGMOID" },
  { name: "cell", index: 2, activation: "ARM_TANH" },
  { name: "output", index: 3, activation: "ARM_SIGMOID" },
] as const;

export interface CmsisGateView {
  name: string;
  activation: string;
  /** One line of C per unit (a row of the matrix); the biases eight to a line. */
  wx: string[];
  wh: string[];
  bias: string[];
  input: Rescale;
  hidden: Rescale;
}

/** What targets/harness/cmsis_nn_bench_main.c.hbs is filled with. */
export interface CmsisView {
  function: string;
  actType: string;
  biasType: string;
  steps: number;
  inputSize: number;
  hiddenSize: number;
  inputRows: string[];
  gates: CmsisGateView[];
  forgetToCell: Rescale;
  inputToCell: Rescale;
  cellClip: number;
  cellScalePower: number;
  output: Rescale;
}

const clampRound = (v: number, bits: number) => {
  const hi = 2 ** (bits - 1) - 1;
  return Math.max(-hi - 1, Math.min(hi, Math.round(v)));
};

/** `values` as lines of C initialisers, `width` to a line. */
function rows(values: readonly (number | string)[], width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i += width) out.push(values.slice(i, i + width).join(", "));
  return out;
}

/** int8 with one scale for the whole matrix (max |w| ↦ 127), as TensorFlow Lite quantizes LSTM weights. */
function quantizeMatrix(w: readonly number[]): { q: number[]; scale: number } {
  const max = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scale = max > 0 ? max / 127 : 1;
  return { q: w.map((v) => clampRound(v / scale, 8)), scale };
}

/** The CMSIS-NN form of one layer of `model`, and `inputs` (normalised) quantized with the input scale. */
export function cmsisView(model: FloatModel, kernel: CmsisKernel, inputs: readonly ArrayLike<number>[]): CmsisView {
  const k = CMSIS_KERNELS[kernel];
  const { inputSize: I, hiddenSize: H, layers } = model.architecture;
  if (layers !== 1 || model.architecture.cell !== "standard") throw new Error("the CMSIS-NN bench takes one standard LSTM layer");
  const layer = model.weights.layers[0]!;
  const suffix = kernel === "s16" ? "LL" : "";
  const gates = GATES.map((g): CmsisGateView => {
    const wx = quantizeMatrix(layer.wx.slice(g.index * H * I, (g.index + 1) * H * I));
    const wh = quantizeMatrix(layer.wh.slice(g.index * H * H, (g.index + 1) * H * H));
    // The bias is added to the input product's accumulator, so it takes that product's scale.
    const biasScale = k.xScale * wx.scale;
    const bias = layer.b.slice(g.index * H, (g.index + 1) * H).map((b) => `${Math.round(b / biasScale)}${suffix}`);
    return {
      name: g.name,
      activation: g.activation,
      wx: rows(wx.q, I),
      wh: rows(wh.q, H),
      bias: rows(bias, 8),
      input: quantizeMultiplier(biasScale / GATE_SCALE),
      hidden: quantizeMultiplier((k.hScale * wh.scale) / GATE_SCALE),
    };
  });
  const cellScale = 2 ** CELL_SCALE_POWER;
  return {
    function: k.fn,
    actType: k.actType,
    biasType: k.biasType,
    steps: inputs.length,
    inputSize: I,
    hiddenSize: H,
    inputRows: inputs.map((row) => Array.from(row, (v) => clampRound(v / k.xScale, k.actBits)).join(", ")),
    gates,
    // f (Q0.15) · c → c; i (Q0.15) · g (Q0.15) → c; o (Q0.15) · tanh(c) (Q0.15) → h.
    forgetToCell: quantizeMultiplier(2 ** -15),
    inputToCell: quantizeMultiplier(2 ** -30 / cellScale),
    // No clipping: the int16 range itself.
    cellClip: 32767,
    cellScalePower: CELL_SCALE_POWER,
    output: quantizeMultiplier(2 ** -30 / k.hScale),
  };
}

/** h after every step of the float64 reference, from a zero state (the stream the driver runs). */
export function floatHiddenTrace(model: FloatModel, inputs: readonly ArrayLike<number>[]): Float64Array[] {
  const state = createFloatState(model.architecture);
  return inputs.map((x) => {
    floatStep(model, state, x);
    return Float64Array.from(state.h[0]!);
  });
}

export interface TraceCheck {
  /** Largest |h_cmsis · hScale − h_float| over every step and unit. */
  maxAbsError: number;
  /** Largest |h_float| (the run is non-trivial when this is well above the error). */
  maxAbsHidden: number;
  /** Values of h at the ends of the activation range (saturated). */
  saturated: number;
  /** Distinct values of h over the run. */
  distinct: number;
  problems: string[];
}

/**
 * Whether a CMSIS-NN run computed the reference LSTM: its h after every step against float64's,
 * within `tolerance` (the figures are counts of a real run, not of a kernel fed zeros or
 * saturating), and non-trivial (h varies, does not sit at the range's ends).
 */
export function checkTrace(kernel: CmsisKernel, trace: readonly number[][], reference: readonly Float64Array[], tolerance: number): TraceCheck {
  const k = CMSIS_KERNELS[kernel];
  const top = 2 ** (k.actBits - 1) - 1;
  let maxAbsError = 0;
  let maxAbsHidden = 0;
  let saturated = 0;
  const values = new Set<number>();
  const problems: string[] = [];
  if (trace.length !== reference.length) problems.push(`${trace.length} steps printed, ${reference.length} expected`);
  trace.forEach((row, t) => {
    const ref = reference[t];
    if (!ref || row.length !== ref.length) {
      problems.push(`step ${t}: ${row.length} units printed, ${ref?.length ?? 0} expected`);
      return;
    }
    row.forEach((q, j) => {
      values.add(q);
      if (q >= top || q <= -top - 1) saturated++;
      maxAbsError = Math.max(maxAbsError, Math.abs(q * k.hScale - ref[j]!));
      maxAbsHidden = Math.max(maxAbsHidden, Math.abs(ref[j]!));
    });
  });
  const total = trace.reduce((n, r) => n + r.length, 0);
  if (maxAbsError > tolerance) problems.push(`h differs from float64 by up to ${maxAbsError.toFixed(4)} (tolerance ${tolerance})`);
  if (maxAbsHidden < 0.05) problems.push(`the float64 h stays below 0.05: the run would say little`);
  if (values.size < Math.min(16, total / 4)) problems.push(`h takes only ${values.size} distinct values over ${total}`);
  if (saturated > total / 10) problems.push(`${saturated} of ${total} values of h are saturated`);
  return { maxAbsError, maxAbsHidden, saturated, distinct: values.size, problems };
}
