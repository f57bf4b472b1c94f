/**
 * Quantization: from a float model and its calibration ranges to a QuantModel
 * (docs/fixed-point.md "Tensors and formats", "Weights", "The step"). Pure: no file I/O.
 */
import { InputError } from "../errors.js";
import { CELLS } from "../model/cells.js";
import type { NormalizedSeries } from "../data/model-data.js";
import type { CellKind, FloatModel, LayerWeights } from "../model/model-file.js";
import { floatEngine } from "../model/float-engine.js";
import { runSeries } from "../model/sequence.js";
import { compareOutputs } from "./accuracy.js";
import { observeRanges, maxAbs, type ObservedRanges } from "./ranges.js";
import { mseFrac, PERCENTILE, percentileAbs, type AbsHistogram } from "./clipping.js";
import { fixedEngine } from "./fixed-engine.js";
import { roundHalfAway } from "./int-ops.js";
import { buildTanhTable } from "./nonlinearity.js";
import { assertNoOverflow } from "./overflow.js";
import { integerFacts, isIntegerScheme, type IntegerScheme, type Scheme } from "../model/schemes.js";
import {
  GATE_FRAC,
  MULTIPLIER_LIMIT,
  QUANT_FORMAT,
  quantVersionFor,
  TABLE_STEP_LOG2,
  Z_FRAC,
  type Calibration,
  type ErrorMetrics,
  type FixedPoint,
  type IntHead,
  type IntLayer,
  type QuantModel,
  type FormatMethod,
  type TensorCalibration,
  type TensorFormat,
} from "../model/quant-model-file.js";

/** Calibrated ranges are multiplied by this before a format is chosen (docs: headroom). */
export const HEADROOM = 2;
/**
 * …except the int8 activations chosen by calibration (the w8a8 input x and seed-cell h), which
 * cannot spare a bit: saturating the rare value beyond the calibrated range (counted) costs less
 * than doubling every rounding error (docs/fixed-point.md, formats, with the measured figures).
 */
export const HEADROOM_INT8 = 1;

/** The largest f in [lo, hi] with maxabs · headroom ≤ qmax · 2^-f (hi for a tensor never seen non-zero). */
export function chooseFrac(maxabs: number, bits: 8 | 16, headroom: number, lo: number, hi: number): number {
  const qmax = bits === 8 ? 127 : 32767;
  const need = maxabs * headroom;
  if (need === 0) return hi;
  let f = hi;
  while (f > lo && need > qmax * 2 ** -f) f--;
  return f;
}

export interface QuantizedRows {
  q: number[];
  scale: number[];
}

/**
 * Per-row symmetric quantization: s[r] = max|row| / qmax, w_q = round(w / s). An all-zero row
 * takes the smallest non-zero scale of the matrix (or 1), so it does not shrink the layer's shift.
 */
export function quantizeRows(w: ArrayLike<number>, rows: number, cols: number, qmax: number): QuantizedRows {
  const scale: number[] = [];
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let k = 0; k < cols; k++) m = Math.max(m, Math.abs(w[r * cols + k]!));
    scale.push(m / qmax);
  }
  const nonZero = scale.filter((s) => s > 0);
  const fallback = nonZero.length ? Math.min(...nonZero) : 1;
  for (let r = 0; r < rows; r++) if (scale[r] === 0) scale[r] = fallback;
  const q: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      // |w / s| ≤ qmax by construction; the clamp only guards the last ulp of the division.
      q.push(Math.max(-qmax, Math.min(qmax, roundHalfAway(w[r * cols + k]! / scale[r]!))));
    }
  }
  return { q, scale };
}

/** Bound on |Σ_k w_q[r,k]·v_k| for |v| ≤ 2^15, per row. */
export function rowBounds(q: number[], rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += Math.abs(q[r * cols + k]!);
    out.push(s * 2 ** 15);
  }
  return out;
}

/**
 * The accumulator reduction P: the smallest shift with (B + 2^(P-1)) >> P ≤ 2^31 - 1 for every
 * row bound B (w16a16); 0 for the int32-accumulator schemes.
 */
export function accShiftFor(bounds: number[], wide: boolean): number {
  const B = Math.max(0, ...bounds);
  // An int32 accumulator is not reduced; whether it fits is the overflow proof's to say
  // (overflow.ts, with the input's true width), naming the layer, gate and bound.
  if (!wide) return 0;
  let P = 0;
  while ((P === 0 ? B : Math.floor((B + 2 ** (P - 1)) / 2 ** P)) > 2 ** 31 - 1) P++;
  return P;
}

/** The largest S in [1, 62] keeping every round(real · 2^S) below 2^30; the multipliers (≥ 1). */
export function chooseMultipliers(reals: number[], what: string): { shift: number; m: number[][] } {
  const big = Math.max(...reals);
  let S = 62;
  while (S >= 1 && roundHalfAway(big * 2 ** S) >= MULTIPLIER_LIMIT) S--;
  if (S < 1) throw new InputError(what, "", `weights too large for fixed point (a requantisation multiplier needs a shift below 1)`);
  return { shift: S, m: [reals.map((r) => Math.max(1, roundHalfAway(r * 2 ** S)))] };
}

function biasQ(b: ArrayLike<number>, frac: number, what: string): number[] {
  return Array.from(b, (v) => {
    const q = roundHalfAway(v * 2 ** frac);
    if (Math.abs(q) > 2 ** 31 - 1) throw new InputError(what, "", `bias ${v} too large for an int32 in Q${frac}`);
    return q;
  });
}

/** An activation's format: int8 or int16. */
export interface ActFormat {
  frac: number;
  bits: 8 | 16;
}

/** The model input's formats: one per column, and the finest of them (layer 0's accumulator side). */
export interface InputFormat extends ActFormat {
  fracs: number[];
}

export interface ChosenFormats {
  x: InputFormat;
  /** Per layer: c's format (int16) and h's. */
  layers: { cFrac: number; hFrac: number; hBits: 8 | 16 }[];
  yFrac: number;
}

/**
 * h's format. A cell with bounded h (standard): fixed (|h| < 1). Unbounded h (seed: h = c·o),
 * int16: c's (|o| < 1, so h fits wherever c does). Unbounded, int8: calibrated on h's own range with headroom 1, never coarser
 * than c's top 8 bits (Q fc-8, which holds any h that c's format holds); h is usually well inside
 * c's range (o < 1), and c's top 8 bits cost the demo's seed cell 1.5–2.7× in l2r.
 */
export function hFracFor(cell: CellKind, aBits: 8 | 16, cFrac: number, hMaxAbs: number): number {
  if (CELLS[cell].boundedH) return aBits - 1;
  if (aBits === 16) return cFrac;
  return chooseFrac(hMaxAbs, 8, HEADROOM_INT8, cFrac - 8, 7);
}

export function chooseFormats(model: FloatModel, scheme: IntegerScheme, ranges: ObservedRanges): ChosenFormats {
  const aBits = integerFacts(scheme).activationBits;
  // One format per input column: a column with a wide normalised range (precipitation's ±8)
  // no longer costs the narrow ones (temperatures) their resolution (docs/fixed-point.md).
  const fracs = ranges.xCols.map((r) => chooseFrac(maxAbs(r), aBits, aBits === 8 ? HEADROOM_INT8 : HEADROOM, 0, aBits - 1));
  const x: InputFormat = { frac: Math.max(...fracs), bits: aBits, fracs };
  const layers = ranges.layers.map((r) => {
    const cFrac = chooseFrac(maxAbs(r.c), 16, HEADROOM, 0, 15);
    return { cFrac, hFrac: hFracFor(model.architecture.cell, aBits, cFrac, maxAbs(r.h)), hBits: aBits as 8 | 16 };
  });
  return { x, layers, yFrac: chooseFrac(maxAbs(ranges.y), 16, HEADROOM, 0, 15) };
}

/**
 * A format calibration chooses: the tensor's name, its histogram, width, the headroom of the max
 * rule, its bounds, and how to read and write it in a ChosenFormats.
 */
interface FormatSlot {
  tensor: string;
  hist: AbsHistogram;
  bits: 8 | 16;
  lo: number;
  hi: number;
  get(f: ChosenFormats): number;
  set(f: ChosenFormats, frac: number): void;
}

function formatSlots(model: FloatModel, scheme: IntegerScheme, ranges: ObservedRanges): FormatSlot[] {
  const aBits = integerFacts(scheme).activationBits;
  const boundedH = CELLS[model.architecture.cell].boundedH;
  const slots: FormatSlot[] = ranges.xHists.map((hist, k) => ({
    tensor: inputTensor(k),
    hist,
    bits: aBits,
    lo: 0,
    hi: aBits - 1,
    get: (f) => f.x.fracs[k]!,
    set: (f, frac) => {
      f.x.fracs[k] = frac;
      f.x.frac = Math.max(...f.x.fracs);
    },
  }));
  ranges.layers.forEach((r, l) => {
    slots.push({
      tensor: `layer${l}.c`,
      hist: r.cHist,
      bits: 16,
      lo: 0,
      hi: 15,
      get: (f) => f.layers[l]!.cFrac,
      set: (f, frac) => {
        const L = f.layers[l]!;
        L.cFrac = frac;
        // h follows c where its format is c's (seed, a16) or bounded by it (seed, a8).
        if (!boundedH) L.hFrac = aBits === 16 ? frac : Math.min(7, Math.max(frac - 8, L.hFrac));
      },
    });
    if (!boundedH && aBits === 8) {
      slots.push({
        tensor: `layer${l}.h`,
        hist: r.hHist,
        bits: 8,
        lo: -8,
        hi: 7,
        get: (f) => f.layers[l]!.hFrac,
        set: (f, frac) => {
          const L = f.layers[l]!;
          L.hFrac = Math.min(7, Math.max(L.cFrac - 8, frac));
        },
      });
    }
  });
  slots.push({ tensor: "y", hist: ranges.yHist, bits: 16, lo: 0, hi: 15, get: (f) => f.yFrac, set: (f, frac) => (f.yFrac = frac) });
  return slots;
}

/**
 * A candidate must lower the calibration l2r by this fraction to replace the max rule's format:
 * the max rule keeps headroom for held-out data, which the calibration error cannot see.
 */
export const CLIP_MARGIN = 0.02;

export interface SelectedFormats {
  formats: ChosenFormats;
  /** Per calibrated tensor (`x[0]`, `layer0.c`, `y`, …): the rule whose format was kept. */
  methods: Record<string, FormatMethod>;
}

/**
 * Formats chosen by the error they cause (docs/fixed-point.md "Choosing a format by its error"):
 * starting from the max rule, each calibrated tensor in turn tries the percentile and the
 * MSE-optimal formats, and keeps the one whose quantized model is closest to float64 on the
 * calibration data (l2r), if it beats the current choice by CLIP_MARGIN.
 */
export function selectFormats(
  model: FloatModel,
  scheme: IntegerScheme,
  ranges: ObservedRanges,
  l2rOf: (formats: ChosenFormats) => number,
): SelectedFormats {
  const formats = chooseFormats(model, scheme, ranges);
  const methods: Record<string, FormatMethod> = {};
  let best = l2rOf(formats);
  for (const slot of formatSlots(model, scheme, ranges)) {
    methods[slot.tensor] = "max";
    const current = slot.get(formats);
    // An int16 tensor keeps the max rule's headroom: a finer format chosen on the calibration
    // error saturates held-out values (docs/fixed-point.md, measured), and 16 bits leave the
    // rounding error far below the int8 weights' anyway. The int8 activations may go finer.
    const hi = slot.bits === 16 ? current : slot.hi;
    const tried = new Set([current]);
    const candidates: [FormatMethod, number][] = [
      ["percentile", chooseFrac(percentileAbs(slot.hist, PERCENTILE), slot.bits, 1, slot.lo, hi)],
      ["mse", mseFrac(slot.hist, slot.bits, slot.lo, hi)],
    ];
    for (const [method, frac] of candidates) {
      if (tried.has(frac)) continue;
      tried.add(frac);
      const trial = structuredClone(formats);
      slot.set(trial, frac);
      let l2r: number;
      try {
        l2r = l2rOf(trial);
      } catch (err) {
        if (err instanceof InputError) continue; // a format the quantizer cannot use (a bias beyond int32)
        throw err;
      }
      if (l2r < best * (1 - CLIP_MARGIN)) {
        best = l2r;
        slot.set(formats, frac);
        methods[slot.tensor] = method;
      }
    }
  }
  return { formats, methods };
}

/** The largest weight magnitude (symmetric: -qmax … qmax) and whether the accumulator is 64-bit. */
function weightFacts(scheme: IntegerScheme): { qmax: number; wide: boolean } {
  const f = integerFacts(scheme);
  return { qmax: 2 ** (f.weightBits - 1) - 1, wide: f.accumulatorBits === 64 };
}

/**
 * Layer 0's wx with 2^(frac - fracs[k]) folded into column k: x_q[k] in Q fracs[k] times the
 * folded column is the product in Q frac, so the row stays one dot product with one multiplier.
 */
export function foldInputColumns(wx: ArrayLike<number>, rows: number, x: InputFormat): number[] {
  const I = x.fracs.length;
  if (wx.length !== rows * I) throw new Error(`wx holds ${wx.length} weights, ${rows} × ${I} expected`);
  return Array.from(wx, (v, n) => v * 2 ** (x.frac - x.fracs[n % I]!));
}

function quantizeLayer(
  w: LayerWeights,
  I: number,
  H: number,
  inFmt: ActFormat | InputFormat,
  fmt: ChosenFormats["layers"][number],
  scheme: IntegerScheme,
  what: string,
): IntLayer {
  const { qmax, wide } = weightFacts(scheme);
  const wx = "fracs" in inFmt ? foldInputColumns(w.wx, 4 * H, inFmt) : w.wx;
  const qx = quantizeRows(wx, 4 * H, I, qmax);
  const qh = quantizeRows(w.wh, 4 * H, H, qmax);
  const accShiftX = accShiftFor(rowBounds(qx.q, 4 * H, I), wide);
  const accShiftH = accShiftFor(rowBounds(qh.q, 4 * H, H), wide);
  // Real value of one unit of each reduced accumulator, in units of z's Q15.
  const realX = qx.scale.map((s) => s * 2 ** accShiftX * 2 ** (Z_FRAC - inFmt.frac));
  const realH = qh.scale.map((s) => s * 2 ** accShiftH * 2 ** (Z_FRAC - fmt.hFrac));
  const { shift, m } = chooseMultipliers([...realX, ...realH], what);
  const all = m[0]!;
  return {
    inFrac: inFmt.frac,
    inBits: inFmt.bits,
    cFrac: fmt.cFrac,
    hFrac: fmt.hFrac,
    hBits: fmt.hBits,
    wx: qx.q,
    wh: qh.q,
    bias: biasQ(w.b, Z_FRAC, what),
    mx: all.slice(0, 4 * H),
    mh: all.slice(4 * H),
    shift,
    accShiftX,
    accShiftH,
    scaleX: qx.scale,
    scaleH: qh.scale,
  };
}

/** The integer parameters of a model under an integer scheme, from chosen formats. */
export function buildFixedPoint(model: FloatModel, scheme: IntegerScheme, formats: ChosenFormats, what: string): FixedPoint {
  const a = model.architecture;
  const H = a.hiddenSize;
  const layers: IntLayer[] = [];
  let inFmt: ActFormat | InputFormat = formats.x;
  for (let l = 0; l < a.layers; l++) {
    const fmt = formats.layers[l]!;
    layers.push(quantizeLayer(model.weights.layers[l]!, l === 0 ? a.inputSize : H, H, inFmt, fmt, scheme, what));
    inFmt = { frac: fmt.hFrac, bits: fmt.hBits };
  }
  const { qmax, wide } = weightFacts(scheme);
  const qw = quantizeRows(model.weights.head.w, a.outputSize, H, qmax);
  const accShift = accShiftFor(rowBounds(qw.q, a.outputSize, H), wide);
  const reals = qw.scale.map((s) => s * 2 ** accShift * 2 ** (formats.yFrac - inFmt.frac));
  const { shift, m } = chooseMultipliers(reals, what);
  const head: IntHead = {
    w: qw.q,
    bias: biasQ(model.weights.head.b, formats.yFrac, what),
    m: m[0]!,
    shift,
    accShift,
    scale: qw.scale,
    outFrac: formats.yFrac,
  };
  return {
    weightBits: integerFacts(scheme).weightBits,
    accumulatorBits: integerFacts(scheme).accumulatorBits,
    x: formats.x,
    layers,
    head,
    nonlinearity: { method: "tanh-table", stepLog2: TABLE_STEP_LOG2, inFrac: Z_FRAC, outFrac: GATE_FRAC, table: buildTanhTable() },
  };
}

export interface QuantizeOptions {
  model: FloatModel;
  scheme: Scheme;
  source: { modelHash: string; modelFile: string };
  calib: NormalizedSeries;
  data?: NormalizedSeries | null;
  /**
   * Formats to keep instead of choosing them on the calibration data (integer schemes): the ones
   * a model was fine-tuned for (src/finetune/). The ranges are still observed, for the report.
   */
  formats?: SelectedFormats;
}

/** Float and quantized outputs over a series in the model's run mode, and their comparison. */
export function measureAccuracy(model: FloatModel, q: QuantModel, data: NormalizedSeries): ErrorMetrics {
  const ref = runSeries(floatEngine(model), model.architecture, data.inputs);
  const engine = fixedEngine(q);
  const out = runSeries(engine, model.architecture, data.inputs);
  const targets = data.targets ? ref.rows.map((j) => data.targets![j]!) : null;
  return compareOutputs(ref.outputs, out.outputs, targets, engine.saturations());
}

/** The calibration tensor (and saturation counter) of input column k. */
export const inputTensor = (k: number) => `x[${k}]`;

function calibrationSummary(
  ranges: ObservedRanges,
  fx: FixedPoint | null,
  sats: Record<string, number>,
  calib: NormalizedSeries,
  methods: Record<string, FormatMethod>,
): Calibration {
  const t = (tensor: string, r: { min: number; max: number }, format: TensorFormat | null, saturations: number | null): TensorCalibration => ({
    tensor,
    min: r.min > r.max ? 0 : r.min,
    max: r.min > r.max ? 0 : r.max,
    format,
    ...(methods[tensor] ? { method: methods[tensor] } : {}),
    saturations,
  });
  const tensors: TensorCalibration[] = ranges.xCols.map((r, k) =>
    t(inputTensor(k), r, fx ? { frac: fx.x.fracs[k]!, bits: fx.x.bits } : null, fx ? sats[inputTensor(k)] ?? 0 : null),
  );
  ranges.layers.forEach((r, l) => {
    const L = fx?.layers[l];
    const s = (name: string) => (fx ? sats[`layer${l}.${name}`] ?? 0 : null);
    tensors.push(t(`layer${l}.z`, r.z, L ? { frac: Z_FRAC, bits: 32 } : null, s("z")));
    for (const g of ["i", "f", "g", "o"] as const) tensors.push(t(`layer${l}.${g}`, r[g], L ? { frac: GATE_FRAC, bits: 16 } : null, null));
    tensors.push(t(`layer${l}.c`, r.c, L ? { frac: L.cFrac, bits: 16 } : null, s("c")));
    tensors.push(t(`layer${l}.h`, r.h, L ? { frac: L.hFrac, bits: L.hBits } : null, L && L.hBits === 8 ? s("h") : null));
  });
  tensors.push(t("y", ranges.y, fx ? { frac: fx.head.outFrac, bits: 16 } : null, fx ? sats.y ?? 0 : null));
  return { dataFile: calib.file, dataHash: calib.hash, rows: calib.rows, steps: ranges.steps, headroom: HEADROOM, tensors };
}

function f32Round(w: LayerWeights): LayerWeights {
  return { wx: w.wx.map(Math.fround), wh: w.wh.map(Math.fround), b: w.b.map(Math.fround) };
}

/** The formats a quantized model uses (integer schemes), and the rule that chose each: what quantizeModel's `formats` takes. */
export function formatsOf(q: QuantModel): SelectedFormats {
  const fx = q.fixed;
  if (!fx) throw new Error(`formatsOf: scheme ${q.scheme} has no fixed-point formats`);
  const methods: Record<string, FormatMethod> = {};
  for (const t of q.calibration.tensors) if (t.method) methods[t.tensor] = t.method;
  return {
    formats: {
      x: { frac: fx.x.frac, bits: fx.x.bits, fracs: [...fx.x.fracs] },
      layers: fx.layers.map((L) => ({ cFrac: L.cFrac, hFrac: L.hFrac, hBits: L.hBits })),
      yFrac: fx.head.outFrac,
    },
    methods,
  };
}

/** Calibrates, chooses formats, quantizes, and measures: the whole `quantize` command without I/O. */
export function quantizeModel(opts: QuantizeOptions): QuantModel {
  const { model, scheme } = opts;
  const what = opts.source.modelFile;
  const ranges = observeRanges(model, opts.calib.inputs);
  const float32 =
    !isIntegerScheme(scheme)
      ? {
          layers: model.weights.layers.map(f32Round),
          head: { w: model.weights.head.w.map(Math.fround), b: model.weights.head.b.map(Math.fround) },
        }
      : null;
  const draft: QuantModel = {
    format: QUANT_FORMAT,
    version: quantVersionFor(model.architecture),
    hash: "",
    scheme,
    source: opts.source,
    architecture: model.architecture,
    features: model.features,
    targets: model.targets,
    normalization: model.normalization,
    fixed: null,
    float32,
    calibration: { dataFile: opts.calib.file, dataHash: opts.calib.hash, rows: 0, steps: 0, headroom: HEADROOM, tensors: [] },
    accuracy: { calib: emptyMetrics(), data: null, dataFile: null },
  };
  let methods: Record<string, FormatMethod> = {};
  if (isIntegerScheme(scheme)) {
    let selected = opts.formats;
    if (!selected) {
      const ref = runSeries(floatEngine(model), model.architecture, opts.calib.inputs).outputs;
      const l2rOf = (formats: ChosenFormats) => {
        const trial = { ...draft, fixed: buildFixedPoint(model, scheme, formats, what) };
        return compareOutputs(ref, runSeries(fixedEngine(trial), model.architecture, opts.calib.inputs).outputs, null).l2r;
      };
      selected = selectFormats(model, scheme, ranges, l2rOf);
    }
    methods = selected.methods;
    draft.fixed = buildFixedPoint(model, scheme, selected.formats, what);
  }
  const fixed = draft.fixed;
  // Refused before anything runs on it: a model that could overflow has no defined output.
  assertNoOverflow(draft, what);
  const onCalib = measureAccuracy(model, draft, opts.calib);
  const onData = opts.data ? measureAccuracy(model, draft, opts.data) : null;
  return {
    ...draft,
    calibration: calibrationSummary(ranges, fixed, onCalib.saturations ?? {}, opts.calib, methods),
    accuracy: { calib: onCalib, data: onData, dataFile: opts.data?.file ?? null },
  };
}

function emptyMetrics(): ErrorMetrics {
  return { samples: 0, maxAbs: 0, rmse: 0, l2r: 0, cosine: 1, taskRmseFloat: null, taskRmseQuant: null, saturations: {} };
}
