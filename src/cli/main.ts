/**
 * The command line: this file declares every command and its flags; each handler is a thin
 * module in ./commands/ that parses nothing itself and is loaded only when its command runs,
 * so `seqforge --help` starts fast. Errors thrown anywhere end here, as one line and an exit code.
 */
import yargs, { type Argv } from "yargs";
import { exitCodeOf } from "../errors.js";

export type Args = Record<string, unknown>;
type Handler = (args: Args) => Promise<number | void>;

/** Loads ./commands/<name>.js and runs its `run`. */
function lazy(name: string): (args: Args) => Promise<void> {
  return async (args) => {
    const mod = (await import(`./commands/${name}.js`)) as { run: Handler };
    const code = await mod.run(args);
    if (typeof code === "number") process.exitCode = code;
  };
}

const json = { json: { type: "boolean", default: false, describe: "print a machine-readable result on stdout" } } as const;

function commands(y: Argv): Argv {
  return y
    .command(
      "train",
      "train a float64 LSTM on a CSV or JSON series",
      (c) =>
        c.options({
          data: { type: "string", demandOption: true, describe: "training data (CSV with a header, or JSON array of records)" },
          target: { type: "string", demandOption: true, describe: "target column(s), comma separated" },
          features: { type: "string", describe: "input columns, comma separated (default: the target columns)" },
          window: { type: "number", demandOption: true, describe: "input rows per prediction (window mode) or per truncated-BPTT chunk (stream mode)" },
          horizon: { type: "number", default: 1, describe: "rows ahead the target lies" },
          cell: { choices: ["standard", "seed"] as const, default: "standard" as const },
          hidden: { type: "number", default: 16 },
          layers: { type: "number", default: 1 },
          epochs: { type: "number", default: 50 },
          lr: { type: "number", default: 0.01 },
          optimizer: { choices: ["adam", "sgd"] as const, default: "adam" as const },
          batch: { type: "number", default: 32 },
          seed: { type: "number", default: 1 },
          val: { type: "number", default: 0.2, describe: "fraction of rows (the last ones) held out for validation" },
          mode: { choices: ["window", "stream"] as const, default: "window" as const },
          loss: { choices: ["mse", "seed"] as const, default: "mse" as const, describe: "mse, or the seed's squared error on h[0]" },
          clip: { type: "number", default: 1, describe: "clip gradients to this global norm (0: off)" },
          patience: { type: "number", default: 10, describe: "early stopping: epochs without a better validation loss" },
          "forget-bias": { type: "number", default: 1, describe: "initial forget-gate bias" },
          out: { type: "string", demandOption: true, describe: "model file to write" },
          ...json,
        }),
      lazy("train"),
    )
    .command(
      "predict <model>",
      "run a model (float or fixed point) over a series and write predictions",
      (c) =>
        c
          .positional("model", { type: "string", demandOption: true })
          .options({
            data: { type: "string", demandOption: true },
            engine: { choices: ["float", "fixed"] as const, default: "float" as const },
            out: { type: "string", demandOption: true, describe: "predictions CSV to write" },
            ...json,
          }),
      lazy("predict"),
    )
    .command(
      "quantize <model>",
      "calibrate and quantize a float model to fixed point",
      (c) =>
        c
          .positional("model", { type: "string", demandOption: true })
          .options({
            calib: { type: "string", demandOption: true, describe: "calibration data (usually the training CSV)" },
            data: { type: "string", describe: "held-out data to report accuracy on" },
            scheme: { choices: ["w8a16", "w16a16", "w8a8", "f32"] as const, default: "w8a16" as const },
            out: { type: "string", demandOption: true },
            ...json,
          }),
      lazy("quantize"),
    )
    .command(
      "generate <model>",
      "generate C99 for a quantized model",
      (c) =>
        c
          .positional("model", { type: "string", demandOption: true })
          .options({
            target: { type: "string", default: "cortex-m4" },
            name: { type: "string", describe: "C identifier prefix (default: from the file name)" },
            "float-io": { type: "boolean", default: false, describe: "also emit float helpers that apply the normalisation" },
            out: { type: "string", demandOption: true, describe: "folder to write" },
            ...json,
          }),
      lazy("generate"),
    )
    .command(
      "verify <model>",
      "build the generated C, run it (host or QEMU) and require bit-exact parity with the simulator",
      (c) =>
        c
          .positional("model", { type: "string", demandOption: true })
          .options({
            data: { type: "string", demandOption: true },
            target: { type: "string", default: "host", describe: "a target name, or all" },
            timeout: { type: "number", default: 120, describe: "seconds before a run is killed" },
            ...json,
          }),
      lazy("verify"),
    )
    .command(
      "bench <model>",
      "count instructions per step and measure flash and RAM under QEMU",
      (c) =>
        c
          .positional("model", { type: "string", demandOption: true })
          .options({ target: { type: "string", default: "cortex-m4" }, ...json }),
      lazy("bench"),
    )
    .command("example", "built-in examples", (c) =>
      c
        .command(
          "seed",
          "reproduce the seed's minimal numpy LSTM example run",
          (s) =>
            s.options({
              "x-dim": { type: "number", default: 50 },
              cells: { type: "number", default: 100 },
              targets: { type: "string", default: "-0.5,0.2,0.1,-0.5" },
              iters: { type: "number", default: 100 },
              lr: { type: "number", default: 0.1 },
              ...json,
            }),
          lazy("example-seed"),
        )
        .demandCommand(1, "name an example: seed"),
    )
    .demandCommand(1, "name a command (see --help)");
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
    process.stderr.write(`seqforge: ${(err as Error).message}\n`);
    if (process.env.SEQFORGE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return exitCodeOf(err);
  }
}
