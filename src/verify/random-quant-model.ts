/**
 * Random quantized models for fuzzing the generated C against the simulator: every field drawn
 * from the full range the quantized model file allows (src/model/quant-model-file.ts), with the
 * extremes over-represented — weights at ±qmax and -qmax-1, multipliers near 2^30, biases at the
 * int32 limits, shifts from 1 to 62 — while keeping the bounds the file promises (accumulators
 * within int32 after the w16a16 reduction; formats chained from layer to layer). Inputs come
 * random and saturating.
 */
import type { CellKind, RunMode } from "../model/model-file.js";
import { accShiftFor, rowBounds } from "../quant/quantize.js";
import { buildTanhTable } from "../quant/nonlinearity.js";
import {
  GATE_FRAC,
  QUANT_FORMAT,
  quantVersionFor,
  TABLE_STEP_LOG2,
  Z_FRAC,
  withHash,
  type IntHead,
  type IntLayer,
  type QuantModel,
} from "../model/quant-model-file.js";

import { CELL_NAMES, CELLS } from "../model/cells.js";
import { INTEGER_SCHEMES, integerFacts, type IntegerScheme } from "../model/schemes.js";

export { mulberry32 as seededRandom } from "../util/seeded-random.js";

export class Draw {
  constructor(readonly next: () => number) {}
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A value in [lo, hi]: mostly uniform, sometimes an end point or next to one. */
  extreme(lo: number, hi: number, pEdge = 0.15): number {
    if (this.chance(pEdge)) return this.pick([lo, lo + 1, hi - 1, hi, 0]);
    return this.int(lo, hi);
  }
}

export interface RandomModelSpec {
  scheme: IntegerScheme;
  cell: CellKind;
  inputSize: number;
  hidden: number;
  layers: number;
  outputs: number;
  mode: RunMode;
  window: number;
  horizon: number;
  /** A delta model (architecture.delta): each output adds back a random input feature's last value. */
  delta?: boolean;
}

/** A random architecture: sizes 1 … maxSize (small ones more often), 1 … 3 layers. */
export function randomSpec(d: Draw, maxSize = 64): RandomModelSpec {
  const size = () => (d.chance(0.7) ? d.int(1, Math.min(12, maxSize)) : d.int(1, maxSize));
  return {
    scheme: d.pick(INTEGER_SCHEMES),
    cell: d.pick(CELL_NAMES),
    inputSize: size(),
    hidden: size(),
    layers: d.int(1, 3),
    outputs: d.int(1, 4),
    mode: d.pick(["window", "stream"] as const),
    window: d.int(1, 6),
    horizon: d.int(0, 2),
    delta: d.chance(0.3),
  };
}

/** A weight matrix: a row scale drawn per row (some rows all at the extremes, some zero). */
function weights(d: Draw, rows: number, cols: number, qmax: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const kind = d.int(0, 9);
    const mag = kind === 0 ? 0 : kind <= 2 ? qmax : d.int(1, qmax);
    for (let k = 0; k < cols; k++) {
      if (kind === 1) out.push(d.pick([-qmax - 1, qmax]));
      else out.push(mag === 0 ? 0 : d.extreme(-Math.min(qmax + 1, mag), mag, 0.1));
    }
  }
  return out;
}

/** Per-row multipliers 1 … 2^30 - 1: log-uniform, with 2^30 - 1 and 1 among them. */
function multipliers(d: Draw, n: number): number[] {
  return Array.from({ length: n }, () => {
    if (d.chance(0.1)) return d.pick([1, 2 ** 30 - 1, 2 ** 30 - 2, 2 ** 29]);
    return Math.max(1, Math.min(2 ** 30 - 1, Math.floor(2 ** (d.next() * 30))));
  });
}

/**
 * A shift that lands typical pre-activations in the interesting range of the nonlinearities most
 * of the time, and anywhere in 1 … 62 otherwise (saturating z, or z ≈ bias).
 */
function shiftFor(d: Draw, accBits: number): number {
  if (d.chance(0.2)) return d.int(1, 62);
  // acc ≈ 2^accBits, m ≈ 2^29 → want z ≈ 2^16: S ≈ accBits + 29 - 16.
  return Math.max(1, Math.min(62, accBits + 13 + d.int(-6, 6)));
}

function biases(d: Draw, n: number, typical: number): number[] {
  return Array.from({ length: n }, () => {
    if (d.chance(0.05)) return d.pick([-(2 ** 31), 2 ** 31 - 1]);
    return d.int(-typical, typical);
  });
}

const sample = { samples: 0, maxAbs: 0, rmse: 0, l2r: 0, cosine: 1, taskRmseFloat: null, taskRmseQuant: null };

/** A random, valid quantized model of the given architecture (the file's hash set). */
export function randomQuantModel(d: Draw, spec: RandomModelSpec): QuantModel {
  const { scheme, cell, inputSize, hidden: H, layers: L, outputs: O } = spec;
  const facts = integerFacts(scheme);
  const wide = facts.accumulatorBits === 64;
  const qmax = 2 ** (facts.weightBits - 1) - 1;
  const aBits = facts.activationBits;
  // Per-column input formats: often all equal (a version-1 file), else drawn per column, ends included.
  const shared = d.int(0, aBits - 1);
  const fracs = Array.from({ length: inputSize }, () => (d.chance(0.3) ? shared : d.extreme(0, aBits - 1, 0.3)));
  const x = { frac: Math.max(...fracs), bits: aBits, fracs };
  const layers: IntLayer[] = [];
  let inFmt: { frac: number; bits: 8 | 16 } = x;
  for (let l = 0; l < L; l++) {
    const I = l === 0 ? inputSize : H;
    const wx = weights(d, 4 * H, I, qmax);
    const wh = weights(d, 4 * H, H, qmax);
    const cFrac = d.extreme(0, 15, 0.3);
    // Unbounded h (seed cell), a8: h's format is calibrated in cFrac - 8 … 7; draw it (ends
    // often: the shortest h' shift saturates h, the longest is the c-top-8-bits format).
    const hFrac = CELLS[cell].boundedH ? aBits - 1 : aBits === 16 ? cFrac : d.chance(0.3) ? d.pick([cFrac - 8, 7]) : d.int(cFrac - 8, 7);
    const accShiftX = accShiftFor(rowBounds(wx, 4 * H, I), wide);
    const accShiftH = accShiftFor(rowBounds(wh, 4 * H, H), wide);
    const accBits = Math.ceil(Math.log2(qmax * 2 ** (aBits - 1) * Math.sqrt(Math.max(I, H)))) - (wide ? Math.max(accShiftX, accShiftH) : 0);
    layers.push({
      inFrac: inFmt.frac,
      inBits: inFmt.bits,
      cFrac,
      hFrac,
      hBits: aBits,
      wx,
      wh,
      bias: biases(d, 4 * H, 2 ** 17),
      mx: multipliers(d, 4 * H),
      mh: multipliers(d, 4 * H),
      shift: shiftFor(d, accBits),
      accShiftX,
      accShiftH,
      scaleX: Array(4 * H).fill(1),
      scaleH: Array(4 * H).fill(1),
    });
    inFmt = { frac: hFrac, bits: aBits };
  }
  const hw = weights(d, O, H, qmax);
  const accShift = accShiftFor(rowBounds(hw, O, H), wide);
  const head: IntHead = {
    w: hw,
    bias: biases(d, O, 2 ** 14),
    m: multipliers(d, O),
    shift: shiftFor(d, Math.ceil(Math.log2(qmax * 2 ** (aBits - 1) * Math.sqrt(H))) - accShift),
    accShift,
    scale: Array(O).fill(1),
    outFrac: d.int(0, 15),
  };
  // Drawn after everything else, so a level model of a given spec and seed is what it was before delta models.
  const delta = spec.delta ? Array.from({ length: O }, () => d.int(0, inputSize - 1)) : undefined;
  if (delta) {
    // The bias and the last observed value are summed in int32 (docs/fixed-point.md "Delta outputs"): keep the sum inside it.
    delta.forEach((k, o) => {
      const lastMax = 2 ** (aBits - 1) * 2 ** Math.max(0, head.outFrac - fracs[k]!);
      head.bias[o] = Math.max(-(2 ** 31) + lastMax, Math.min(2 ** 31 - 1 - lastMax, head.bias[o]!));
    });
  }
  const architecture = { cell, inputSize, hiddenSize: H, layers: L, outputSize: O, window: spec.window, horizon: spec.horizon, mode: spec.mode, ...(delta ? { delta } : {}) };
  const features = Array.from({ length: inputSize }, (_, k) => `x${k}`);
  const targets = Array.from({ length: O }, (_, k) => `y${k}`);
  return withHash({
    format: QUANT_FORMAT,
    version: quantVersionFor(architecture),
    hash: "",
    scheme,
    source: { modelHash: "sha256:random", modelFile: "random.json" },
    architecture,
    features,
    targets,
    normalization: {
      input: { mean: Array(inputSize).fill(0), scale: Array(inputSize).fill(1) },
      output: { mean: Array(O).fill(0), scale: Array(O).fill(1) },
    },
    fixed: {
      weightBits: wide ? 16 : 8,
      accumulatorBits: wide ? 64 : 32,
      x,
      layers,
      head,
      nonlinearity: { method: "tanh-table", stepLog2: TABLE_STEP_LOG2, inFrac: Z_FRAC, outFrac: GATE_FRAC, table: buildTanhTable() },
    },
    float32: null,
    calibration: { dataFile: "random", dataHash: "sha256:random", rows: 0, steps: 0, headroom: 2, tensors: [] },
    accuracy: { calib: sample, data: null, dataFile: null },
  });
}

/** A random f32 model: float32 weights uniform in ±1 (biases ±0.5), inputs normalised. */
export function randomF32Model(d: Draw, spec: Omit<RandomModelSpec, "scheme">): QuantModel {
  const { cell, inputSize, hidden: H, layers: L, outputs: O } = spec;
  const u = (n: number, s = 1) => Array.from({ length: n }, () => Math.fround((2 * d.next() - 1) * s));
  const int = randomQuantModel(d, { ...spec, scheme: "w8a16" });
  return withHash({
    ...int,
    hash: "",
    scheme: "f32",
    fixed: null,
    float32: {
      layers: Array.from({ length: L }, (_, l) => ({ wx: u(4 * H * (l === 0 ? inputSize : H)), wh: u(4 * H * H), b: u(4 * H, 0.5) })),
      head: { w: u(O * H), b: u(O, 0.5) },
    },
    architecture: { ...int.architecture, cell },
  });
}

/** Random quantized inputs: uniform, small, or at the saturation limits, per row. */
export function randomInputs(d: Draw, rows: number, size: number, bits: 8 | 16): number[][] {
  const lo = bits === 8 ? -128 : -32768;
  const hi = -lo - 1;
  const out: number[][] = [];
  for (let t = 0; t < rows; t++) {
    const kind = d.int(0, 5);
    out.push(
      Array.from({ length: size }, () =>
        kind === 0 ? d.pick([lo, hi]) : kind === 1 ? d.int(-(hi >> 4), hi >> 4) : d.extreme(lo, hi, 0.1),
      ),
    );
  }
  return out;
}

/** The adversarial sequences' shapes (makeCase mixes them with random ones). */
export const ADVERSARIAL_KINDS = ["limits", "constant", "alternating", "checkerboard", "step"] as const;

/**
 * An adversarial sequence: every row at the integer limits (each row all minimum or all maximum),
 * one row held for the whole run (a long constant run: the state driven to its fixed point),
 * whole rows alternating between the extremes, a checkerboard of extremes flipping every row, or
 * a step from one extreme to the other halfway.
 */
export function adversarialInputs(d: Draw, rows: number, size: number, bits: 8 | 16, kind = d.pick(ADVERSARIAL_KINDS)): number[][] {
  const lo = bits === 8 ? -128 : -32768;
  const hi = -lo - 1;
  const row = (v: number) => Array<number>(size).fill(v);
  const held = d.chance(0.5) ? row(d.pick([lo, hi])) : randomInputs(d, 1, size, bits)[0]!;
  const first = d.pick([lo, hi]);
  const other = first === lo ? hi : lo;
  return Array.from({ length: rows }, (_, t) => {
    switch (kind) {
      case "limits":
        return row(d.pick([lo, hi]));
      case "constant":
        return [...held];
      case "alternating":
        return row(t % 2 === 0 ? first : other);
      case "checkerboard":
        return Array.from({ length: size }, (_, k) => ((t + k) % 2 === 0 ? first : other));
      case "step":
        return row(t < rows / 2 ? first : other);
    }
  });
}
