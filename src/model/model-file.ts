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

export const MODEL_FORMAT = "seqforge-model";
export const MODEL_VERSION = 1;

// JSON.parse reads 1e999 as Infinity; say "finite" for it rather than zod's "expected number".
const finite = z.number({
  error: (issue) => (issue.input === Infinity || issue.input === -Infinity ? "a finite number expected, found an infinite one" : "a number expected"),
});
const finiteArray = z.array(finite);
const posInt = z.number().int().positive();

export const CellKind = z.enum(["standard", "seed"]);
export type CellKind = z.infer<typeof CellKind>;
export const RunMode = z.enum(["window", "stream"]);
export type RunMode = z.infer<typeof RunMode>;

export const Architecture = z.object({
  cell: CellKind,
  inputSize: posInt,
  hiddenSize: posInt,
  layers: posInt,
  outputSize: posInt,
  /** `one`: the head runs at the last step of a window; `every`: at every step. */
  sequence: z.enum(["one", "every"]),
  /** Window length N (window mode: steps per prediction; stream mode: truncated-BPTT chunk). */
  window: posInt,
  /** Rows between the last input row and the predicted row (default 1: predict the next row). */
  horizon: z.number().int().nonnegative(),
  mode: RunMode,
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

export const Training = z.object({
  dataHash: z.string(),
  seed: z.number().int(),
  /** The flags the model was trained with, as given (after defaults). */
  flags: z.record(z.string(), z.unknown()),
  lossHistory: z.array(EpochRecord),
  bestEpoch: z.number().int().nonnegative().nullable(),
});
export type Training = z.infer<typeof Training>;

export const FloatModelSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    version: z.literal(MODEL_VERSION),
    architecture: Architecture,
    features: z.array(z.string()),
    targets: z.array(z.string()),
    normalization: z.object({ input: Normalization, output: Normalization }),
    weights: z.object({ layers: z.array(LayerWeights), head: HeadWeights }),
    training: Training,
  })
  .superRefine((m, ctx) => {
    // Every length follows from the architecture; check each so a hand-edited file fails here,
    // naming the field, rather than deep inside a loop.
    const a = m.architecture;
    const H = a.hiddenSize;
    const expect = (path: (string | number)[], actual: number, wanted: number) => {
      if (actual !== wanted) {
        ctx.addIssue({ code: "custom", path, message: `${wanted} values expected, found ${actual}` });
      }
    };
    expect(["features"], m.features.length, a.inputSize);
    expect(["targets"], m.targets.length, a.outputSize);
    expect(["normalization", "input", "mean"], m.normalization.input.mean.length, a.inputSize);
    expect(["normalization", "input", "scale"], m.normalization.input.scale.length, a.inputSize);
    expect(["normalization", "output", "mean"], m.normalization.output.mean.length, a.outputSize);
    expect(["normalization", "output", "scale"], m.normalization.output.scale.length, a.outputSize);
    expect(["weights", "layers"], m.weights.layers.length, a.layers);
    m.weights.layers.forEach((l, i) => {
      const I = i === 0 ? a.inputSize : H;
      expect(["weights", "layers", i, "wx"], l.wx.length, 4 * H * I);
      expect(["weights", "layers", i, "wh"], l.wh.length, 4 * H * H);
      expect(["weights", "layers", i, "b"], l.b.length, 4 * H);
    });
    expect(["weights", "head", "w"], m.weights.head.w.length, a.outputSize * H);
    expect(["weights", "head", "b"], m.weights.head.b.length, a.outputSize);
  });

export type FloatModel = z.infer<typeof FloatModelSchema>;

/** `weights.layers[0].wx` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += (out ? "." : "") + String(p);
  }
  return out || "(top level)";
}

/**
 * Parses JSON text and checks its `format` and `version` before the schema, so a file from a
 * newer seqforge says so instead of listing every field it does not recognise.
 */
export function parseVersionedJson(
  text: string,
  file: string,
  format: string,
  supportedVersion: number,
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
    throw new InputError(file, "field format", `"${format}" expected, found ${JSON.stringify(r.format)}`);
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
  if (r.version !== supportedVersion) {
    throw new InputError(file, "field version", `version ${supportedVersion} expected, found ${r.version}`);
  }
  return raw;
}

/** Validates with a zod schema, reporting the first problem as `field a.b[2]: what`. */
export function validateWith<T>(schema: z.ZodType<T>, raw: unknown, file: string): T {
  const res = schema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    throw new InputError(file, `field ${formatPath(issue.path)}`, issue.message);
  }
  return res.data;
}

export function parseFloatModel(text: string, file: string): FloatModel {
  const raw = parseVersionedJson(text, file, MODEL_FORMAT, MODEL_VERSION);
  return validateWith(FloatModelSchema, raw, file);
}

export function loadFloatModel(file: string): FloatModel {
  return parseFloatModel(readInputFile(file), file);
}

/** Stable JSON: keys in the order the object was built, weights written as shortest round-trip doubles. */
export function serializeModel(model: unknown): string {
  return JSON.stringify(model, null, 1) + "\n";
}

export function saveFloatModel(model: FloatModel, file: string): void {
  writeFileAtomic(file, serializeModel(model));
}
