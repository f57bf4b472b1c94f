/**
 * From a loaded series to a complete float model file: prepare samples, call the trainer, put
 * the weights together with everything needed to use them (features, targets, normalisation,
 * run mode) and to reproduce them (data hash, seed, flags, loss history), then score the model
 * on the validation part in data units. No file I/O here: the CLI reads and writes.
 */
import { FloatModelSchema, MODEL_FORMAT, modelVersionFor, type Architecture, type TrainedModel } from "../model/model-file.js";
import { validateWith } from "../util/validate.js";
import { floatEngine } from "../model/float-engine.js";
import { OptionError } from "../errors.js";
import { DIVERGENCE_FACTOR, type EpochReport, type SampleSet, type TrainConfig, type TrainLstm } from "./api.js";
import type { Series } from "../data/api.js";
import { predictSeries, scorePredictions, type TargetAccuracy } from "../data/predict-series.js";
import { deltaFeatures, prepareSamples, type PreparedSamples, type SampleSpec } from "./samples.js";
import { fitSeriesBaseline, seriesBaselinePredictions } from "../data/linear-baseline.js";

export interface FitInput {
  series: Series;
  spec: SampleSpec;
  config: TrainConfig;
  /** sha256 of the data file's bytes. */
  dataHash: string;
  /** The flags as given, after defaults, recorded in the model file. */
  flags: Record<string, unknown>;
  trainer: TrainLstm;
  onEpoch?: (report: EpochReport, totalEpochs: number) => void;
}

export interface FitOutput {
  model: TrainedModel;
  prepared: PreparedSamples;
  /** Accuracy on the validation part (rows ≥ the split), one entry per target; empty without validation. */
  validation: TargetAccuracy[];
  /** Set when the kept weights are far worse than predicting the mean (see DIVERGENCE_FACTOR): the model file is not worth using. */
  divergence: Divergence | null;
  /** The epoch at which the loss stopped being finite, when training stopped there and kept an earlier epoch. */
  stoppedAt: number | null;
}

/**
 * Training diverged: reported under the learning rate, its usual cause (exit code 2). The CLI
 * adds how to keep the model anyway.
 */
export class TrainingDivergedError extends OptionError {
  constructor(what: string) {
    super("lr", `training diverged: ${what}; a smaller learning rate or gradient clipping expected`);
    this.name = "TrainingDivergedError";
  }
}

export interface Divergence {
  /** The epoch whose weights were kept, and its training loss. */
  epoch: number;
  loss: number;
  /**
   * The same objective for a prediction of zero at every sample: the training mean (normalised),
   * or for a delta model (`train --delta`) no change from the last observed value.
   */
  meanLoss: number;
  /** Whether the model predicts changes: then zero means "no change", not "the mean". */
  delta: boolean;
}

/**
 * The objective (./loss.ts) of predicting zero, the training mean in normalised units, for every
 * target of the samples: for mse the mean of y²; for the hidden loss the sum of y² per sequence
 * (per window, or per chunk of `window` steps in stream mode).
 */
export function meanPredictionLoss(s: SampleSet, config: Pick<TrainConfig, "loss" | "window">): number {
  let sum = 0;
  for (const v of s.y) sum += v * v;
  const count = s.kind === "window" ? s.start.length : s.steps;
  if (config.loss === "mse") return sum / (count * s.outputSize);
  return s.kind === "window" ? sum / count : (sum * config.window) / count;
}

export function describeDivergence(d: Divergence): string {
  return `the kept epoch ${d.epoch} has a training loss of ${d.loss.toPrecision(3)}, ${(d.loss / d.meanLoss).toPrecision(3)} times that of predicting ${d.delta ? "no change" : "the mean"} (${d.meanLoss.toPrecision(3)})`;
}

export function fitModel(input: FitInput): FitOutput {
  const { series, spec, config } = input;
  const prepared = prepareSamples(series, spec);
  const result = input.trainer(config, prepared.train, prepared.val, input.onEpoch);

  result.layers.forEach((l, i) => {
    for (const key of ["wx", "wh", "b"] as const) {
      if (!l[key].every(Number.isFinite)) throw new TrainingDivergedError(`weights.layers[${i}].${key} is not finite`);
    }
  });
  if (![...result.head.w, ...result.head.b].every(Number.isFinite)) throw new TrainingDivergedError("weights.head is not finite");

  // The linear AR baseline on the same training windows (rows with a whole window before them).
  const baselineRows: [number, number] = [Math.max(prepared.split.train[0], spec.window + spec.horizon - 1), prepared.split.train[1]];
  const linearBaseline = fitSeriesBaseline(series, { ...spec, normalization: prepared.normalization }, baselineRows, spec.window, spec.horizon);

  const architecture: Architecture = {
    cell: config.cell,
    inputSize: spec.features.length,
    hiddenSize: config.hidden,
    layers: config.layers,
    outputSize: spec.targets.length,
    window: spec.window,
    horizon: spec.horizon,
    mode: spec.mode,
    ...(spec.delta ? { delta: deltaFeatures(spec.features, spec.targets) } : {}),
  };
  const raw: TrainedModel = {
    format: MODEL_FORMAT,
    version: modelVersionFor(architecture),
    architecture,
    features: [...spec.features],
    targets: [...spec.targets],
    normalization: prepared.normalization,
    weights: {
      // Plain arrays: the trainer may hand back typed arrays, which JSON would write as objects.
      layers: result.layers.map((l) => ({ wx: Array.from(l.wx), wh: Array.from(l.wh), b: Array.from(l.b) })),
      head: { w: Array.from(result.head.w), b: Array.from(result.head.b) },
    },
    training: {
      dataHash: input.dataHash,
      seed: config.seed,
      flags: input.flags,
      lossHistory: result.lossHistory.map((r) => ({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss })),
      bestEpoch: result.bestEpoch,
      ...(linearBaseline ? { linearBaseline } : {}),
    },
  };
  // The same check a reader applies: a wrong length from the trainer fails here, naming the
  // field, instead of in the next command.
  // (The schema keeps the training block raw has, so the result is still a TrainedModel.)
  const model = validateWith(FloatModelSchema, raw, "trained model") as TrainedModel;

  let validation: TargetAccuracy[] = [];
  if (prepared.split.val) {
    // Only the validation rows are predicted (a stream still runs from the first row).
    const pred = predictSeries({ ...model, engine: floatEngine(model) }, series, prepared.split.splitRow);
    const linear = linearBaseline ? seriesBaselinePredictions(linearBaseline, series, model, pred.rows, spec.window, spec.horizon) : null;
    validation = scorePredictions(pred, series, model.targets, spec.horizon, prepared.split.splitRow, linear);
  }
  const history = model.training.lossHistory;
  const kept = history.find((r) => r.epoch === model.training.bestEpoch) ?? history[history.length - 1];
  const meanLoss = meanPredictionLoss(prepared.train, config);
  const divergence = kept && kept.loss > DIVERGENCE_FACTOR * meanLoss ? { epoch: kept.epoch, loss: kept.loss, meanLoss, delta: spec.delta === true } : null;
  return { model, prepared, validation, divergence, stoppedAt: result.stoppedAt ?? null };
}
