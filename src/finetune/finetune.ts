/**
 * `quantize --finetune N`: quantization-aware fine-tuning of a trained float model for one
 * integer scheme. The model is quantized as `quantize` does (formats chosen on the calibration
 * data); training then continues for N epochs on the model's own training data, with its recorded
 * options, the forward pass rounded onto those formats and straight-through gradients
 * (src/train/fake-quant.ts); the fine-tuned weights are quantized again with the same formats
 * (the grids they were tuned for), and every error is measured against the ORIGINAL float model.
 * Pure: the caller reads the files and writes the two results.
 */
import { InputError } from "../errors.js";
import type { Series } from "../data/api.js";
import type { NormalizedSeries } from "../data/model-data.js";
import { floatEngine } from "../model/float-engine.js";
import { FloatModelSchema, serializeModel, type FineTuneTarget, type FloatModel, type TrainedModel } from "../model/model-file.js";
import { GATE_FRAC, type ErrorMetrics, type QuantModel } from "../model/quant-model-file.js";
import { integerFacts, type IntegerScheme } from "../model/schemes.js";
import { runSeries } from "../model/sequence.js";
import { compareOutputs } from "../quant/accuracy.js";
import { formatsOf, measureAccuracy, quantizeModel, type ChosenFormats } from "../quant/quantize.js";
import type { FineTuneComparison, FineTuneSummary } from "../quant/report.js";
import { FINETUNE_LR_DIVISOR, LOSS_KINDS, OPTIMIZERS, type EpochReport, type SampleSet, type TrainConfig } from "../train/api.js";
import { fineTuneLstm, onGrid, type FakeQuantSpec, type Grid } from "../train/fake-quant.js";
import { fromModelWeights, paramLayout } from "../train/layout.js";
import { prepareSamples } from "../train/samples.js";
import { sha256 } from "../util/hash.js";
import { validateWith } from "../util/validate.js";

export interface FineTuneOptions {
  /** The trained float model, its file (as given) and the sha256 of its bytes. */
  model: TrainedModel;
  modelFile: string;
  modelHash: string;
  scheme: IntegerScheme;
  epochs: number;
  target: FineTuneTarget;
  /** The learning rate; by default the recorded one ÷ FINETUNE_LR_DIVISOR. */
  lr?: number;
  /** The model's training data (src/data/model-data.ts findTrainingData) and its recorded validation fraction. */
  training: { series: Series; val: number };
  calib: NormalizedSeries;
  data: NormalizedSeries | null;
  /** Where the fine-tuned float model will be written: the quantized model's source names it. */
  floatFile: string;
  onEpoch?: (report: EpochReport, totalEpochs: number) => void;
}

export interface FineTuneOutput {
  /** The fine-tuned float model, and the bytes to write (the quantized model's source.modelHash is their sha256). */
  model: TrainedModel;
  floatText: string;
  /** The original model quantized (what `quantize` alone writes), and the fine-tuned one. */
  before: QuantModel;
  after: QuantModel;
  summary: FineTuneSummary;
}

/** The grids the scheme rounds onto, with the chosen formats (docs/fixed-point.md "Tensors and formats"). */
export function fakeQuantSpec(scheme: IntegerScheme, f: ChosenFormats): FakeQuantSpec {
  const facts = integerFacts(scheme);
  return {
    weightMax: 2 ** (facts.weightBits - 1) - 1,
    // Layer 0's wx column k is quantized as 2^(frac − frac_k)·w (quantize.ts foldInputColumns).
    inputFold: f.x.fracs.map((fk) => 2 ** (f.x.frac - fk)),
    activations: {
      inputs: f.x.fracs.map((frac) => ({ frac, bits: f.x.bits })),
      layers: f.layers.map((L) => ({ c: { frac: L.cFrac, bits: 16 }, h: { frac: L.hFrac, bits: L.hBits } })),
      gateFrac: GATE_FRAC,
    },
  };
}

/** The recorded training options (`train`'s flags) as the trainer takes them; a missing or odd one is named. */
export function recordedConfig(model: TrainedModel, modelFile: string): TrainConfig {
  const flags = model.training.flags;
  const a = model.architecture;
  const num = (name: string): number => {
    const v = flags[name];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(modelFile, `field training.flags.${name}`, `a number expected (the value train recorded), found ${JSON.stringify(v ?? null)}`);
    return v;
  };
  const choice = <T extends string>(name: string, choices: readonly T[]): T => {
    const v = flags[name];
    if (!choices.includes(v as T)) throw new InputError(modelFile, `field training.flags.${name}`, `one of ${choices.join(", ")} expected, found ${JSON.stringify(v ?? null)}`);
    return v as T;
  };
  return {
    cell: a.cell,
    hidden: a.hiddenSize,
    layers: a.layers,
    epochs: num("epochs"),
    lr: num("lr"),
    optimizer: choice("optimizer", OPTIMIZERS),
    batch: num("batch"),
    seed: model.training.seed,
    loss: choice("loss", LOSS_KINDS),
    clip: num("clip"),
    patience: num("patience"),
    forgetBias: num("forget-bias"),
    mode: a.mode,
    window: a.window,
  };
}

/**
 * The samples' targets replaced by the float model's outputs on the inputs the trainer feeds:
 * per window from a reset state (window mode); in stream mode, per stream as the trainer cuts the
 * series (src/train/trainer.ts streamPass: `streams` side by side, each ⌊steps/streams⌋ steps from
 * a reset state), so the student and its teacher start every stream from the same zero state.
 */
function teacherTargets(model: FloatModel, s: SampleSet, streams: number, inputs: readonly Grid[]): SampleSet {
  const engine = floatEngine(model);
  const delta = model.architecture.delta;
  const I = s.inputSize;
  const O = s.outputSize;
  const y = new Float64Array(s.y.length);
  const run = (first: number, count: number, to: (t: number) => number) => {
    engine.reset();
    let out: ArrayLike<number> = [];
    for (let t = 0; t < count; t++) {
      out = engine.step(s.x.subarray((first + t) * I, (first + t + 1) * I));
      const at = to(t);
      // A delta model's head predicts the change: its target is the teacher's level less the last
      // input as the integer model adds it back, rounded onto its column's grid.
      const last = s.x.subarray((first + t) * I, (first + t + 1) * I);
      if (at >= 0) for (let q = 0; q < O; q++) y[at * O + q] = out[q]! - (delta ? onGrid(last[delta[q]!]!, inputs[delta[q]!]!) : 0);
    }
  };
  if (s.kind === "window") {
    for (let k = 0; k < s.start.length; k++) run(s.start[k]!, s.window, (t) => (t === s.window - 1 ? k : -1));
  } else {
    const nb = Math.min(streams, s.steps);
    const len = Math.floor(s.steps / nb);
    for (let b = 0; b < nb; b++) run(b * len, len, (t) => b * len + t);
  }
  return { ...s, y };
}

/** Outputs of a float model over a series in its run mode. */
function floatOutputs(model: FloatModel, s: NormalizedSeries) {
  return runSeries(floatEngine(model), model.architecture, s.inputs);
}

/**
 * Quantized before (its own accuracy block: it was measured against the original), fine-tuned
 * float and quantized after, each against the original float model on `s`.
 */
function compare(original: FloatModel, tuned: FloatModel, before: ErrorMetrics, after: QuantModel, s: NormalizedSeries): FineTuneComparison {
  const ref = floatOutputs(original, s);
  const targets = s.targets ? ref.rows.map((j) => s.targets![j]!) : null;
  return {
    before,
    tunedFloat: compareOutputs(ref.outputs, floatOutputs(tuned, s).outputs, targets),
    after: measureAccuracy(original, after, s),
  };
}

export function fineTuneForScheme(o: FineTuneOptions): FineTuneOutput {
  const { model, scheme } = o;
  const before = quantizeModel({ model, scheme, source: { modelHash: o.modelHash, modelFile: o.modelFile }, calib: o.calib, data: o.data });
  const formats = formatsOf(before);

  const a = model.architecture;
  const prepared = prepareSamples(o.training.series, { features: model.features, targets: model.targets, window: a.window, horizon: a.horizon, mode: a.mode, val: o.training.val, delta: a.delta !== undefined });
  // The same data by hash gives the same normalisation; anything else means the samples are not the model's.
  if (JSON.stringify(prepared.normalization) !== JSON.stringify(model.normalization)) {
    throw new InputError(o.modelFile, "field normalization", "the normalisation fitted on the training data differs from the one the model records; the model's own training data expected");
  }
  const recorded = recordedConfig(model, o.modelFile);
  const config = { ...recorded, lr: o.lr ?? recorded.lr / FINETUNE_LR_DIVISOR };
  const spec = fakeQuantSpec(scheme, formats.formats);
  const grids = spec.activations!.inputs;
  const samples =
    o.target === "float"
      ? { train: teacherTargets(model, prepared.train, config.batch, grids), val: prepared.val && teacherTargets(model, prepared.val, 1, grids) }
      : prepared;
  const lay = paramLayout({ inputSize: a.inputSize, hidden: a.hiddenSize, layers: a.layers, outputSize: a.outputSize });
  const result = fineTuneLstm(config, o.epochs, samples.train, samples.val, fromModelWeights(model.weights, lay), spec, o.onEpoch);

  const raw: TrainedModel = {
    ...model,
    weights: { layers: result.layers, head: result.head }, // plain arrays (toModelWeights)
    training: {
      ...model.training,
      fineTune: { from: o.modelHash, scheme, target: o.target, lr: config.lr, epochs: o.epochs, lossHistory: result.lossHistory, keptEpoch: result.keptEpoch },
    },
  };
  const tuned = validateWith(FloatModelSchema, raw, "fine-tuned model") as TrainedModel;
  const floatText = serializeModel(tuned);
  const after = quantizeModel({ model: tuned, scheme, source: { modelHash: sha256(floatText), modelFile: o.floatFile }, calib: o.calib, data: o.data, formats });

  const summary: FineTuneSummary = {
    epochs: o.epochs,
    keptEpoch: result.keptEpoch,
    lossHistory: result.lossHistory,
    originalModel: o.modelFile,
    calib: compare(model, tuned, before.accuracy.calib, after, o.calib),
    data: o.data ? compare(model, tuned, before.accuracy.data!, after, o.data) : null,
  };
  return { model: tuned, floatText, before, after, summary };
}
