/**
 * The command line: this file declares every command and its flags; each handler is a thin
 * module in ./commands/ that is loaded only when its command runs, so `seqforge --help` starts
 * fast. The flags' types come from their declarations here (choices from the same tables the
 * validators use), and each handler receives exactly those types. Errors thrown anywhere end
 * here, as one line and an exit code; an OptionError from library code is reported under the
 * flag its value came from.
 */
import yargs, { type Argv, type InferredOptionTypes, type Options } from "yargs";
import { DEFAULT_LANGUAGE, LANGUAGES } from "../codegen/languages.js";
import { exitCodeOf, OptionError } from "../errors.js";
import { CELL_NAMES, DEFAULT_CELL } from "../model/cells.js";
import { DEFAULT_SCHEME, SCHEME_NAMES } from "../model/schemes.js";
import { RUN_MODES } from "../model/sequence.js";
import { FINETUNE_TARGETS, type FineTuneTarget } from "../model/model-file.js";
import { DIVERGENCE_FACTOR, FINETUNE_LR_DIVISOR, LOSS_KINDS, OPTIMIZERS, TRAIN_LIMITS } from "../train/api.js";
import { OPTIMIZE_LEVELS } from "../util/optimize.js";

const json = { json: { type: "boolean", default: false, describe: "print a machine-readable result on stdout" } } as const;
/** The `<model>` positional of every command that reads a model file. */
const modelPositional = { type: "string", demandOption: true, describe: "model file" } as const;

const trainFlags = {
  data: { type: "string", demandOption: true, describe: "training data (CSV with a header, or JSON array of records)" },
  target: { type: "string", demandOption: true, describe: "target column(s), comma separated" },
  features: { type: "string", describe: "input columns, comma separated (default: the target columns)" },
  window: { type: "number", demandOption: true, describe: "input rows per prediction (window mode) or per truncated-BPTT chunk (stream mode)" },
  horizon: { type: "number", default: 1, describe: "rows ahead the target lies" },
  cell: { choices: CELL_NAMES, default: DEFAULT_CELL, describe: "standard: PyTorch's nn.LSTM; seed: the seed's cell (h = s·o, no tanh)" },
  hidden: { type: "number", default: 16, describe: `hidden units per layer (at most ${TRAIN_LIMITS.hidden})` },
  layers: { type: "number", default: 1, describe: `stacked LSTM layers (at most ${TRAIN_LIMITS.layers})` },
  epochs: { type: "number", default: 50, describe: "passes over the training rows (fewer when early stopping ends it)" },
  lr: { type: "number", default: 0.01, describe: "learning rate" },
  optimizer: { choices: OPTIMIZERS, default: "adam", describe: "adam (β 0.9, 0.999) or plain sgd" },
  batch: { type: "number", default: 32, describe: "windows per update (window mode) or streams side by side (stream mode)" },
  seed: { type: "number", default: 1, describe: "random seed of the initial weights and the sample order" },
  val: { type: "number", default: 0.2, describe: "fraction of rows (the last ones) held out for validation" },
  mode: { choices: RUN_MODES, default: "window", describe: "window: each prediction runs the last --window rows from a reset state; stream: the state is carried from row to row" },
  loss: { choices: LOSS_KINDS, default: "mse", describe: "mse on the head's output, or hidden: the seed's squared error on h (no head)" },
  clip: { type: "number", default: 1, describe: "clip gradients to this global norm (0: off)" },
  patience: { type: "number", default: 10, describe: "early stopping: epochs without a better validation loss" },
  // 0, PyTorch's initialisation: on every bundled series it trained to a lower test RMSE than 1
  // (make forget-bias, bench/forget-bias.md: 3 seeds, all three series).
  "forget-bias": { type: "number", default: 0, describe: "initial forget-gate bias (0: measured better than 1 on every bundled series, bench/forget-bias.md)" },
  delta: { type: "boolean", default: false, describe: "predict each target's change from its last observed value (the targets must be features): for a trend or a drifting level" },
  "keep-diverged": { type: "boolean", default: false, describe: `write the model even when training diverged (a training loss over ${DIVERGENCE_FACTOR}× that of predicting the mean); otherwise exit 2` },
  out: { type: "string", demandOption: true, describe: "model file to write" },
  ...json,
} as const satisfies Record<string, Options>;

const predictFlags = {
  data: { type: "string", demandOption: true },
  engine: { choices: ["float", "fixed"] as const, default: "float" as "float" | "fixed" },
  out: { type: "string", demandOption: true, describe: "predictions CSV to write" },
  ...json,
} as const satisfies Record<string, Options>;

const quantizeFlags = {
  calib: { type: "string", demandOption: true, describe: "calibration data (usually the training CSV)" },
  data: { type: "string", describe: "held-out data to report accuracy on" },
  scheme: { choices: SCHEME_NAMES, default: DEFAULT_SCHEME },
  out: { type: "string", demandOption: true },
  finetune: { type: "number", describe: "fine-tune the float model this many epochs with the forward pass rounded as the scheme rounds (its own training data and options), then quantize it (integer schemes; needs --float-out)" },
  "float-out": { type: "string", describe: "with --finetune: the fine-tuned float model to write (the quantized file names it as its source)" },
  "finetune-target": { choices: FINETUNE_TARGETS, default: "float" as FineTuneTarget, describe: "with --finetune: train to the float model's outputs (float) or to the true targets (truth)" },
  "finetune-lr": { type: "number", describe: `with --finetune: learning rate (default: the model's training --lr ÷ ${FINETUNE_LR_DIVISOR})` },
  ...json,
} as const satisfies Record<string, Options>;

const generateFlags = {
  lang: { choices: LANGUAGES, default: DEFAULT_LANGUAGE, describe: "c: the C99 drop-in folder; ts: one TypeScript module, NAME.ts" },
  target: { type: "string", default: "cortex-m4", describe: "the target the C's banner and README name (C only)" },
  name: { type: "string", describe: "C identifier prefix, or the TypeScript module's name (default: from the file name)" },
  "float-io": { type: "boolean", default: false, describe: "also emit float helpers that apply the normalisation (C; the TypeScript module always has them)" },
  optimize: { choices: OPTIMIZE_LEVELS, describe: "what the C is built for: speed (-O2, kernels unrolled for the model's sizes) or size (-Os, compact kernels); default: the target's (C only)" },
  out: { type: "string", demandOption: true, describe: "folder to write" },
  ...json,
} as const satisfies Record<string, Options>;

const verifyFlags = {
  data: { type: "string", demandOption: true },
  target: { type: "string", default: "host", describe: "a target name, or all" },
  timeout: { type: "number", default: 120, describe: "seconds before a run is killed" },
  ...json,
} as const satisfies Record<string, Options>;

const benchFlags = {
  target: { type: "string", default: "cortex-m4", describe: "a QEMU target name, ts (the TypeScript module under Node), or all" },
  optimize: { choices: OPTIMIZE_LEVELS, describe: "generate and build for speed (-O2) or size (-Os); default: each target's" },
  ...json,
} as const satisfies Record<string, Options>;

const reportFlags = {
  data: { type: "string", demandOption: true, describe: "data to run the models on and score them against (with the target columns)" },
  float: { type: "string", describe: "the float model the files were quantized from (default: the one the first file names)" },
  target: { type: "string", default: "cortex-m4", describe: "where the C is verified besides the host, and benched (QEMU targets): a name, names separated by commas, or all" },
  timeout: { type: "number", default: 120, describe: "seconds before a verify run is killed" },
  out: { type: "string", demandOption: true, describe: "HTML file to write" },
  ...json,
} as const satisfies Record<string, Options>;

const importFlags = {
  out: { type: "string", demandOption: true, describe: "model file to write" },
  features: { type: "string", describe: "names of the network's inputs, comma separated (default: x0,x1,…)" },
  target: { type: "string", describe: "names of the network's outputs, comma separated (default: y0,y1,…)" },
  window: { type: "number", describe: "rows per prediction (default: the file's fixed time length; needed when it is dynamic)" },
  mode: { choices: RUN_MODES, describe: "default: window for a head on the last step, stream for a head on every step" },
  horizon: { type: "number", describe: "rows between the last input row and the row the output is for (default 0)" },
  "norm-data": { type: "string", describe: "fit the normalisation on this data (as train does) and fold it into the weights" },
  ...json,
} as const satisfies Record<string, Options>;

const exportFlags = {
  onnx: { type: "string", demandOption: true, describe: "ONNX file to write (raw units in and out)" },
  ...json,
} as const satisfies Record<string, Options>;

const exampleSeedFlags = {
  "x-dim": { type: "number", default: 50 },
  cells: { type: "number", default: 100 },
  targets: { type: "string", default: "-0.5,0.2,0.1,-0.5" },
  iters: { type: "number", default: 100 },
  lr: { type: "number", default: 0.1 },
  ...json,
} as const satisfies Record<string, Options>;

export type TrainArgs = InferredOptionTypes<typeof trainFlags>;
type WithModel<F extends Record<string, Options>> = InferredOptionTypes<F> & { model: string };
export type PredictArgs = WithModel<typeof predictFlags>;
export type QuantizeArgs = WithModel<typeof quantizeFlags>;
export type GenerateArgs = WithModel<typeof generateFlags>;
export type VerifyArgs = WithModel<typeof verifyFlags>;
export type BenchArgs = WithModel<typeof benchFlags>;
export type ReportArgs = InferredOptionTypes<typeof reportFlags> & { models: string[] };
export type ImportArgs = InferredOptionTypes<typeof importFlags> & { file: string };
export type ExportArgs = WithModel<typeof exportFlags>;
export type ExampleSeedArgs = InferredOptionTypes<typeof exampleSeedFlags>;

/** Loads ./commands/<name>.js and runs its `run` with the command's typed flags. */
function lazy<A>(name: string): (args: A) => Promise<void> {
  return async (args) => {
    const mod = (await import(`./commands/${name}.js`)) as { run: (args: A) => Promise<number> };
    process.exitCode = await mod.run(args);
  };
}

function commands(y: Argv): Argv {
  return y
    .command("train", "train a float64 LSTM on a CSV or JSON series", (c: Argv) => c.options(trainFlags), lazy<TrainArgs>("train"))
    .command("predict <model>", "run a model (float or fixed point) over a series and write predictions", (c: Argv) => c.positional("model", modelPositional).options(predictFlags), lazy<PredictArgs>("predict"))
    .command("quantize <model>", "calibrate and quantize a float model to fixed point", (c: Argv) => c.positional("model", modelPositional).options(quantizeFlags), lazy<QuantizeArgs>("quantize"))
    .command("generate <model>", "generate C99 (or a TypeScript module) for a quantized model", (c: Argv) => c.positional("model", modelPositional).options(generateFlags), lazy<GenerateArgs>("generate"))
    .command(
      "verify <model>",
      "build the generated code, run it (host, QEMU or Node) and require bit-exact parity with the simulator",
      (c: Argv) => c.positional("model", modelPositional).options(verifyFlags),
      lazy<VerifyArgs>("verify"),
    )
    .command(
      "import <file>",
      "read an LSTM trained elsewhere: ONNX (torch.onnx.export) or a Keras model in TensorFlow.js's layers format (model.json)",
      (c: Argv) => c.positional("file", { type: "string", demandOption: true, describe: "a .onnx file, or a TensorFlow.js model.json" }).options(importFlags),
      lazy<ImportArgs>("import"),
    )
    .command("export <model>", "write a float model as ONNX", (c: Argv) => c.positional("model", modelPositional).options(exportFlags), lazy<ExportArgs>("export"))
    .command("bench <model>", "count instructions per step and measure flash and RAM under QEMU; steps per second of the TypeScript module", (c: Argv) => c.positional("model", modelPositional).options(benchFlags), lazy<BenchArgs>("bench"))
    .command(
      "report <models..>",
      "write one self-contained HTML page: the model, its errors against float64 and the data, the C verified per target, and its cost",
      (c: Argv) => c.positional("models", { type: "string", array: true, demandOption: true, describe: "quantized model files (one per scheme, from one float model)" }).options(reportFlags),
      lazy<ReportArgs>("report"),
    )
    .command("example", "built-in examples", (c) =>
      c
        .command("seed", "reproduce the seed's minimal numpy LSTM example run", (s: Argv) => s.options(exampleSeedFlags), lazy<ExampleSeedArgs>("example-seed"))
        .demandCommand(1, "name an example: seed"),
    )
    .demandCommand(1, "name a command (see --help)");
}

/** `forgetBias` → `--forget-bias`: the flag a library option's value came from. */
export function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function messageOf(err: unknown): string {
  if (err instanceof OptionError) return `${flagOf(err.option)}: ${err.what}`;
  return (err as Error).message;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await commands(yargs(argv).scriptName("seqforge"))
      .strict()
      .recommendCommands()
      .help()
      .version()
      .wrap(100)
      .fail((msg, err) => {
        if (err) throw err;
        throw Object.assign(new Error(msg), { exitCode: 2 });
      })
      .parseAsync();
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    process.stderr.write(`seqforge: ${messageOf(err)}\n`);
    if (process.env.SEQFORGE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return exitCodeOf(err);
  }
}
