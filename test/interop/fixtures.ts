/**
 * The import fixtures (test/interop/fixtures/, written by `make import-fixtures`:
 * scripts/make-onnx-fixtures.py and scripts/make-keras-fixtures.ts): each case's model file, its
 * input rows (NAME.csv) and the source framework's outputs on them (NAME.expected.json); and the
 * import, prediction and comparison the tests share.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { join, resolve } from "node:path";
import { loadModelSeries } from "../../src/data/model-data.js";
import { predictSeries } from "../../src/data/predict-series.js";
import { importedModel, type ImportOptions } from "../../src/interop/imported-model.js";
import { readNetwork } from "../../src/interop/read-network.js";
import { floatEngine } from "../../src/model/float-engine.js";
import type { FloatModel } from "../../src/model/model-file.js";
import { runCliAsync } from "../cli/helpers.js";

export const FIXTURES = resolve(import.meta.dirname, "fixtures");

export interface Expected {
  source: string;
  features: string[];
  targets: string[];
  mode: "window" | "stream";
  window: number | null;
  dynamicAxes?: boolean;
  layers: number;
  hidden: number;
  /** The data row each output is for, and the framework's output there. */
  rows: number[];
  outputs: number[][];
}

export interface Case {
  name: string;
  /** The file to import: NAME.onnx, or NAME/model.json. */
  file: string;
  csv: string;
  expected: Expected;
}

function fixtureCase(name: string, file: string): Case {
  return { name, file: join(FIXTURES, file), csv: join(FIXTURES, `${name}.csv`), expected: JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), "utf8")) as Expected };
}

export const TORCH_CASES = [
  "torch-1layer-last",
  "torch-2layer-batchfirst-dynamic",
  "torch-stream-every-step",
  "torch-hidden64",
  "torch-3layer-stream-batchfirst",
  "torch-2layer-timemajor",
].map((n) => fixtureCase(n, `${n}.onnx`));

export const KERAS_CASES = ["keras-sigmoid-stacked", "keras-sigmoid-stream"].map((n) => fixtureCase(n, `${n}/model.json`));
export const KERAS_HARD_SIGMOID = ["keras-hard-sigmoid", "keras-hard-sigmoid-stacked-stream"].map((n) => fixtureCase(n, `${n}/model.json`));

/** The import flags a case needs: its column names, and its window when the file does not fix it. */
export function importFlags(c: Case): string[] {
  const e = c.expected;
  const window = e.mode === "window" && e.dynamicAxes ? ["--window", String(e.window)] : [];
  return ["--features", e.features.join(","), "--target", e.targets.join(","), ...window];
}

/** Imports a case in-process, as `seqforge import` with importFlags(c) does. */
export function importCase(c: Case, options: ImportOptions = {}): FloatModel {
  const e = c.expected;
  const { network, hash } = readNetwork(c.file);
  const window = e.mode === "window" && e.dynamicAxes ? e.window! : undefined;
  return importedModel(network, { features: e.features, targets: e.targets, window, ...options }, { file: c.file, hash });
}

/** The float reference's predictions (data units) on a CSV, as `predict --engine float` makes them. */
export function predictCsv(model: FloatModel, csv: string): { rows: number[]; outputs: number[][] } {
  const { series } = loadModelSeries(csv, model);
  const p = predictSeries({ ...model, engine: floatEngine(model) }, series);
  return { rows: p.rows, outputs: p.rows.map((_, k) => p.values.map((v) => v[k]!)) };
}

/** max |a − b| over every output, divided by the spread (max − min) of the expected outputs. */
export function relativeToSpread(actual: number[][], expected: number[][]): number {
  const flat = expected.flat();
  const spread = Math.max(...flat) - Math.min(...flat);
  let worst = 0;
  expected.forEach((row, k) => row.forEach((v, o) => (worst = Math.max(worst, Math.abs(actual[k]![o]! - v)))));
  return worst / spread;
}

/** A predictions CSV (`row,<target…>`) as rows and output vectors. */
export function readPredictions(file: string): { rows: number[]; outputs: number[][] } {
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  const values = lines.map((l) => l.split(",").map(Number));
  return { rows: values.map((v) => v[0]!), outputs: values.map((v) => v.slice(1)) };
}

/** import, then quantize to `scheme` on the case's rows; the quantized file and quantize's report. */
export async function importAndQuantize(c: Case, scheme: string, folder: string): Promise<{ quantized: string; report: string }> {
  const model = join(folder, `${c.name}.json`);
  const imported = await runCliAsync(["import", c.file, "--out", model, ...importFlags(c)]);
  expect(imported.code, imported.stderr).toBe(0);
  const quantized = join(folder, `${c.name}.${scheme}.q.json`);
  const q = await runCliAsync(["quantize", model, "--calib", c.csv, "--data", c.csv, "--scheme", scheme, "--out", quantized]);
  expect(q.code, q.stderr).toBe(0);
  return { quantized, report: q.stdout };
}
