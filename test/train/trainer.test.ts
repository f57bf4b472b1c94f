/**
 * trainLstm end to end on a synthetic task (phase-shifted sines, ./synthetic.ts): it learns in
 * window and stream mode, is deterministic, clips, and early stopping keeps the best epoch.
 */
import { describe, expect, it } from "vitest";
import { createFloatState, floatStep } from "../../src/model/float-lstm.js";
import type { SampleSet, TrainConfig, WindowSamples } from "../../src/train/api.js";
import { fromModelWeights, paramLayout } from "../../src/train/layout.js";
import { clipGlobalNorm, sgd } from "../../src/train/optimizer.js";
import { windowInputs } from "../../src/train/samples.js";
import { trainLstm } from "../../src/train/trainer.js";
import { TrainingStep } from "../../src/train/training-step.js";
import { resetState } from "../../src/train/workspace.js";
import { floatModelOf, randomArray, randomParams } from "./fixtures.js";
import { sineStream, sineWindows } from "./synthetic.js";

const BASE: TrainConfig = {
  cell: "standard",
  hidden: 8,
  layers: 1,
  epochs: 30,
  lr: 0.02,
  optimizer: "adam",
  batch: 16,
  seed: 3,
  loss: "mse",
  clip: 1,
  patience: 0,
  forgetBias: 1,
  mode: "window",
  window: 8,
};

/** Mean squared error of a model (weights from trainLstm) over windows, with the float reference. */
function windowMse(result: ReturnType<typeof trainLstm>, cfg: TrainConfig, s: WindowSamples): number {
  const lay = paramLayout({ inputSize: s.inputSize, hidden: cfg.hidden, layers: cfg.layers, outputSize: s.outputSize });
  const model = floatModelOf(fromModelWeights(result, lay), lay, cfg.cell, cfg.window);
  const y = new Float64Array(s.outputSize);
  let se = 0;
  s.start.forEach((_, i) => {
    const x = windowInputs(s, i);
    const st = createFloatState(model.architecture);
    for (let t = 0; t < cfg.window; t++) floatStep(model, st, x.subarray(t * s.inputSize, (t + 1) * s.inputSize), y);
    for (let q = 0; q < s.outputSize; q++) se += (y[q]! - s.y[i * s.outputSize + q]!) ** 2;
  });
  return se / (s.start.length * s.outputSize);
}

/** Validation loss of the initial weights: one epoch at a learning rate too small to move them. */
function untrained(cfg: TrainConfig, train: SampleSet, val: SampleSet): number {
  return trainLstm({ ...cfg, epochs: 1, lr: 1e-15 }, train, val).lossHistory[0]!.valLoss!;
}

describe("learning the phase-shifted sines", () => {
  // The target has variance 0.5: a model that learned nothing scores ≈ 0.5.
  it("window mode: validation MSE falls from > 0.1 (initial weights) below 1e-3 in 10 epochs", () => {
    const train = sineWindows(0, 400, 8);
    const val = sineWindows(1000, 100, 8);
    expect(untrained(BASE, train, val)).toBeGreaterThan(0.1);
    const res = trainLstm({ ...BASE, epochs: 10 }, train, val);
    expect(res.lossHistory.at(-1)!.valLoss!).toBeLessThan(1e-3);
  });

  it("stream mode (truncated BPTT, state carried, 4 parallel streams): validation MSE falls from > 0.1 below 2e-3 in 10 epochs", () => {
    const cfg: TrainConfig = { ...BASE, mode: "stream", batch: 4, window: 10, epochs: 10 };
    const train = sineStream(0, 1600);
    const val = sineStream(3000, 300);
    expect(untrained(cfg, train, val)).toBeGreaterThan(0.1);
    const res = trainLstm(cfg, train, val);
    expect(res.lossHistory.at(-1)!.valLoss!).toBeLessThan(2e-3);
  });

  it("the seed cell with the seed loss learns too (SGD, no head): below 2e-3 in 15 epochs", () => {
    const cfg: TrainConfig = { ...BASE, cell: "seed", loss: "hidden", optimizer: "sgd", lr: 0.1, clip: 0, epochs: 15 };
    const train = sineWindows(0, 400, 8);
    const val = sineWindows(1000, 100, 8);
    expect(untrained(cfg, train, val)).toBeGreaterThan(0.1);
    const res = trainLstm(cfg, train, val);
    // The seed loss per window is one squared error here (one output, last step): it is the MSE.
    expect(res.lossHistory.at(-1)!.valLoss!).toBeLessThan(2e-3);
    // The head is written as the selection of h[0], so the float reference predicts what was trained.
    expect(windowMse(res, cfg, val)).toBeCloseTo(res.lossHistory[res.bestEpoch! - 1]!.valLoss!, 12);
  });
});

describe("determinism", () => {
  it("the same config, data and seed give the same weights bit for bit; another seed does not", () => {
    const cfg: TrainConfig = { ...BASE, epochs: 3 };
    const data = sineWindows(0, 100, 8);
    const a = trainLstm(cfg, data, null);
    const b = trainLstm(cfg, data, null);
    const c = trainLstm({ ...cfg, seed: 4 }, data, null);
    expect(b.layers).toEqual(a.layers);
    expect(b.head).toEqual(a.head);
    expect(b.lossHistory).toEqual(a.lossHistory);
    expect(c.layers[0]!.wx).not.toEqual(a.layers[0]!.wx);
  });
});

describe("gradient clipping", () => {
  it("scales the gradient to the given global norm, keeping its direction", () => {
    const g = Float64Array.of(3, -4, 12); // norm 13
    const norm = clipGlobalNorm(g, 6.5);
    expect(norm).toBe(13);
    expect(Array.from(g)).toEqual([1.5, -2, 6]);
    const small = Float64Array.of(0.3, 0.4);
    clipGlobalNorm(small, 1);
    expect(Array.from(small)).toEqual([0.3, 0.4]);
  });

  it("an update with clipping moves the weights by lr·clip along the gradient direction", () => {
    const lay = paramLayout({ inputSize: 2, hidden: 3, layers: 1, outputSize: 1 });
    const p = randomParams(lay, 1);
    const before = Float64Array.from(p);
    const clip = 1e-3;
    const step = new TrainingStep(lay, { cell: "standard", loss: { kind: "mse", every: true }, maxBatch: 1, maxSteps: 4, clip }, p, sgd(0.5));
    step.ws.x.set(randomArray(8, 2));
    step.ws.target.set(randomArray(4, 3));
    resetState(step.ws, 1);
    step.gradient(1, 4);
    const g = Float64Array.from(step.grad);
    const gNorm = Math.hypot(...g);
    expect(gNorm).toBeGreaterThan(clip * 10); // so that clipping acts
    p.set(before);
    resetState(step.ws, 1);
    step.update(1, 4);
    expect(step.lastGradNorm).toBeCloseTo(gNorm, 12);
    const moved = Math.hypot(...p.map((v, i) => v - before[i]!));
    expect(moved).toBeCloseTo(0.5 * clip, 12);
    p.forEach((v, i) => expect(before[i]! - v).toBeCloseTo((0.5 * clip * g[i]!) / gNorm, 15));
  });
});

describe("early stopping", () => {
  // Validation targets are the negated training targets: the better the fit, the worse the
  // validation loss, so the best epoch comes early and patience must stop the run.
  const train = sineWindows(0, 200, 8);
  const val = sineWindows(0, 200, 8, -1);
  const cfg: TrainConfig = { ...BASE, epochs: 40, patience: 4 };

  it("stops `patience` epochs after the best one and returns that epoch's weights", () => {
    const seen: number[] = [];
    const res = trainLstm(cfg, train, val, (r, total) => {
      expect(total).toBe(40);
      seen.push(r.epoch);
    });
    const vals = res.lossHistory.map((r) => r.valLoss!);
    const bestIdx = vals.indexOf(Math.min(...vals));
    expect(res.bestEpoch).toBe(bestIdx + 1);
    expect(res.lossHistory.length).toBe(res.bestEpoch! + cfg.patience);
    expect(res.lossHistory.length).toBeLessThan(cfg.epochs);
    expect(seen).toEqual(res.lossHistory.map((r) => r.epoch));
    // The weights returned give the best epoch's validation loss, not the last epoch's.
    const kept = windowMse(res, cfg, val);
    expect(kept).toBeCloseTo(vals[bestIdx]!, 12);
    expect(Math.abs(kept - vals.at(-1)!)).toBeGreaterThan(1e-6);
  });

  it("without validation data keeps the last weights and reports no best epoch", () => {
    const res = trainLstm({ ...cfg, epochs: 3 }, train, null);
    expect(res.bestEpoch).toBeNull();
    expect(res.lossHistory.map((r) => r.valLoss)).toEqual([null, null, null]);
  });
});
