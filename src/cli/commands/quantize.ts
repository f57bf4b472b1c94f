/**
 * `seqforge quantize model.json --calib data.csv [--scheme S] [--data heldout.csv] --out model.q.json`:
 * reads the float model and the data (I/O here), calls the pure quantizer (src/quant/quantize.ts),
 * writes the quantized file atomically, prints the quantization report (or `--json`).
 */
import { parseFloatModel } from "../../model/model-file.js";
import { loadNormalizedSeries } from "../../data/model-data.js";
import { saveQuantModel, withHash } from "../../model/quant-model-file.js";
import { quantizeModel } from "../../quant/quantize.js";
import { quantReport } from "../../quant/report.js";
import { sha256 } from "../../util/hash.js";
import { readInputBytes } from "../../util/read-input-file.js";
import { assertNotAnInput } from "../../util/atomic-write.js";
import { stringFlag } from "../flag-values.js";
import type { QuantizeArgs } from "../main.js";

export async function run(args: QuantizeArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const calibFile = stringFlag("calib", args.calib);
  const out = stringFlag("out", args.out);
  const dataFile = args.data === undefined ? null : stringFlag("data", args.data);
  const scheme = args.scheme;
  const inputs = [{ path: modelFile, what: "the model file" }, { path: calibFile, what: "the --calib file" }];
  assertNotAnInput(out, dataFile === null ? inputs : [...inputs, { path: dataFile, what: "the --data file" }]);
  const bytes = readInputBytes(modelFile, "model file");
  const model = parseFloatModel(bytes.toString("utf8"), modelFile);
  const calib = loadNormalizedSeries(calibFile, model);
  const data = dataFile === null ? null : loadNormalizedSeries(dataFile, model);
  process.stderr.write(`calibrating on ${calibFile} (${calib.rows} rows, ${model.architecture.mode} mode) and quantizing to ${scheme}…\n`);
  const q = withHash(quantizeModel({ model, scheme, source: { modelHash: sha256(bytes), modelFile }, calib, data }));
  saveQuantModel(q, out);
  if (args.json) {
    process.stdout.write(
      JSON.stringify({ out, scheme, hash: q.hash, calibration: q.calibration, accuracy: q.accuracy }, null, 2) + "\n",
    );
  } else {
    process.stdout.write(quantReport(q));
    process.stdout.write(`\nwrote ${out}\n`);
  }
  return 0;
}
