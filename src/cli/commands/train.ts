/**
 * `seqforge train`: flags → options, data file → series → fitModel (src/train/fit-model.ts) with
 * the real trainer, model file written atomically, a summary on stdout (or `--json`), progress
 * on stderr.
 */
import { scoreLines } from "../../data/predict-series.js";
import { InputError, OptionError } from "../../errors.js";
import { saveFloatModel } from "../../model/model-file.js";
import type { RunMode } from "../../model/model-file.js";
import { describeDivergence, fitModel, type FitOutput } from "../../train/fit-model.js";
import { readSeriesFile } from "../../data/table.js";
import type { TrainConfig } from "../../train/api.js";
import { checkTrainingSize } from "../../train/limits.js";
import { trainLstm } from "../../train/trainer.js";
import { deltaFeatures } from "../../train/samples.js";
import { assertNotAnInput, assertWritablePath } from "../../util/atomic-write.js";
import { epochProgress } from "../../util/progress.js";
import { columnListFlag, intFlag, numberFlag, stringFlag } from "../flag-values.js";
import type { TrainArgs } from "../main.js";

export interface TrainOptions {
  data: string;
  targets: string[];
  features: string[];
  window: number;
  horizon: number;
  val: number;
  mode: RunMode;
  /** Predict each target's change from its last observed value (architecture.delta). */
  delta: boolean;
  out: string;
  json: boolean;
  /** Write the model even when training diverged. */
  keepDiverged: boolean;
  config: TrainConfig;
}

/** Checks every flag's value; each failure names the flag. */
export function trainOptions(args: TrainArgs): TrainOptions {
  const targets = columnListFlag("target", args.target);
  const features = args.features === undefined ? targets : columnListFlag("features", args.features);
  const window = intFlag("window", args.window, 1);
  const horizon = intFlag("horizon", args.horizon, 0);
  const mode = args.mode;
  if (horizon === 0) {
    const seen = targets.find((t) => features.includes(t));
    if (seen !== undefined) {
      throw new InputError("--horizon", "", `0 with target ${JSON.stringify(seen)} among the features would let the model see the value it predicts; --horizon 1 or more expected`);
    }
  }
  const config: TrainConfig = {
    cell: args.cell,
    hidden: intFlag("hidden", args.hidden, 1),
    layers: intFlag("layers", args.layers, 1),
    epochs: intFlag("epochs", args.epochs, 1),
    lr: numberFlag("lr", args.lr, Number.MIN_VALUE),
    optimizer: args.optimizer,
    batch: intFlag("batch", args.batch, 1),
    seed: intFlag("seed", args.seed, 0),
    loss: args.loss,
    clip: numberFlag("clip", args.clip, 0),
    patience: intFlag("patience", args.patience, 0),
    forgetBias: numberFlag("forget-bias", args["forget-bias"], -Infinity),
    mode,
    window,
  };
  // Sizes that cannot be trained, and a delta target that is not a feature, are refused before the data is read.
  checkTrainingSize(config, features.length, targets.length);
  if (args.delta) {
    deltaFeatures(features, targets);
    if (config.loss !== "mse") throw new OptionError("delta", `trains the head's output as a change; --loss mse expected, found ${config.loss} (which trains h, not the head)`);
  }
  return {
    data: stringFlag("data", args.data),
    targets,
    features,
    window,
    horizon,
    val: numberFlag("val", args.val, 0, 1),
    mode,
    delta: args.delta,
    out: stringFlag("out", args.out),
    json: args.json,
    keepDiverged: args["keep-diverged"],
    config,
  };
}

/**
 * The flags recorded in the model file: everything that shapes the model, after defaults, under
 * the names the user types. `--out`, `--json` and `--keep-diverged` are left out: they change
 * where and how the result is reported, not the model, and leaving them out keeps the file
 * identical wherever it is written.
 */
export function recordedFlags(o: TrainOptions): Record<string, unknown> {
  const c = o.config;
  return {
    data: o.data,
    target: o.targets.join(","),
    features: o.features.join(","),
    window: o.window,
    horizon: o.horizon,
    cell: c.cell,
    hidden: c.hidden,
    layers: c.layers,
    epochs: c.epochs,
    lr: c.lr,
    optimizer: c.optimizer,
    batch: c.batch,
    seed: c.seed,
    val: o.val,
    mode: o.mode,
    loss: c.loss,
    clip: c.clip,
    patience: c.patience,
    "forget-bias": c.forgetBias,
    delta: o.delta,
  };
}

export async function run(args: TrainArgs): Promise<number> {
  const o = trainOptions(args);
  assertWritablePath(o.out); // before training, not after it
  assertNotAnInput(o.out, [{ path: o.data, what: "the --data file" }]);
  // Feature columns first, then targets not already among them: one parse per column.
  const columns = [...o.features, ...o.targets.filter((t) => !o.features.includes(t))];
  const { series, hash } = readSeriesFile(o.data, () => ({ names: columns, what: "requested" }));

  const progress = epochProgress(o.config.epochs);
  let seen = 0;
  let fit: FitOutput;
  try {
    fit = fitModel({
      series,
      spec: { features: o.features, targets: o.targets, window: o.window, horizon: o.horizon, mode: o.mode, val: o.val, delta: o.delta },
      config: o.config,
      dataHash: hash,
      flags: recordedFlags(o),
      trainer: trainLstm,
      onEpoch: (r) => progress.update(++seen, r.loss, r.valLoss),
    });
  } finally {
    progress.stop();
  }
  if (fit.divergence) {
    const what = `training diverged: ${describeDivergence(fit.divergence)}`;
    if (!o.keepDiverged) throw new OptionError("lr", `${what}; lower --lr or clip gradients (--clip), or pass --keep-diverged to write the model anyway`);
    process.stderr.write(`seqforge: warning: ${what}; the model is written only because of --keep-diverged\n`);
  }
  if (fit.stoppedAt !== null) {
    process.stderr.write(`seqforge: warning: the loss was not finite at epoch ${fit.stoppedAt}; training stopped there and kept epoch ${fit.model.training.bestEpoch}\n`);
  }
  saveFloatModel(fit.model, o.out);

  const history = fit.model.training.lossHistory;
  // The losses of the epoch whose weights the file holds: the best one under early stopping.
  const bestEpoch = fit.model.training.bestEpoch;
  const kept = history.find((r) => r.epoch === bestEpoch) ?? history[history.length - 1];
  const result = {
    model: o.out,
    epochs: history.length,
    bestEpoch,
    diverged: fit.divergence !== null,
    loss: kept?.loss ?? null,
    valLoss: kept?.valLoss ?? null,
    validation: {
      rows: fit.prepared.split.val,
      targets: fit.validation.map((v) => ({
        target: v.target,
        rmse: v.rmse,
        mae: v.mae,
        persistenceRmse: v.persistence?.rmse ?? null,
        linearRmse: v.linear?.baseline.rmse ?? null,
      })),
    },
  };
  if (o.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  } else {
    const a = fit.model.architecture;
    const best = result.bestEpoch === null ? "" : `, best epoch ${result.bestEpoch}`;
    process.stdout.write(
      `wrote ${o.out}: ${a.cell} LSTM ${a.layers}×${a.hiddenSize}, ${a.mode} mode, window ${a.window}, horizon ${a.horizon}; ${result.epochs} epochs${best}\n`,
    );
    for (const v of fit.validation) {
      for (const line of scoreLines(`validation ${v.target}`, v, a.window)) process.stdout.write(line + "\n");
    }
  }
  return 0;
}
