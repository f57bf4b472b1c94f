/**
 * `seqforge quantize model.json --calib data.csv [--scheme S] [--data heldout.csv] --out model.q.json`:
 * reads the float model and the data (I/O here), calls the pure quantizer (src/quant/quantize.ts),
 * writes the quantized file atomically, prints the quantization report (or `--json`).
 * With `--finetune N --float-out tuned.json`, fine-tunes the model for the scheme first
 * (src/finetune/) and writes the fine-tuned float model too, which the quantized file names.
 */
import { resolve } from "node:path";
import { findTrainingData } from "../../data/model-data.js";
import { InputError } from "../../errors.js";
import { fineTuneForScheme } from "../../finetune/finetune.js";
import { parseFloatModel, type FineTuneTarget, type FloatModel, type TrainedModel } from "../../model/model-file.js";
import { loadNormalizedSeries, type NormalizedSeries } from "../../data/model-data.js";
import { saveQuantModel, withHash, type QuantModel } from "../../model/quant-model-file.js";
import { isIntegerScheme, type IntegerScheme, type Scheme } from "../../model/schemes.js";
import { quantizeModel } from "../../quant/quantize.js";
import { quantReport, type FineTuneSummary } from "../../quant/report.js";
import { sha256 } from "../../util/hash.js";
import { readInputBytes } from "../../util/read-input-file.js";
import { assertNotAnInput, assertWritablePath, writeFileAtomic } from "../../util/atomic-write.js";
import { epochProgress } from "../../util/progress.js";
import { intFlag, numberFlag, stringFlag } from "../flag-values.js";
import type { QuantizeArgs } from "../main.js";

interface FineTuneFlags {
  epochs: number;
  floatOut: string;
  scheme: IntegerScheme;
  target: FineTuneTarget;
  /** undefined: the default, from the model's own learning rate. */
  lr: number | undefined;
}

/** `--finetune N --float-out FILE`, checked before anything is read; null without --finetune. */
function fineTuneFlags(args: QuantizeArgs, scheme: Scheme): FineTuneFlags | null {
  if (args.finetune === undefined) {
    for (const flag of ["float-out", "finetune-lr"] as const) {
      if (args[flag] !== undefined) throw new InputError(`--${flag}`, "", "only with --finetune");
    }
    return null;
  }
  const epochs = intFlag("finetune", args.finetune, 1);
  if (!isIntegerScheme(scheme)) {
    throw new InputError("--finetune", "", `scheme ${scheme} rounds nothing to fine-tune for; an integer scheme (w8a16, w16a16, w8a8) expected`);
  }
  if (args["float-out"] === undefined) throw new InputError("--finetune", "", "needs --float-out FILE: where to write the fine-tuned float model the quantized file is made from");
  const lr = args["finetune-lr"] === undefined ? undefined : numberFlag("finetune-lr", args["finetune-lr"], Number.MIN_VALUE);
  return { epochs, floatOut: stringFlag("float-out", args["float-out"]), scheme, target: args["finetune-target"], lr };
}

export async function run(args: QuantizeArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const calibFile = stringFlag("calib", args.calib);
  const out = stringFlag("out", args.out);
  const dataFile = args.data === undefined ? null : stringFlag("data", args.data);
  const scheme = args.scheme;
  const tune = fineTuneFlags(args, scheme);
  const inputs = [{ path: modelFile, what: "the model file" }, { path: calibFile, what: "the --calib file" }];
  if (dataFile !== null) inputs.push({ path: dataFile, what: "the --data file" });
  assertNotAnInput(out, inputs);
  if (tune) {
    assertNotAnInput(tune.floatOut, inputs, "float-out");
    if (resolve(tune.floatOut) === resolve(out)) throw new InputError("--float-out", "", `${tune.floatOut} is also --out; the fine-tuned float model and the quantized one need two files`);
    assertWritablePath(tune.floatOut);
  }
  const bytes = readInputBytes(modelFile, "model file");
  const model = parseFloatModel(bytes.toString("utf8"), modelFile);
  const training = tune ? { tune, ...fineTuneData(model, modelFile) } : null;
  const calib = loadNormalizedSeries(calibFile, model);
  const data = dataFile === null ? null : loadNormalizedSeries(dataFile, model);
  process.stderr.write(`calibrating on ${calibFile} (${calib.rows} rows, ${model.architecture.mode} mode) and quantizing to ${scheme}…\n`);
  const source = { modelHash: sha256(bytes), modelFile };

  let q: QuantModel;
  let fineTune: FineTuneSummary | null = null;
  if (training) {
    const r = runFineTune(training, source.modelHash, calib, data);
    q = withHash(r.after);
    fineTune = r.summary;
    // Both files are complete before either is written; the float model first, as the quantized one names it.
    writeFileAtomic(training.tune.floatOut, r.floatText);
  } else {
    q = withHash(quantizeModel({ model, scheme, source, calib, data }));
  }
  saveQuantModel(q, out);
  if (args.json) {
    const tuned = fineTune && tune ? { fineTune: { floatOut: tune.floatOut, ...fineTune } } : {};
    process.stdout.write(JSON.stringify({ out, scheme, hash: q.hash, calibration: q.calibration, accuracy: q.accuracy, ...tuned }, null, 2) + "\n");
  } else {
    process.stdout.write(quantReport(q, fineTune));
    process.stdout.write(`\n${tune ? `wrote ${tune.floatOut} (the fine-tuned float model) and ` : "wrote "}${out}\n`);
  }
  return 0;
}

/** The model's own training data, found by the path and hash it records, which fine-tuning trains on. */
function fineTuneData(model: FloatModel, modelFile: string) {
  const found = findTrainingData(model, modelFile);
  if ("note" in found) throw new InputError(modelFile, "field training.flags.data", `${found.note}; fine-tuning trains on the model's own training data`);
  // findTrainingData finds data only for a model with a training block.
  return { model: model as TrainedModel, modelFile, found };
}

function runFineTune(
  { tune, model, modelFile, found }: ReturnType<typeof fineTuneData> & { tune: FineTuneFlags },
  modelHash: string,
  calib: NormalizedSeries,
  data: NormalizedSeries | null,
) {
  process.stderr.write(`fine-tuning for ${tune.scheme} on ${found.file}, ${tune.epochs} epochs…\n`);
  const progress = epochProgress(tune.epochs);
  try {
    return fineTuneForScheme({
      model,
      modelFile,
      modelHash,
      scheme: tune.scheme,
      epochs: tune.epochs,
      target: tune.target,
      ...(tune.lr === undefined ? {} : { lr: tune.lr }),
      training: { series: found.data.series, val: found.val },
      calib,
      data,
      floatFile: tune.floatOut,
      onEpoch: (r) => progress.update(r.epoch, r.loss, r.valLoss),
    });
  } finally {
    progress.stop();
  }
}
