/**
 * `seqforge predict MODEL --data test.csv [--engine float|fixed] --out predictions.csv`.
 * The model file's `format` chooses how it is opened; the opened model gives a StepEngine, and
 * from there every engine runs through the same code (src/data/predict-series.ts), so the float
 * reference and the fixed-point simulator are compared like with like.
 */
import { InputError } from "../../errors.js";
import { floatEngine } from "../../model/float-engine.js";
import { MODEL_FORMAT, parseFloatModel } from "../../model/model-file.js";
import { predictSeries, scoreLines, scorePredictions, type Predictions, type RunnableModel } from "../../data/predict-series.js";
import { seriesBaselinePredictions, type StoredBaseline } from "../../data/linear-baseline.js";
import { loadModelSeries } from "../../data/model-data.js";
import { assertNotAnInput, writeFileAtomic } from "../../util/atomic-write.js";
import { fixedEngine, parseQuantModel, QUANT_FORMAT } from "../../quant/index.js";
import { readInputFile } from "../../util/read-input-file.js";
import { stringFlag } from "../flag-values.js";
import type { PredictArgs } from "../main.js";

export type EngineName = PredictArgs["engine"];

/** The `format` field of a model file, or undefined when the text is not a JSON object (the parser then says why). */
function formatOf(text: string): unknown {
  try {
    const raw: unknown = JSON.parse(text);
    return typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>).format : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens a model file for an engine, choosing by the file's `format`: a float model
 * (`seqforge-model`) runs on the float64 reference, a quantized one (`seqforge-quant-model`) on
 * the fixed-point simulator (or float32 for scheme f32); everything after this function is shared.
 */
export function openModel(file: string, engine: EngineName): RunnableModel & { linearBaseline?: StoredBaseline } {
  const text = readInputFile(file, "model file");
  switch (formatOf(text)) {
    case QUANT_FORMAT: {
      const model = parseQuantModel(text, file);
      if (engine !== "fixed") {
        throw new InputError("--engine", "", `${engine} runs a float model; ${file} is a quantized model (${QUANT_FORMAT}, scheme ${model.scheme}): use --engine fixed`);
      }
      return { ...model, engine: fixedEngine(model) };
    }
    case MODEL_FORMAT:
    default: {
      // Any other format fails inside parseFloatModel with a message naming the format found.
      const model = parseFloatModel(text, file);
      if (engine !== "float") {
        throw new InputError("--engine", "", `${engine} runs a quantized model; ${file} is a float model (${MODEL_FORMAT}): quantize it first (seqforge quantize), or use --engine float`);
      }
      return { ...model, engine: floatEngine(model), linearBaseline: model.training?.linearBaseline };
    }
  }
}

/** Writes a cell of the predictions CSV, quoting a name that holds a separator or a quote. */
function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** `row,<target...>` then one line per prediction; numbers as the shortest text that reads back to the same double. */
export function predictionsCsv(targets: readonly string[], pred: Predictions): string {
  const lines = [["row", ...targets].map(csvCell).join(",")];
  pred.rows.forEach((j, k) => lines.push([j, ...pred.values.map((v) => v[k]!)].map(String).join(",")));
  return lines.join("\n") + "\n";
}

export async function run(args: PredictArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const data = stringFlag("data", args.data);
  const out = stringFlag("out", args.out);
  assertNotAnInput(out, [{ path: modelFile, what: "the model file" }, { path: data, what: "the --data file" }]);
  const model = openModel(modelFile, args.engine);
  const a = model.architecture;

  const { series } = loadModelSeries(data, model);

  const pred = predictSeries(model, series);
  writeFileAtomic(out, predictionsCsv(model.targets, pred));

  // The linear AR baseline the float model's training fitted (none in a quantized file, or a model trained before it).
  const stored = model.linearBaseline;
  const linear = stored ? seriesBaselinePredictions(stored, series, model, pred.rows, a.window, a.horizon) : null;
  const scores = scorePredictions(pred, series, model.targets, a.horizon, 0, linear);
  if (args.json) {
    const summary = {
      model: modelFile,
      data,
      engine: args.engine,
      out,
      predictions: pred.rows.length,
      firstRow: pred.rows[0] ?? null,
      targets: scores.map((s) => ({
        target: s.target,
        rmse: s.rmse,
        mae: s.mae,
        persistenceRmse: s.persistence?.rmse ?? null,
        persistenceMae: s.persistence?.mae ?? null,
        linearRmse: s.linear?.baseline.rmse ?? null,
      })),
    };
    process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
  } else {
    process.stdout.write(`wrote ${out}: ${pred.rows.length} predictions (rows ${pred.rows[0]}…${pred.rows[pred.rows.length - 1]})\n`);
    for (const s of scores) {
      for (const line of scoreLines(s.target, s, a.window)) process.stdout.write(line + "\n");
    }
  }
  return 0;
}
