/**
 * `seqforge export --onnx`, checked by an independent runtime: onnxruntime-node runs the exported
 * graph on raw sensor rows and must give what `predict --engine float` gives, within 1e-5 of the
 * outputs' spread (the file stores float32). Importing the export gives back the same weights
 * (rounded to float32, as the file stores them), normalisation, columns and run mode.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { importedModel } from "../../src/interop/imported-model.js";
import { exportOnnx } from "../../src/interop/onnx/export-onnx.js";
import { readNetwork } from "../../src/interop/read-network.js";
import { floatEngine } from "../../src/model/float-engine.js";
import type { FloatModel } from "../../src/model/model-file.js";
import { predictSeries } from "../../src/data/predict-series.js";
import { loadSeries } from "../../src/data/series.js";
import { expectInputError, runCliAsync, tempDir } from "../cli/helpers.js";
import { csvText, floatModel, rawSeries } from "../verify/fixtures.js";
import { importCase, relativeToSpread, TORCH_CASES } from "./fixtures.js";

const dir = tempDir();
const ROWS = 30;

/** The float reference's predictions in data units on raw feature rows, one vector per predicted row. */
function reference(model: FloatModel, features: number[][]): { rows: number[]; outputs: number[][] } {
  const columns = new Map(model.features.map((name, k) => [name, Float64Array.from(features, (r) => r[k]!)]));
  const p = predictSeries({ ...model, engine: floatEngine(model) }, { file: "rows", rows: features.length, columns });
  return { rows: p.rows, outputs: p.rows.map((_, k) => p.values.map((v) => v[k]!)) };
}

/** onnxruntime on the exported file, fed as the run mode feeds the model: every window as one batch, or one stream. */
async function runtime(file: string, model: FloatModel, features: number[][]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(file);
  const a = model.architecture;
  const F = a.inputSize;
  const O = a.outputSize;
  if (a.mode === "window") {
    const N = a.window;
    const ends = features.map((_, t) => t).filter((t) => t >= N - 1 && t + a.horizon < features.length);
    const x = new Float32Array(N * ends.length * F);
    ends.forEach((end, b) => {
      for (let t = 0; t < N; t++) x.set(features[end - N + 1 + t]!, (t * ends.length + b) * F);
    });
    const { y } = await session.run({ x: new ort.Tensor("float32", x, [N, ends.length, F]) });
    const data = y!.data as Float32Array;
    return ends.map((_, b) => Array.from(data.subarray(b * O, (b + 1) * O)));
  }
  const T = features.length - a.horizon;
  const x = new Float32Array(T * F);
  for (let t = 0; t < T; t++) x.set(features[t]!, t * F);
  const { y } = await session.run({ x: new ort.Tensor("float32", x, [T, 1, F]) });
  const data = y!.data as Float32Array;
  return Array.from({ length: T }, (_, t) => Array.from(data.subarray(t * O, (t + 1) * O)));
}

const models: [name: string, make: () => FloatModel][] = [
  ["window mode, 2 layers, 2 outputs, non-trivial normalisation", () => floatModel({ mode: "window", inputSize: 3, hidden: 7, layers: 2, outputs: 2, window: 5, seed: 3 })],
  ["stream mode, 3 layers", () => floatModel({ mode: "stream", inputSize: 2, hidden: 5, layers: 3, outputs: 1, seed: 4 })],
  ["the seed cell (h = o·c: activation h = Affine 1, 0)", () => floatModel({ cell: "seed", mode: "window", inputSize: 2, hidden: 4, window: 3, seed: 6 })],
  ["an imported PyTorch model, horizon 0", () => importCase(TORCH_CASES[3]!)],
];

describe("export → onnxruntime equals predict --engine float", () => {
  for (const [name, make] of models) {
    it(name, async () => {
      const model = make();
      const file = join(dir, `${name.slice(0, 12).replaceAll(" ", "-")}.onnx`);
      writeFileSync(file, exportOnnx(model));
      const features = rawSeries(model, ROWS).features;
      const expected = reference(model, features);
      const actual = await runtime(file, model, features);
      expect(actual).toHaveLength(expected.outputs.length);
      expect(relativeToSpread(actual, expected.outputs)).toBeLessThan(1e-5);
      // The check can fail: the raw-unit outputs are not those of the normalised head.
      const normalised = expected.outputs.map((y) => y.map((v, o) => (v - model.normalization.output.mean[o]!) / model.normalization.output.scale[o]!));
      if (model.normalization.output.scale.some((s) => s !== 1)) expect(relativeToSpread(actual, normalised)).toBeGreaterThan(1e-2);
    });
  }
});

describe("export → import gives the same model", () => {
  for (const [name, make] of models) {
    it(name, () => {
      const model = make();
      const file = join(dir, `round-trip-${name.slice(0, 12).replaceAll(" ", "-")}.onnx`);
      writeFileSync(file, exportOnnx(model));
      const { network, hash } = readNetwork(file);
      const back = importedModel(network, {}, { file, hash });
      const f32 = (v: number[]) => v.map(Math.fround);
      expect(back.weights.layers).toEqual(model.weights.layers.map((l) => ({ wx: f32(l.wx), wh: f32(l.wh), b: f32(l.b) })));
      expect(back.weights.head).toEqual({ w: f32(model.weights.head.w), b: f32(model.weights.head.b) });
      const n = model.normalization;
      expect(back.normalization).toEqual({
        input: { mean: f32(n.input.mean), scale: f32(n.input.scale) },
        output: { mean: f32(n.output.mean), scale: f32(n.output.scale) },
      });
      expect([back.features, back.targets, back.architecture]).toEqual([model.features, model.targets, model.architecture]);
      expect(back.source).toMatchObject({ format: "onnx", producer: expect.stringMatching(/^seqforge \d/), opset: 17, normalization: { from: "graph" } });
    });
  }
});

describe("a new normalisation folded into an imported model with one of its own", () => {
  it("export → import --norm-data: the file's Sub/Div and Mul/Add replaced by a fit, the outputs unchanged", () => {
    const model = floatModel({ mode: "window", inputSize: 3, hidden: 6, layers: 2, outputs: 2, window: 4, seed: 8 });
    const file = join(dir, "refit.onnx");
    writeFileSync(file, exportOnnx(model));
    const csv = join(dir, "refit.csv");
    writeFileSync(csv, csvText(model, 60, 9));
    const { network, hash } = readNetwork(file);
    const refit = importedModel(network, { normData: (columns) => ({ series: loadSeries(csv, columns), hash: "sha256:refit" }) }, { file, hash });
    expect(refit.source!.normalization).toMatchObject({ from: "data", rows: 60 });
    expect(refit.normalization.input.mean).not.toEqual(network.normalization!.input.mean);
    const features = rawSeries(model, ROWS, 9).features;
    // Against the exported model as read back (float32 weights): only float64 rounding apart.
    const before = reference(importedModel(network, {}, { file, hash }), features).outputs;
    expect(relativeToSpread(reference(refit, features).outputs, before)).toBeLessThan(1e-12);
  });
});

describe("seqforge export (the compiled CLI)", () => {
  it("writes the ONNX file; a quantized model is refused with exit 2 and nothing written", async () => {
    const model = join(dir, "cli-model.json");
    writeFileSync(model, JSON.stringify(floatModel({ mode: "window", window: 4 })));
    const out = join(dir, "cli.onnx");
    const r = await runCliAsync(["export", model, "--onnx", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^wrote .*cli\.onnx: \d+ bytes, x \[T, B, 3\] → y \[B, 1\] in raw units, 1 LSTM node\(s\), opset 17$/);
    expect(readFileSync(out).length).toBeGreaterThan(1000);

    const quantized = join(dir, "cli.q.json");
    writeFileSync(quantized, JSON.stringify({ format: "seqforge-quant-model", version: 1 }));
    const never = join(dir, "never.onnx");
    expectInputError(await runCliAsync(["export", quantized, "--onnx", never]), /cli\.q\.json: field format: "seqforge-model" expected, found "seqforge-quant-model" \(a quantized model; give the float model/, never);

    // A delta model's output adds the last input back, which the graph does not: refused, not exported wrong.
    const delta = join(dir, "cli-delta.json");
    writeFileSync(delta, JSON.stringify(floatModel({ mode: "window", window: 4, delta: true })));
    expectInputError(await runCliAsync(["export", delta, "--onnx", never]), /cli-delta\.json: field architecture\.delta: a delta model \(train --delta\) is not exported to ONNX/, never);
  });
});
