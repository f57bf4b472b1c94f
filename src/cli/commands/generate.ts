/**
 * `seqforge generate model.q.json [--target NAME] [--name NAME] [--float-io] --out DIR`: the C
 * model and its drop-in folder. Everything is generated in memory first (a bad name or model
 * fails before a file is touched), then each file is written atomically.
 */
import { join } from "node:path";
import { defaultModelName, toCPrefix } from "../../codegen/identifier.js";
import { generateC } from "../../codegen/generate.js";
import { sizeFigures } from "../../codegen/figures.js";
import { loadQuantModel } from "../../model/quant-model-file.js";
import { loadTarget } from "../../toolchain/targets.js";
import { assertNotAnInput, writeFileAtomic } from "../../util/atomic-write.js";
import { OptionError } from "../../errors.js";
import { stringFlag } from "../flag-values.js";
import type { GenerateArgs } from "../main.js";

/** Without --name the file's name is the prefix; when it cannot be one, the message says so. */
function prefixFromFileName(modelFile: string): string {
  try {
    return toCPrefix(defaultModelName(modelFile));
  } catch (err) {
    if (err instanceof OptionError) throw new OptionError("name", `${err.what} (taken from the file name; give --name)`);
    throw err;
  }
}

export async function run(args: GenerateArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const out = stringFlag("out", args.out);
  const target = stringFlag("target", args.target);
  const prefix = args.name === undefined ? prefixFromFileName(modelFile) : toCPrefix(stringFlag("name", args.name));
  loadTarget(target);
  const model = loadQuantModel(modelFile);
  const files = generateC(model, { prefix, target, floatIo: args["float-io"] });
  for (const f of files) assertNotAnInput(join(out, f.name), [{ path: modelFile, what: "the model file" }]);
  for (const f of files) writeFileAtomic(join(out, f.name), f.content);
  const fig = sizeFigures(model);
  if (args.json) {
    process.stdout.write(
      JSON.stringify(
        {
          out,
          name: prefix,
          scheme: model.scheme,
          files: files.map((f) => join(out, f.name)),
          flashBytes: fig.flashBytes,
          ramBytes: fig.ramBytes,
          stateBytes: fig.stateBytes,
          scratchBytes: fig.scratchBytes,
          windowBytes: fig.windowBytes,
          macsPerStep: fig.macsPerStep,
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    process.stdout.write(`wrote ${files.map((f) => f.name).join(", ")} to ${out}\n`);
    process.stdout.write(
      `${prefix}: ${model.scheme}, ${fig.flashBytes} bytes of constant data, ${fig.ramBytes} bytes of RAM (state ${fig.stateBytes} + scratch ${fig.scratchBytes})` +
        (fig.windowBytes ? `, window buffer ${fig.windowBytes}` : "") +
        "\n",
    );
  }
  return 0;
}
