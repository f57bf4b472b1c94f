#!/usr/bin/env node
/**
 * How close import and export come to the frameworks, per fixture: the largest difference
 * between the float reference on the imported model and the framework's own outputs
 * (test/interop/fixtures/NAME.expected.json), divided by the spread (max − min) of those outputs;
 * and the same between onnxruntime on `export`'s file and the float reference. The tests hold both
 * below 1e-5; this prints the figures.
 *
 *   make import-parity   (node build/scripts/import-parity.js, from the repository root)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { loadModelSeries } from "../src/data/model-data.js";
import { predictSeries } from "../src/data/predict-series.js";
import { importedModel } from "../src/interop/imported-model.js";
import { exportOnnx } from "../src/interop/onnx/export-onnx.js";
import { readNetwork } from "../src/interop/read-network.js";
import { floatEngine } from "../src/model/float-engine.js";
import type { FloatModel } from "../src/model/model-file.js";

const FIXTURES = resolve("test", "interop", "fixtures");

interface Expected {
  features: string[];
  targets: string[];
  mode: "window" | "stream";
  window: number | null;
  dynamicAxes?: boolean;
  rows: number[];
  outputs: number[][];
}

function relativeToSpread(actual: number[][], expected: number[][]): number {
  const flat = expected.flat();
  const spread = Math.max(...flat) - Math.min(...flat);
  let worst = 0;
  expected.forEach((row, k) => row.forEach((v, o) => (worst = Math.max(worst, Math.abs(actual[k]![o]! - v)))));
  return worst / spread;
}

function predict(model: FloatModel, csv: string): { rows: number[]; outputs: number[][]; features: number[][] } {
  const { series } = loadModelSeries(csv, model);
  const p = predictSeries({ ...model, engine: floatEngine(model) }, series);
  const columns = model.features.map((f) => series.columns.get(f)!);
  return {
    rows: p.rows,
    outputs: p.rows.map((_, k) => p.values.map((v) => v[k]!)),
    features: Array.from({ length: series.rows }, (_, t) => columns.map((c) => c[t]!)),
  };
}

/** onnxruntime on the export, fed as the run mode feeds the model (horizon 0: every window ending at a predicted row, or one stream). */
async function runtime(file: string, model: FloatModel, features: number[][], rows: number[]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(file);
  const { inputSize: F, outputSize: O, window: N } = model.architecture;
  const windowed = model.architecture.mode === "window";
  const T = windowed ? N : features.length;
  const B = windowed ? rows.length : 1;
  const x = new Float32Array(T * B * F);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) x.set(features[windowed ? rows[b]! - N + 1 + t : t]!, (t * B + b) * F);
  const { y } = await session.run({ x: new ort.Tensor("float32", x, [T, B, F]) });
  const data = y!.data as Float32Array;
  return Array.from({ length: windowed ? B : T }, (_, k) => Array.from(data.subarray(k * O, (k + 1) * O)));
}

const names = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".expected.json"))
  .map((f) => f.replace(/\.expected\.json$/, ""));
const work = mkdtempSync(join(tmpdir(), "seqforge-parity-"));
const lines = ["| fixture | imported vs framework | export on onnxruntime vs predict |", "| --- | ---: | ---: |"];
for (const name of names) {
  const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), "utf8")) as Expected;
  const file = existsSync(join(FIXTURES, `${name}.onnx`)) ? join(FIXTURES, `${name}.onnx`) : join(FIXTURES, name, "model.json");
  const csv = join(FIXTURES, `${name}.csv`);
  let network;
  try {
    network = readNetwork(file);
  } catch (err) {
    lines.push(`| ${name} | refused: ${(err as Error).message.slice(file.length + 2)} | |`);
    continue;
  }
  const window = expected.mode === "window" && expected.dynamicAxes ? expected.window! : undefined;
  const model = importedModel(network.network, { features: expected.features, targets: expected.targets, window }, { file, hash: network.hash });
  const p = predict(model, csv);
  const onnx = join(work, `${name}.onnx`);
  writeFileSync(onnx, exportOnnx(model));
  const ortOut = await runtime(onnx, model, p.features, p.rows);
  lines.push(`| ${name} | ${relativeToSpread(p.outputs, expected.outputs).toExponential(2)} | ${relativeToSpread(ortOut, p.outputs).toExponential(2)} |`);
}
rmSync(work, { recursive: true, force: true });
process.stdout.write(`max |difference| / spread of the expected outputs\n\n${lines.join("\n")}\n`);
