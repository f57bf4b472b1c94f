/**
 * From a loaded series to a complete float model file: prepare samples, call the trainer, put
 * the weights together with everything needed to use them (features, targets, normalisation,
 * run mode) and to reproduce them (data hash, seed, flags, loss history), then score the model
 * on the validation part in data units. No file I/O here: the CLI reads and writes.
 */
import { FloatModelSchema, MODEL_FORMAT, MODEL_VERSION, type TrainedModel } from "../model/model-file.js";
import { validateWith } from "../util/validate.js";
import { floatEngine } from "../model/float-engine.js";
import type { EpochReport, TrainConfig, TrainLstm } from "./api.js";
import type { Series } from "../data/api.js";
import { predictSeries, scorePredictions, type TargetAccuracy } from "../data/predict-series.js";
import { prepareSamples, type PreparedSamples, type SampleSpec } from "./samples.js";

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
}

export class TrainingDivergedError extends Error {
  readonly exitCode = 1;
  constructor(where: string) {
    super(`training diverged: ${where} is not finite; try a smaller --lr, gradient clipping (--clip 1) or fewer --layers`);
    this.name = "TrainingDivergedError";
  }
}

export function fitModel(input: FitInput): FitOutput {
  const { series, spec, config } = input;
  const prepared = prepareSamples(series, spec);
  const result = input.trainer(config, prepared.train, prepared.val, input.onEpoch);

  result.layers.forEach((l, i) => {
    for (const key of ["wx", "wh", "b"] as const) {
      if (!l[key].every(Number.isFinite)) throw new TrainingDivergedError(`weights.layers[${i}].${key}`);
    }
  });
  if (![...result.head.w, ...result.head.b].every(Number.isFinite)) throw new TrainingDivergedError("weights.head");

  const raw: TrainedModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    architecture: {
      cell: config.cell,
      inputSize: spec.features.length,
      hiddenSize: config.hidden,
      layers: config.layers,
      outputSize: spec.targets.length,
      window: spec.window,
      horizon: spec.horizon,
      mode: spec.mode,
    },
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
    },
  };
  // The same check a reader applies: a wrong length from the trainer fails here, naming the
  // field, instead of in the next command.
  // (The schema keeps the training block raw has, so the result is still a TrainedModel.)
  const model = validateWith(FloatModelSchema, raw, "trained model") as TrainedModel;

  let validation: TargetAccuracy[] = [];
  if (prepared.split.val) {
    const pred = predictSeries({ ...model, engine: floatEngine(model) }, series);
    validation = scorePredictions(pred, series, model.targets, spec.horizon, prepared.split.splitRow);
  }
  return { model, prepared, validation };
}
