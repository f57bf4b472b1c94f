/**
 * The quantized model file (`model.q.json`): versioned JSON, self-contained, validated on load.
 * Everything the simulator and the C generator need is here as integers (integer schemes) or
 * float32 values (f32); neither recomputes a number from the float model. docs/fixed-point.md
 * says what every field means at run time.
 *
 * Layouts are the float model's (src/model/model-file.ts): layer l with H units and I inputs:
 *   wx [4H × I], wh [4H × H] row-major, gate blocks i, f, g, o; head w [O × H].
 *
 * `hash` is the sha256 of the file's canonical content without `hash` (see contentHash), so a
 * file edited by hand is refused.
 */
import { readInputFile } from "../util/read-input-file.js";
import { z } from "zod";
import { InputError } from "../errors.js";
import {
  Architecture,
  checkDelta,
  checkIoLengths,
  checkWeightLengths,
  HeadWeights,
  LayerWeights,
  lengthCheck,
  Normalization,
  parseVersionedJson,
  QUANT_FORMAT,
  serializeModel,
} from "./model-file.js";
import { validateWith } from "../util/validate.js";
import { integerFacts, SchemeEnum } from "./schemes.js";
import { CELLS } from "./cells.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256 } from "../util/hash.js";

export { QUANT_FORMAT };
/**
 * 2: the model input has a format per column (`fixed.x.fracs`). Version-1 files, whose single
 * `fixed.x.frac` applied to every column, are still read (parseQuantModel fills `fracs`).
 * 3: `architecture.delta` (a delta model, docs/fixed-point.md "Delta outputs"). As for the float
 * model file, a file is written with the lowest version that holds it (quantVersionFor): a level
 * model stays version 2, a delta model is version 3, which an earlier seqforge refuses rather than
 * run it as a level model.
 */
export const QUANT_VERSION = 3;
/** The version a quantized model is written with: 3 for a delta model, else 2 (see QUANT_VERSION). */
export function quantVersionFor(a: Architecture): 2 | 3 {
  return a.delta === undefined ? 2 : 3;
}


/** Integer ranges of the C types the file's integers are stored in. */
export const INT_RANGE = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
} as const;
export type IntType = keyof typeof INT_RANGE;

/** Multipliers are below 2^30 (docs/fixed-point.md, step 1). */
export const MULTIPLIER_LIMIT = 2 ** 30;
/** The nonlinearity table: T[k] = min(32767, round(tanh(k / 2^TABLE_STEP_LOG2) · 2^15)). */
export const TABLE_STEP_LOG2 = 6;
export const TABLE_SIZE = 513;
/** Q format of z (gate pre-activations) and of the nonlinearities' input. */
export const Z_FRAC = 15;
/** Q format of the gates i, f, g, o. */
export const GATE_FRAC = 15;

const finite = z.number().refine(Number.isFinite, "a finite number");
const positive = finite.refine((v) => v > 0, "a positive number");
const intIn = (t: IntType) =>
  z
    .number()
    .refine(Number.isFinite, "a finite number")
    .refine(Number.isInteger, "an integer")
    .refine((v) => v >= INT_RANGE[t][0] && v <= INT_RANGE[t][1], `an ${t} (${INT_RANGE[t][0]} … ${INT_RANGE[t][1]})`);
const int32 = intIn("int32");
/** A positive multiplier below 2^30 (zero would silence a row; the quantizer never writes one). */
const multiplier = z
  .number()
  .refine(Number.isInteger, "an integer")
  .refine((v) => v > 0 && v < MULTIPLIER_LIMIT, "a multiplier in 1 … 2^30 - 1");
const shift = z.number().int().min(1).max(62);
const accShift = z.number().int().min(0).max(31);
const frac = z.number().int().min(-8).max(15);

/** Per tensor: Q format and storage width (32 only for z, in the calibration summary). */
export const TensorFormat = z.object({ frac, bits: z.union([z.literal(8), z.literal(16), z.literal(32)]) });
export type TensorFormat = z.infer<typeof TensorFormat>;

/**
 * One layer, integer schemes. Run-time use (docs/fixed-point.md "The step"):
 *   acc_x = Σ wx[r,k]·x[k]  (w16a16: int64 then rshr(·, accShiftX));  acc_h likewise with wh, accShiftH
 *   z[r]  = sat32(((acc_x·mx[r] + acc_h·mh[r] + 2^(shift-1)) >> shift) + bias[r])   (Q15)
 */
export const IntLayer = z.object({
  /** Format of this layer's input (layer 0: the model input x; else layer l-1's h). */
  inFrac: frac,
  inBits: z.union([z.literal(8), z.literal(16)]),
  /** Format of c (int16). */
  cFrac: frac,
  /** Format of h; width hBits (8 for a8, else 16). Standard cell: 15 / 7; seed cell: cFrac / calibrated in cFrac - 8 … 7. */
  hFrac: frac,
  hBits: z.union([z.literal(8), z.literal(16)]),
  /** int8 (w8 schemes) or int16 (w16a16) weights, [4H × I] and [4H × H]. */
  wx: z.array(int32),
  wh: z.array(int32),
  /** [4H] gate bias in z's Q15, int32. */
  bias: z.array(int32),
  /** [4H] requantisation multipliers of acc_x and acc_h, 1 … 2^30 - 1. */
  mx: z.array(multiplier),
  mh: z.array(multiplier),
  /** S_l, 1 … 62. */
  shift,
  /** P of acc_x and acc_h (w16a16), else 0. */
  accShiftX: accShift,
  accShiftH: accShift,
  /** [4H] real per-row scales of wx and wh (reports only; not used at run time). */
  scaleX: z.array(positive),
  scaleH: z.array(positive),
});
export type IntLayer = z.infer<typeof IntLayer>;

/** The head, integer schemes: y[o] = sat16(((acc·m[o] + 2^(shift-1)) >> shift) + bias[o]), Q outFrac. */
export const IntHead = z.object({
  /** [O × H] int8 / int16 weights. */
  w: z.array(int32),
  /** [O] bias in y's Q outFrac, int32. */
  bias: z.array(int32),
  m: z.array(multiplier),
  shift,
  accShift,
  scale: z.array(positive),
  /** fy; y is int16 in every scheme. */
  outFrac: frac,
});
export type IntHead = z.infer<typeof IntHead>;

export const Nonlinearity = z.object({
  /** `tanh-table`: sigmoid(z) = (1 + tanh(z/2)) / 2, both from the one table, linear interpolation. */
  method: z.literal("tanh-table"),
  /** The table covers tanh(k · 2^-stepLog2), k = 0 … TABLE_SIZE - 1. */
  stepLog2: z.literal(TABLE_STEP_LOG2),
  /** Q format of the input z (int32) and of the output (int16). */
  inFrac: z.literal(Z_FRAC),
  outFrac: z.literal(GATE_FRAC),
  table: z.array(intIn("int16")),
});
export type Nonlinearity = z.infer<typeof Nonlinearity>;

export const FixedPoint = z.object({
  /** int8 or int16 weights; int32 or int64 dot-product accumulators. */
  weightBits: z.union([z.literal(8), z.literal(16)]),
  accumulatorBits: z.union([z.literal(32), z.literal(64)]),
  /**
   * The model input (int16, or int8 for w8a8): column k is quantized in Q`fracs[k]`; `frac` is
   * the largest of them, the format layer 0's accumulator sees once the quantizer has folded
   * 2^(frac - fracs[k]) into weight column k (docs/fixed-point.md "Per-column input formats").
   */
  x: z.object({ frac, bits: z.union([z.literal(8), z.literal(16)]), fracs: z.array(frac) }),
  layers: z.array(IntLayer),
  head: IntHead,
  nonlinearity: Nonlinearity,
});
export type FixedPoint = z.infer<typeof FixedPoint>;

/** f32 scheme: the float model's weights, each rounded to the nearest float32. */
export const Float32Weights = z.object({ layers: z.array(LayerWeights), head: HeadWeights });
export type Float32Weights = z.infer<typeof Float32Weights>;

/** How a calibrated format was chosen (docs/fixed-point.md "Choosing a format by its error"). */
export const FormatMethodEnum = z.enum(["max", "percentile", "mse"]);
export type FormatMethod = z.infer<typeof FormatMethodEnum>;

/** One tensor's calibration record. */
export const TensorCalibration = z.object({
  /** `x`, `layer0.z`, `layer0.i`, `layer0.f`, `layer0.g`, `layer0.o`, `layer0.c`, `layer0.h`, `y`. */
  tensor: z.string(),
  min: finite,
  max: finite,
  /** The format chosen (null for tensors with a fixed format, or for f32). */
  format: TensorFormat.nullable(),
  /** The clipping rule whose format was kept, for the tensors calibration chooses (absent in version 1). */
  method: FormatMethodEnum.optional(),
  /** Saturations counted by the simulator over the calibration data (null where none can happen, or f32). */
  saturations: z.number().int().nonnegative().nullable(),
});
export type TensorCalibration = z.infer<typeof TensorCalibration>;

export const Calibration = z.object({
  /** The calibration file's sha256 and name, as given. */
  dataFile: z.string(),
  dataHash: z.string(),
  rows: z.number().int().nonnegative(),
  /** Steps the float model was run for (window mode counts every step of every window). */
  steps: z.number().int().nonnegative(),
  headroom: positive,
  tensors: z.array(TensorCalibration),
});
export type Calibration = z.infer<typeof Calibration>;

/** Fixed (or f32) against float64, on normalised outputs. */
export const ErrorMetrics = z.object({
  samples: z.number().int().nonnegative(),
  maxAbs: finite,
  rmse: finite,
  /** ||y_q - y_f|| / ||y_f||. */
  l2r: finite,
  cosine: finite,
  /** RMSE against the true targets (normalised units), float and quantized; null without targets. */
  taskRmseFloat: finite.nullable(),
  taskRmseQuant: finite.nullable(),
  /** Saturations per tensor during this run (`x`, `layer0.z`, `layer0.c`, `layer0.h`, `y`); empty for f32. */
  saturations: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type ErrorMetrics = z.infer<typeof ErrorMetrics>;

export const Accuracy = z.object({
  calib: ErrorMetrics,
  /** On --data, when given. */
  data: ErrorMetrics.nullable(),
  dataFile: z.string().nullable(),
});
export type Accuracy = z.infer<typeof Accuracy>;

export const QuantModelSchema = z
  .object({
    format: z.literal(QUANT_FORMAT),
    version: z.union([z.literal(1), z.literal(2), z.literal(QUANT_VERSION)]),
    /** sha256 of the canonical content without this field. */
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "sha256:<64 hex digits>"),
    scheme: SchemeEnum,
    /** The float model this came from: sha256 of its file's bytes, and its name as given. */
    source: z.object({ modelHash: z.string(), modelFile: z.string() }),
    architecture: Architecture,
    features: z.array(z.string()),
    targets: z.array(z.string()),
    normalization: z.object({ input: Normalization, output: Normalization }),
    /** Integer schemes: everything the integer step needs; null for f32. */
    fixed: FixedPoint.nullable(),
    /** f32: the weights; null for integer schemes. */
    float32: Float32Weights.nullable(),
    calibration: Calibration,
    accuracy: Accuracy,
  })
  .superRefine((m, ctx) => {
    const a = m.architecture;
    const H = a.hiddenSize;
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const expect = lengthCheck(ctx);
    checkIoLengths(expect, a, m);
    checkDelta(ctx, a, m.version, quantVersionFor(a), m);
    if (m.scheme === "f32") {
      if (m.fixed !== null) issue(["fixed"], "null expected for scheme f32");
      if (m.float32 === null) return issue(["float32"], "the float32 weights expected for scheme f32");
      return checkWeightLengths(expect, a, m.float32, "float32");
    }
    if (m.float32 !== null) issue(["float32"], `null expected for scheme ${m.scheme}`);
    if (m.fixed === null) return issue(["fixed"], `the fixed-point parameters expected for scheme ${m.scheme}`);
    const f = m.fixed;
    const facts = integerFacts(m.scheme);
    const wBits = facts.weightBits;
    const aBits = facts.activationBits;
    const wType: IntType = wBits === 8 ? "int8" : "int16";
    if (f.weightBits !== wBits) issue(["fixed", "weightBits"], `${wBits} expected for scheme ${m.scheme}`);
    if (f.accumulatorBits !== facts.accumulatorBits) {
      issue(["fixed", "accumulatorBits"], `${facts.accumulatorBits} expected for scheme ${m.scheme}`);
    }
    if (f.x.bits !== aBits) issue(["fixed", "x", "bits"], `${aBits} expected for scheme ${m.scheme}`);
    const weightsIn = (path: (string | number)[], values: number[]) => {
      const [lo, hi] = INT_RANGE[wType];
      const k = values.findIndex((v) => v < lo || v > hi);
      if (k >= 0) issue([...path, k], `an ${wType} (${lo} … ${hi}) expected, found ${values[k]}`);
    };
    expect(["fixed", "layers"], f.layers.length, a.layers);
    f.layers.forEach((l, i) => {
      const I = i === 0 ? a.inputSize : H;
      const p = ["fixed", "layers", i];
      expect([...p, "wx"], l.wx.length, 4 * H * I);
      expect([...p, "wh"], l.wh.length, 4 * H * H);
      for (const key of ["bias", "mx", "mh", "scaleX", "scaleH"] as const) expect([...p, key], l[key].length, 4 * H);
      weightsIn([...p, "wx"], l.wx);
      weightsIn([...p, "wh"], l.wh);
      const prev = i === 0 ? f.x : { frac: f.layers[i - 1]!.hFrac, bits: f.layers[i - 1]!.hBits };
      if (l.inFrac !== prev.frac || l.inBits !== prev.bits) {
        issue([...p, "inFrac"], `Q${prev.frac} int${prev.bits} expected (the format of the layer's input)`);
      }
      if (l.hBits !== aBits) issue([...p, "hBits"], `${aBits} expected for scheme ${m.scheme}`);
      if (l.cFrac < 0) issue([...p, "cFrac"], "a format in 0 … 15 expected");
      const bounded = CELLS[a.cell].boundedH;
      if (!bounded && aBits === 8) {
        // Calibrated; the h' shift 15 + fc - fh stays in 8 … 23 (docs/fixed-point.md, step 3).
        if (l.hFrac < l.cFrac - 8 || l.hFrac > 7) issue([...p, "hFrac"], `a format in ${l.cFrac - 8} … 7 expected (docs/fixed-point.md, formats)`);
      } else {
        const hWanted = bounded ? aBits - 1 : l.cFrac;
        if (l.hFrac !== hWanted) issue([...p, "hFrac"], `${hWanted} expected (docs/fixed-point.md, formats)`);
      }
      if (facts.accumulatorBits === 32 && (l.accShiftX !== 0 || l.accShiftH !== 0)) {
        issue([...p, "accShiftX"], `0 expected for scheme ${m.scheme}`);
      }
    });
    expect(["fixed", "head", "w"], f.head.w.length, a.outputSize * H);
    for (const key of ["bias", "m", "scale"] as const) expect(["fixed", "head", key], f.head[key].length, a.outputSize);
    weightsIn(["fixed", "head", "w"], f.head.w);
    if (facts.accumulatorBits === 32 && f.head.accShift !== 0) issue(["fixed", "head", "accShift"], `0 expected for scheme ${m.scheme}`);
    if (f.head.outFrac < 0) issue(["fixed", "head", "outFrac"], "a format in 0 … 15 expected");
    if (f.x.frac < 0) issue(["fixed", "x", "frac"], "a format in 0 … 15 expected");
    expect(["fixed", "x", "fracs"], f.x.fracs.length, a.inputSize);
    f.x.fracs.forEach((fk, k) => {
      if (fk < 0 || fk > aBits - 1) issue(["fixed", "x", "fracs", k], `a format in 0 … ${aBits - 1} expected`);
    });
    if (f.x.fracs.length && f.x.frac !== Math.max(...f.x.fracs)) {
      issue(["fixed", "x", "frac"], `${Math.max(...f.x.fracs)} expected (the finest column format, fracs)`);
    }
    const t = f.nonlinearity.table;
    expect(["fixed", "nonlinearity", "table"], t.length, TABLE_SIZE);
    if (t[0] !== 0) issue(["fixed", "nonlinearity", "table", 0], "0 expected (tanh(0))");
    for (let k = 1; k < t.length; k++) {
      if (t[k]! < t[k - 1]!) {
        issue(["fixed", "nonlinearity", "table", k], "a non-decreasing table expected");
        break;
      }
    }
  });

export type QuantModel = z.infer<typeof QuantModelSchema>;

/** JSON with every object's keys sorted, so the hash does not depend on key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The hash of the content: sha256 of the canonical JSON of every field but `hash`. */
export function contentHash(model: QuantModel): string {
  return sha256(canonicalJson({ ...model, hash: "" }));
}

/** A version-1 file's one input format applies to every column: its `fracs`, as version 2 writes them. */
function upgradeVersion1(raw: unknown): unknown {
  const r = raw as { version?: unknown; fixed?: { x?: { frac?: unknown; fracs?: unknown } } | null; architecture?: { inputSize?: unknown } };
  const x = r.fixed?.x;
  if (r.version !== 1 || !x || x.fracs !== undefined || typeof r.architecture?.inputSize !== "number") return raw;
  return { ...r, fixed: { ...r.fixed, x: { ...x, fracs: Array(r.architecture.inputSize).fill(x.frac) } } };
}

export function parseQuantModel(text: string, file: string): QuantModel {
  const raw = parseVersionedJson(text, file, QUANT_FORMAT, QUANT_VERSION, [1, 2]);
  const model = validateWith(QuantModelSchema, upgradeVersion1(raw), file);
  // The hash covers the content as written, so a file from an earlier version that carries a
  // field this one no longer reads (architecture.sequence) still verifies.
  const actual = sha256(canonicalJson({ ...(raw as object), hash: "" }));
  if (actual !== model.hash) {
    throw new InputError(file, "field hash", `content does not match its hash (the file was edited after quantize); re-run seqforge quantize`);
  }
  return model;
}

export function loadQuantModel(file: string): QuantModel {
  return parseQuantModel(readInputFile(file, "model file"), file);
}

/** Sets `hash` from the content; the one way a QuantModel is finalised before saving. */
export function withHash(model: QuantModel): QuantModel {
  const m = { ...model, hash: "" };
  return { ...m, hash: contentHash(m) };
}

export function serializeQuantModel(model: QuantModel): string {
  return serializeModel(model);
}

export function saveQuantModel(model: QuantModel, file: string): void {
  writeFileAtomic(file, serializeQuantModel(withHash(model)));
}
