/** `seqforge export MODEL --onnx out.onnx`: a float model as ONNX (src/interop/onnx/export-onnx.ts), written atomically. */
import { EXPORT_OPSET, exportOnnx } from "../../interop/onnx/export-onnx.js";
import { loadFloatModel } from "../../model/model-file.js";
import { assertNotAnInput, writeFileAtomic } from "../../util/atomic-write.js";
import { stringFlag } from "../flag-values.js";
import type { ExportArgs } from "../main.js";

export async function run(args: ExportArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const out = stringFlag("onnx", args.onnx);
  assertNotAnInput(out, [{ path: modelFile, what: "the model file" }], "onnx");
  const model = loadFloatModel(modelFile);
  const bytes = exportOnnx(model, modelFile);
  writeFileAtomic(out, bytes);
  const a = model.architecture;
  const x = ["T", "B", a.inputSize];
  const y = a.mode === "window" ? ["B", a.outputSize] : ["T", "B", a.outputSize];
  if (args.json) {
    process.stdout.write(JSON.stringify({ model: modelFile, onnx: out, bytes: bytes.length, opset: EXPORT_OPSET, lstmNodes: a.layers, x, y }, null, 2) + "\n");
  } else {
    process.stdout.write(`wrote ${out}: ${bytes.length} bytes, x [${x.join(", ")}] → y [${y.join(", ")}] in raw units, ${a.layers} LSTM node(s), opset ${EXPORT_OPSET}\n`);
  }
  return 0;
}
