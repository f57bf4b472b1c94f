/**
 * `seqforge import FILE --out model.json`: an ONNX file or a TensorFlow.js layers model.json
 * (src/interop/) to a seqforge float model, written atomically; what the import assumed on
 * stderr, a summary on stdout (or `--json`).
 */
import { readSeriesFile } from "../../data/table.js";
import { importedModel, type ImportOptions } from "../../interop/imported-model.js";
import { readNetwork } from "../../interop/read-network.js";
import { saveFloatModel } from "../../model/model-file.js";
import { assertNotAnInput, assertWritablePath } from "../../util/atomic-write.js";
import { columnListFlag, intFlag, stringFlag } from "../flag-values.js";
import type { ImportArgs } from "../main.js";

export async function run(args: ImportArgs): Promise<number> {
  const file = stringFlag("file", args.file);
  const out = stringFlag("out", args.out);
  const options: ImportOptions = {
    features: args.features === undefined ? undefined : columnListFlag("features", args.features),
    targets: args.target === undefined ? undefined : columnListFlag("target", args.target),
    window: args.window === undefined ? undefined : intFlag("window", args.window, 1),
    mode: args.mode,
    horizon: args.horizon === undefined ? undefined : intFlag("horizon", args.horizon, 0),
  };
  const normData = args["norm-data"] === undefined ? undefined : stringFlag("norm-data", args["norm-data"]);
  if (normData !== undefined) {
    options.normData = (columns) => {
      const { series, hash } = readSeriesFile(normData, () => ({ names: columns, what: "requested" }));
      return { series, hash };
    };
  }
  assertNotAnInput(out, [{ path: file, what: "the network file" }, ...(normData === undefined ? [] : [{ path: normData, what: "the --norm-data file" }])]);
  assertWritablePath(out);

  const { network, hash } = readNetwork(file);
  const model = importedModel(network, options, { file, hash });
  saveFloatModel(model, out);
  for (const note of network.notes) process.stderr.write(`seqforge: note: ${note}\n`);

  const a = model.architecture;
  const s = model.source!;
  const result = {
    model: out,
    source: s,
    architecture: a,
    features: model.features,
    targets: model.targets,
    notes: network.notes,
  };
  if (args.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  } else {
    const opset = s.opset === null ? "" : `, opset ${s.opset}`;
    const norm = s.normalization.from === "data" ? `fitted on ${s.normalization.dataFile} and folded into the weights` : s.normalization.from === "graph" ? "from the file's Sub/Div and Mul/Add nodes" : "identity (the network's own units)";
    process.stdout.write(
      `wrote ${out}: LSTM ${a.layers}×${a.hiddenSize} from ${s.format} (${s.producer}${opset}), ${a.mode} mode, window ${a.window}, horizon ${a.horizon}\n` +
        `features ${model.features.join(",")} → targets ${model.targets.join(",")}; normalisation ${norm}\n`,
    );
  }
  return 0;
}
