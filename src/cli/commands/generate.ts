/**
 * `seqforge generate model.q.json [--lang c|ts] [--target NAME] [--name NAME] [--float-io] --out DIR`:
 * the C model and its drop-in folder, or (`--lang ts`) the TypeScript module NAME.ts. Everything
 * is generated in memory first (a bad name or model fails before a file is touched), then each
 * file is written atomically.
 */
import { join } from "node:path";
import { defaultModelName, toCPrefix } from "../../codegen/identifier.js";
import { generateC, type GeneratedFile } from "../../codegen/generate.js";
import { sizeFigures } from "../../codegen/figures.js";
import { loadQuantModel, type QuantModel } from "../../model/quant-model-file.js";
import { assertNoOverflow } from "../../quant/overflow.js";
import { loadTarget, offsetWeightsOf } from "../../toolchain/targets.js";
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

async function generateFiles(model: QuantModel, args: GenerateArgs, name: string): Promise<GeneratedFile[]> {
  if (args.lang === "ts") {
    if (args["float-io"]) throw new OptionError("floatIo", "the TypeScript module always has quantizeInput and dequantizeOutput; the flag is for --lang c");
    if (args.optimize !== undefined) throw new OptionError("optimize", "the TypeScript module has one form; the flag chooses how the C is built (--lang c)");
    // ts-morph (the TypeScript compiler) loads only for --lang ts.
    const { generateTsModule } = await import("../../codegen/ts/module.js");
    return generateTsModule(model, { name });
  }
  const target = stringFlag("target", args.target);
  const described = loadTarget(target);
  const optimize = args.optimize ?? ("optimize" in described ? described.optimize : undefined);
  return generateC(model, { prefix: name, target, floatIo: args["float-io"], optimize, offsetWeights: offsetWeightsOf(target) });
}

export async function run(args: GenerateArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const out = stringFlag("out", args.out);
  const name = args.name === undefined ? prefixFromFileName(modelFile) : toCPrefix(stringFlag("name", args.name));
  const model = loadQuantModel(modelFile);
  // A file whose integers could overflow (edited and rehashed by hand) has no C that is defined.
  assertNoOverflow(model, modelFile);
  const files = await generateFiles(model, args, name);
  for (const f of files) assertNotAnInput(join(out, f.name), [{ path: modelFile, what: "the model file" }]);
  for (const f of files) writeFileAtomic(join(out, f.name), f.content);
  const fig = sizeFigures(model);
  if (args.json) {
    process.stdout.write(
      JSON.stringify(
        {
          out,
          name,
          lang: args.lang,
          scheme: model.scheme,
          files: files.map((f) => join(out, f.name)),
          // The C's memory figures; the TypeScript module's are in its banner.
          ...(args.lang === "c"
            ? { flashBytes: fig.flashBytes, ramBytes: fig.ramBytes, stateBytes: fig.stateBytes, scratchBytes: fig.scratchBytes, windowBytes: fig.windowBytes }
            : {}),
          macsPerStep: fig.macsPerStep,
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    process.stdout.write(`wrote ${files.map((f) => f.name).join(", ")} to ${out}\n`);
    if (args.lang === "c") {
      process.stdout.write(
        `${name}: ${model.scheme}, ${fig.flashBytes} bytes of constant data, ${fig.ramBytes} bytes of RAM (state ${fig.stateBytes} + scratch ${fig.scratchBytes})` +
          (fig.windowBytes ? `, window buffer ${fig.windowBytes}` : "") +
          "\n",
      );
    } else {
      process.stdout.write(`${name}: ${model.scheme}, ${fig.macsPerStep} MACs per step; import it as ./${name}.js\n`);
    }
  }
  return 0;
}
