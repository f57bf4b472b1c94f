/**
 * The float model file (`model.json`): versioned JSON, validated on load.
 *
 * Weight layout, shared by every stage (float reference, trainer, quantizer, simulator, C):
 *   layer l, hidden size H, input size I (I = feature count for l = 0, else H)
 *     wx  [4H × I]  row-major, gate blocks in the order i, f, g, o (rows 0..H-1 are gate i, ...)
 *     wh  [4H × H]  row-major, same gate order
 *     b   [4H]      one bias per gate row (PyTorch's b_ih + b_hh folded into one)
 *   head, O outputs
 *     w   [O × H]   row-major
 *     b   [O]
 */
import { z } from "zod";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { readInputFile } from "../util/read-input-file.js";
import { validateWith } from "../util/validate.js";
import { CellEnum } from "./cells.js";
import { RunModeEnum } from "./sequence.js";

export const MODEL_FORMAT = "seqforge-model";
/**
 * 2: `architecture.delta` (outputs that are the change of an input feature). A file is written
 * with the lowest version that holds its content (modelVersionFor), so a level model is still
 * version 1 and read by earlier seqforge, while a delta model, which an earlier seqforge would
 * run as a level model, is refused there as newer.
 */
export const MODEL_VERSION = 2;
/** The version a model's file is written with: 2 for a delta model, else 1 (see MODEL_VERSION). */
export function modelVersionFor(a: Architecture): 1 | 2 {
  return a.delta === undefined ? 1 : 2;
}
/** The quantized model file's format (src/model/quant-model-file.ts), here so either parser can say which file it was given. */
export const QUANT_FORMAT = "seqforge-quant-model";

// JSON.parse reads 1e999 as Infinity; say "finite" for it rather than zod's "expected number".
const finite = z.number({
  error: (issue) => (issue.input === Infinity || issue.input === -Infinity ? "a finite number expected, found an infinite one" : "a number expected"),
});
const finiteArray = z.array(finite);
const posInt = z.number().int().positive();

export type { CellKind } from "./cells.js";
export type { RunMode } from "./sequence.js";

export const Architecture = z.object({
  cell: CellEnum,
  inputSize: posInt,
  hiddenSize: posInt,
  layers: posInt,
  outputSize: posInt,
  /** Window length N (window mode: steps per prediction; stream mode: truncated-BPTT chunk). */
  window: posInt,
  /** Rows between the last input row and the predicted row (default 1: predict the next row). */
  horizon: z.number().int().nonnegative(),
  mode: RunModeEnum,
  /**
   * Delta outputs (`train --delta`): for output o, the input feature delta[o] whose value in the
   * last input row is added to the head's output, so the head predicts the change from the last
   * observed value. The output's normalisation is that feature's (checkDelta). Absent: the
   * head predicts the level (every file before version 2).
   */
  delta: z.array(z.number().int().nonnegative()).optional(),
});
export type Architecture = z.infer<typeof Architecture>;

export const Normalization = z.object({
  mean: finiteArray,
  /** Divide by this after subtracting the mean; never zero. */
  scale: z.array(finite.refine((v) => v !== 0, "a non-zero scale")),
});
export type Normalization = z.infer<typeof Normalization>;

export const LayerWeights = z.object({ wx: finiteArray, wh: finiteArray, b: finiteArray });
export type LayerWeights = z.infer<typeof LayerWeights>;
export const HeadWeights = z.object({ w: finiteArray, b: finiteArray });
export type HeadWeights = z.infer<typeof HeadWeights>;

export const EpochRecord = z.object({
  epoch: z.number().int().nonnegative(),
  loss: finite,
  valLoss: finite.nullable(),
});

/**
 * Quantization-aware fine-tuning (`quantize --finetune`, src/finetune/) trains the rounded network
 * to `float`: the original float model's outputs, which is what the quantized model's error is
 * measured against; or `truth`: the true targets, as training did.
 */
export const FINETUNE_TARGETS = ["float", "truth"] as const;
export type FineTuneTarget = (typeof FINETUNE_TARGETS)[number];

export const Training = z.object({
  dataHash: z.string(),
  seed: z.number().int(),
  /** The flags the model was trained with, as given (after defaults). */
  flags: z.record(z.string(), z.unknown()),
  lossHistory: z.array(EpochRecord),
  bestEpoch: z.number().int().nonnegative().nullable(),
  /**
   * The linear autoregressive baseline fitted on the same training windows (src/data/linear-baseline.ts):
   * per target, [intercept, then feature k of window row r at 1 + r·I + k], normalised units.
   * Absent from models trained before it, or with too few training samples.
   */
  linearBaseline: z.object({ coefficients: z.array(z.array(finite)), samples: z.number().int().nonnegative() }).optional(),
  /**
   * Set when these weights are a trained model's fine-tuned for a fixed-point scheme (`quantize
   * --finetune`, src/finetune/): the model it started from (sha256 of its file), the scheme, what
   * it was trained to (`float`: the starting model's outputs; `truth`: the targets), the learning
   * rate, the epochs run, the rounded network's loss per epoch (epoch 0: before fine-tuning) and
   * the epoch kept. The rest of the block is the starting model's: its data, flags and loss history.
   */
  fineTune: z
    .object({
      from: z.string(),
      scheme: z.string(),
      target: z.enum(FINETUNE_TARGETS),
      lr: finite,
      epochs: z.number().int().positive(),
      lossHistory: z.array(EpochRecord),
      keptEpoch: z.number().int().nonnegative(),
    })
    .optional(),
});
export type Training = z.infer<typeof Training>;

/** Where an imported model's normalisation came from (src/interop/). */
export const ImportedNormalization = z.discriminatedUnion("from", [
  /** Mean 0, scale 1: the network's own units. */
  z.object({ from: z.literal("identity") }),
  /** The file's own Sub/Div nodes before the first LSTM and Mul/Add after the head (as `seqforge export` writes them). */
  z.object({ from: z.literal("graph") }),
  /**
   * Fitted on a data file (`--norm-data`) as train fits it, and its inverse folded into layer 0's
   * wx and b and into the head, so the model computes in raw units what the file computed.
   */
  z.object({ from: z.literal("data"), dataFile: z.string(), dataHash: z.string(), rows: posInt }),
]);
export type ImportedNormalization = z.infer<typeof ImportedNormalization>;

/** Where an imported model came from (a model not trained here has this instead of `training`). */
export const Provenance = z.object({
  /** `onnx`, or `tfjs-layers` (a Keras model in TensorFlow.js's layers format). */
  format: z.enum(["onnx", "tfjs-layers"]),
  /** The file as given, and the sha256 of its bytes (for tfjs-layers: of model.json). */
  file: z.string(),
  fileHash: z.string(),
  /** What wrote the file, as it says (`pytorch 1.13.0`, `TensorFlow.js tfjs-layers v4.22.0`). */
  producer: z.string(),
  /** ONNX: the opset of the default domain; null for tfjs-layers. */
  opset: z.number().int().nullable(),
  normalization: ImportedNormalization,
});
export type Provenance = z.infer<typeof Provenance>;

export const FloatModelSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    version: z.union([z.literal(1), z.literal(MODEL_VERSION)]),
    architecture: Architecture,
    features: z.array(z.string()),
    targets: z.array(z.string()),
    normalization: z.object({ input: Normalization, output: Normalization }),
    weights: z.object({ layers: z.array(LayerWeights), head: HeadWeights }),
    /** How the model was trained here; absent for an imported model, which has `source`. */
    training: Training.optional(),
    source: Provenance.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.training === undefined && m.source === undefined) {
      ctx.addIssue({ code: "custom", path: ["training"], message: "a training block (a trained model) or a source block (an imported one) expected" });
    }
    // Every length follows from the architecture; check each so a hand-edited file fails here,
    // naming the field, rather than deep inside a loop.
    const expect = lengthCheck(ctx);
    checkIoLengths(expect, m.architecture, m);
    checkDelta(ctx, m.architecture, m.version, modelVersionFor(m.architecture), m);
    checkWeightLengths(expect, m.architecture, m.weights, "weights");
  });

/** Adds an issue at `path` when a length is not the wanted one. */
export type LengthCheck = (path: (string | number)[], actual: number, wanted: number) => void;

export function lengthCheck(ctx: z.RefinementCtx): LengthCheck {
  return (path, actual, wanted) => {
    if (actual !== wanted) ctx.addIssue({ code: "custom", path, message: `${wanted} values expected, found ${actual}` });
  };
}

/** The lengths every model file (float and quantized) shares: column names and normalisation. */
export function checkIoLengths(
  expect: LengthCheck,
  a: Architecture,
  m: { features: unknown[]; targets: unknown[]; normalization: { input: Normalization; output: Normalization } },
): void {
  expect(["features"], m.features.length, a.inputSize);
  expect(["targets"], m.targets.length, a.outputSize);
  expect(["normalization", "input", "mean"], m.normalization.input.mean.length, a.inputSize);
  expect(["normalization", "input", "scale"], m.normalization.input.scale.length, a.inputSize);
  expect(["normalization", "output", "mean"], m.normalization.output.mean.length, a.outputSize);
  expect(["normalization", "output", "scale"], m.normalization.output.scale.length, a.outputSize);
}

/**
 * A delta model's outputs (both model files): one input feature per output, and the output's
 * normalisation equal to that feature's, so that adding the normalised last input to the head's
 * normalised output is adding the level to the change. `version` must be at least `wanted`.
 */
export function checkDelta(
  ctx: z.RefinementCtx,
  a: Architecture,
  version: number,
  wanted: number,
  m: { normalization: { input: Normalization; output: Normalization } },
): void {
  if (a.delta === undefined) return;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (version < wanted) issue(["version"], `${wanted} or later expected for a model with architecture.delta`);
  if (a.delta.length !== a.outputSize) return issue(["architecture", "delta"], `${a.outputSize} values expected, found ${a.delta.length}`);
  const { input, output } = m.normalization;
  a.delta.forEach((k, o) => {
    if (k >= a.inputSize) return issue(["architecture", "delta", o], `an input feature index 0 … ${a.inputSize - 1} expected, found ${k}`);
    if (output.mean[o] !== input.mean[k] || output.scale[o] !== input.scale[k]) {
      issue(["normalization", "output"], `output ${o} is the change of input ${k}: its mean and scale must be input ${k}'s`);
    }
  });
}

/** The weight layout above, under the field `path` (`weights` in model.json, `float32` in an f32 model.q.json). */
export function checkWeightLengths(expect: LengthCheck, a: Architecture, w: { layers: LayerWeights[]; head: HeadWeights }, path: string): void {
  const H = a.hiddenSize;
  expect([path, "layers"], w.layers.length, a.layers);
  w.layers.forEach((l, i) => {
    const I = i === 0 ? a.inputSize : H;
    expect([path, "layers", i, "wx"], l.wx.length, 4 * H * I);
    expect([path, "layers", i, "wh"], l.wh.length, 4 * H * H);
    expect([path, "layers", i, "b"], l.b.length, 4 * H);
  });
  expect([path, "head", "w"], w.head.w.length, a.outputSize * H);
  expect([path, "head", "b"], w.head.b.length, a.outputSize);
}

export type FloatModel = z.infer<typeof FloatModelSchema>;
/** A model trained here: its training block is always there. */
export type TrainedModel = FloatModel & { training: Training };

/** Expected format → found format → what the user should do (the two seqforge model files are easily swapped). */
const MODEL_KIND_HINT: Record<string, Record<string, string>> = {
  [MODEL_FORMAT]: { [QUANT_FORMAT]: "a quantized model; give the float model it was quantized from" },
  [QUANT_FORMAT]: { [MODEL_FORMAT]: "a float model; quantize it first with seqforge quantize" },
};

/**
 * Parses JSON text and checks its `format` and `version` before the schema, so a file from a
 * newer seqforge says so instead of listing every field it does not recognise.
 */
export function parseVersionedJson(
  text: string,
  file: string,
  format: string,
  supportedVersion: number,
  /** Earlier versions the caller still reads (and upgrades after this check). */
  olderVersions: readonly number[] = [],
): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, "", `not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError(file, "", "a JSON object expected");
  }
  const r = raw as Record<string, unknown>;
  if (r.format !== format) {
    // The other seqforge model file given where this one is expected: say what to do.
    const hint = MODEL_KIND_HINT[format]?.[String(r.format)];
    throw new InputError(file, "field format", `"${format}" expected, found ${JSON.stringify(r.format)}${hint ? ` (${hint})` : ""}`);
  }
  if (typeof r.version !== "number" || !Number.isInteger(r.version)) {
    throw new InputError(file, "field version", `an integer expected, found ${JSON.stringify(r.version)}`);
  }
  if (r.version > supportedVersion) {
    throw new InputError(
      file,
      "field version",
      `format version ${r.version} is newer than this seqforge reads (${supportedVersion}); upgrade seqforge`,
    );
  }
  if (r.version !== supportedVersion && !olderVersions.includes(r.version)) {
    throw new InputError(file, "field version", `version ${[...olderVersions, supportedVersion].join(" or ")} expected, found ${r.version}`);
  }
  return raw;
}

/** Validates with a zod schema, reporting the first problem as `field a.b[2]: what`. */
export function parseFloatModel(text: string, file: string): FloatModel {
  const raw = parseVersionedJson(text, file, MODEL_FORMAT, MODEL_VERSION, [1]);
  return validateWith(FloatModelSchema, raw, file);
}

export function loadFloatModel(file: string): FloatModel {
  return parseFloatModel(readInputFile(file, "model file"), file);
}

/** Stable JSON: keys in the order the object was built, weights written as shortest round-trip doubles. */
export function serializeModel(model: unknown): string {
  return JSON.stringify(model, null, 1) + "\n";
}

export function saveFloatModel(model: FloatModel, file: string): void {
  writeFileAtomic(file, serializeModel(model));
}
