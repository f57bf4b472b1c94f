/**
 * `quantize --finetune` without the command line (src/finetune/finetune.ts), on a small model
 * trained here on a synthetic series: the rounded forward pass is held to the integer simulator
 * (its loss before any update is the simulator's error against the float model), fine-tuning
 * must lower the quantized model's error against the ORIGINAL float model on the data it was
 * tuned on, the formats are kept, the quantized file names the fine-tuned model by the hash of
 * its bytes, and the same input gives the same bytes.
 */
import { describe, expect, it } from "vitest";
import type { Series } from "../../src/data/api.js";
import { normalizeModelSeries } from "../../src/data/model-data.js";
import { fineTuneForScheme, type FineTuneOptions } from "../../src/finetune/finetune.js";
import { floatEngine } from "../../src/model/float-engine.js";
import { parseFloatModel, type RunMode } from "../../src/model/model-file.js";
import type { IntegerScheme } from "../../src/model/schemes.js";
import { runSeries } from "../../src/model/sequence.js";
import { fixedEngine } from "../../src/quant/fixed-engine.js";
import type { TrainConfig } from "../../src/train/api.js";
import { fitModel } from "../../src/train/fit-model.js";
import { prepareSamples } from "../../src/train/samples.js";
import { trainLstm } from "../../src/train/trainer.js";
import { sha256 } from "../../src/util/hash.js";

const ROWS = 360;

/** Two sensors and a spiky third (rain-like: mostly 0, a wide normalised range), target the first one a row ahead. */
function series(): Series {
  const a = Float64Array.from({ length: ROWS }, (_, t) => 15 + 8 * Math.sin(t / 9) + 2 * Math.sin(t / 2.3));
  const b = Float64Array.from({ length: ROWS }, (_, t) => 1010 + 6 * Math.cos(t / 13 + 0.4));
  const c = Float64Array.from({ length: ROWS }, (_, t) => (t % 17 === 3 ? 12 : t % 7 === 0 ? 1 : 0));
  return { file: "synthetic.csv", rows: ROWS, columns: new Map([["temp", a], ["pressure", b], ["rain", c]]) };
}

const windowConfig: TrainConfig = {
  cell: "standard", hidden: 8, layers: 1, epochs: 40, lr: 0.01, optimizer: "adam", batch: 16, seed: 3,
  loss: "mse", clip: 1, patience: 10, forgetBias: 0, mode: "window", window: 6,
};
const windowSpec = { features: ["temp", "pressure", "rain"], targets: ["temp"], window: 6, horizon: 1, mode: "window" as const, val: 0.2 };
const flags = { data: "synthetic.csv", epochs: 40, lr: 0.01, optimizer: "adam", batch: 16, loss: "mse", clip: 1, patience: 10, "forget-bias": 0, val: 0.2 };

function setUp(mode: RunMode, scheme: IntegerScheme, delta = false): FineTuneOptions {
  const s = series();
  const spec = { ...windowSpec, mode, delta };
  const config = { ...windowConfig, mode };
  const { model } = fitModel({ series: s, spec, config, dataHash: "sha256:synthetic", flags, trainer: trainLstm });
  const calib = normalizeModelSeries({ series: s, hash: "sha256:synthetic", presentTargets: ["temp"] }, model);
  return {
    model,
    modelFile: "model.json",
    modelHash: "sha256:model",
    scheme,
    epochs: 6,
    target: "float",
    lr: 1e-4,
    training: { series: s, val: spec.val },
    calib,
    data: null,
    floatFile: "tuned.json",
  };
}

/** The quantized-before model's mean squared error against the float model over the training rows (window mode). */
function simulatorMse(o: FineTuneOptions, r: ReturnType<typeof fineTuneForScheme>, delta: boolean): number {
  const a = o.model.architecture;
  const split = prepareSamples(o.training.series, { ...windowSpec, delta }).split;
  const ref = runSeries(floatEngine(o.model), a, o.calib.inputs);
  const sim = runSeries(fixedEngine(r.before), a, o.calib.inputs);
  let se = 0, n = 0;
  ref.rows.forEach((row, k) => {
    if (row < split.train[0] || row >= split.train[1]) return;
    se += (sim.outputs[k]![0]! - ref.outputs[k]![0]!) ** 2;
    n++;
  });
  return se / n;
}

describe("fineTuneForScheme (w8a8, window mode)", () => {
  const o = setUp("window", "w8a8");
  const r = fineTuneForScheme(o);

  it("rounds as the simulator does: the loss before any update is the simulator's squared error against float64", () => {
    const simMse = simulatorMse(o, r, false);
    const rounded = r.summary.lossHistory[0]!.loss;
    expect(simMse).toBeGreaterThan(0);
    expect(Math.abs(rounded / simMse - 1)).toBeLessThan(0.2);
  });

  it("keeps the formats, and names the fine-tuned float model by the hash of the bytes to write", () => {
    expect(r.after.fixed!.x).toEqual(r.before.fixed!.x);
    expect(r.after.fixed!.layers.map((l) => [l.cFrac, l.hFrac, l.hBits])).toEqual(r.before.fixed!.layers.map((l) => [l.cFrac, l.hFrac, l.hBits]));
    expect(r.after.fixed!.head.outFrac).toBe(r.before.fixed!.head.outFrac);
    expect(r.after.source).toEqual({ modelFile: "tuned.json", modelHash: sha256(r.floatText) });
    const tuned = parseFloatModel(r.floatText, "tuned.json");
    expect(tuned).toEqual(r.model);
    expect(tuned.training!.fineTune).toMatchObject({ from: "sha256:model", scheme: "w8a8", target: "float", lr: 1e-4, epochs: 6, keptEpoch: r.summary.keptEpoch });
    // The quantized file's own accuracy is against the model it names, the fine-tuned one.
    const ref = runSeries(floatEngine(r.model), r.model.architecture, o.calib.inputs);
    const q = runSeries(fixedEngine(r.after), r.model.architecture, o.calib.inputs);
    const se = ref.outputs.reduce((s, y, k) => s + (q.outputs[k]![0]! - y[0]!) ** 2, 0);
    expect(r.after.accuracy.calib.rmse).toBeCloseTo(Math.sqrt(se / ref.outputs.length), 12);
  });

  it("is deterministic: the same input gives the same files", () => {
    const again = fineTuneForScheme(setUp("window", "w8a8"));
    expect(again.floatText).toBe(r.floatText);
    expect(JSON.stringify(again.after)).toBe(JSON.stringify(r.after));
  });
});

describe("fineTuneForScheme (w8a16, stream mode)", () => {
  it("lowers the quantized model's error against the original float model on the data it was tuned on", () => {
    const r = fineTuneForScheme(setUp("stream", "w8a16"));
    expect(r.summary.keptEpoch).toBeGreaterThan(0);
    expect(r.summary.calib.after.l2r).toBeLessThan(0.8 * r.summary.calib.before.l2r);
    expect(r.summary.calib.tunedFloat.l2r).toBeGreaterThan(0); // the float weights did move
  });
});

describe("fineTuneForScheme (a delta model, train --delta)", () => {
  it("trains the head on changes: the rounded loss before any update is the simulator's squared error", () => {
    const o = setUp("window", "w8a8", true);
    expect(o.model.architecture.delta).toEqual([0]);
    const r = fineTuneForScheme(o);
    // Teacher levels fed to a head that predicts changes would make this loss the size of the level itself.
    expect(Math.abs(r.summary.lossHistory[0]!.loss / simulatorMse(o, r, true) - 1)).toBeLessThan(0.2);
    expect(r.after.architecture.delta).toEqual([0]);
  });
});
