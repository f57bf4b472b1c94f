/**
 * Quantization-aware fine-tuning's trainer side (src/train/fake-quant.ts), each part against
 * something independent of it:
 *   - with nothing rounded, fine-tuning is plain training (TrainingStep.update over the same
 *     passes and sample order), bit for bit;
 *   - with the weights rounded and the activations not, the straight-through gradient is the
 *     float network's gradient at the rounded weights, which central finite differences of the
 *     loss at those weights confirm;
 *   - the rounded weights are what the quantizer's per-row rule gives (on the integer grid, the
 *     row's largest at ±qmax, folded columns on their own grid);
 *   - where the forward pass saturates h, no gradient flows back through it.
 */
import { describe, expect, it } from "vitest";
import type { CellKind } from "../../src/model/model-file.js";
import type { SampleSet, TrainConfig } from "../../src/train/api.js";
import { fineTuneLstm, QuantAwareStep, roundWeights, type FakeQuantSpec } from "../../src/train/fake-quant.js";
import { fromModelWeights, paramLayout } from "../../src/train/layout.js";
import { adam, sgd } from "../../src/train/optimizer.js";
import { TrainRng } from "../../src/train/rng.js";
import { streamPass, windowPass } from "../../src/train/trainer.js";
import { TrainingStep } from "../../src/train/training-step.js";
import { resetState } from "../../src/train/workspace.js";
import { randomArray, randomParams } from "./fixtures.js";
import { sineStream, sineWindows } from "./synthetic.js";

const H = 4;

function config(cell: CellKind, mode: "window" | "stream", optimizer: "adam" | "sgd", clip: number): TrainConfig {
  return { cell, hidden: H, layers: 2, epochs: 1, lr: 0.01, optimizer, batch: 5, seed: 7, loss: "mse", clip, patience: 0, forgetBias: 0, mode, window: 6 };
}

/** Plain training from `start`: the trainer's passes and sample order, TrainingStep.update. */
function plainTraining(c: TrainConfig, epochs: number, train: SampleSet, start: Float64Array): Float64Array {
  const lay = paramLayout({ inputSize: train.inputSize, hidden: c.hidden, layers: c.layers, outputSize: train.outputSize });
  const optimizer = c.optimizer === "adam" ? adam(c.lr, lay.size) : sgd(c.lr);
  const spec = { kind: c.loss, every: c.mode === "stream" };
  const step = new TrainingStep(lay, { cell: c.cell, loss: spec, maxBatch: c.batch, maxSteps: c.window, clip: c.clip }, null, optimizer);
  step.params.set(start);
  const rng = new TrainRng(c.seed);
  const order = train.kind === "window" ? Uint32Array.from(train.start, (_, i) => i) : null;
  const update = (nb: number, steps: number) => step.update(nb, steps);
  for (let e = 0; e < epochs; e++) {
    if (train.kind === "window") {
      rng.shuffle(order!);
      windowPass(step.ws, train, order, c.batch, c.window, spec, update);
    } else {
      streamPass(step.ws, train, c.batch, c.window, spec, update);
    }
  }
  return Float64Array.from(step.params);
}

describe("fine-tuning with nothing rounded", () => {
  it.each([
    ["standard", "window", "adam", 1],
    ["seed", "window", "sgd", 0],
    ["standard", "stream", "sgd", 0],
    ["seed", "stream", "adam", 0.5],
  ] as const)("equals plain training bit for bit (%s cell, %s mode, %s, clip %s)", (cell, mode, optimizer, clip) => {
    const c = config(cell, mode, optimizer, clip);
    const train = mode === "window" ? sineWindows(0, 23, c.window) : sineStream(0, 47);
    const lay = paramLayout({ inputSize: 2, hidden: H, layers: 2, outputSize: 1 });
    const start = randomParams(lay, 3, 0.4);
    const tuned = fineTuneLstm(c, 3, train, null, start, null);
    const plain = plainTraining(c, 3, train, start);
    expect(tuned.keptEpoch).toBe(3); // no validation: the last epoch
    expect(Array.from(fromModelWeights(tuned, lay))).toEqual(Array.from(plain));
    expect(plain.some((v, i) => v !== start[i])).toBe(true);
  });
});

const I = 3, L = 2, O = 2, NB = 2, STEPS = 5;

function int8Weights(lay: ReturnType<typeof paramLayout>): FakeQuantSpec {
  return { weightMax: 127, inputFold: [1, 2, 8].slice(0, lay.inputSize), activations: null };
}

describe("rounded weights", () => {
  const lay = paramLayout({ inputSize: I, hidden: H, layers: L, outputSize: O });
  const master = randomParams(lay, 11, 0.6);
  const spec = int8Weights(lay);
  const rounded = new Float64Array(lay.size);
  roundWeights(spec, lay, master, rounded);

  it("lie on each row's integer grid, the row's largest at ±qmax, and within half a step of the float weight", () => {
    const check = (off: number, rows: number, cols: number, fold: number[] | null) => {
      for (let r = 0; r < rows; r++) {
        const row = Array.from({ length: cols }, (_, k) => master[off + r * cols + k]! * (fold ? fold[k]! : 1));
        const s = Math.max(...row.map(Math.abs)) / 127;
        const q = row.map((_, k) => (rounded[off + r * cols + k]! * (fold ? fold[k]! : 1)) / s);
        for (let k = 0; k < cols; k++) {
          expect(Math.abs(q[k]! - Math.round(q[k]!))).toBeLessThan(1e-9);
          expect(Math.abs(q[k]! - row[k]! / s)).toBeLessThanOrEqual(0.5 + 1e-9);
        }
        expect(Math.max(...q.map((v) => Math.round(Math.abs(v))))).toBe(127);
      }
    };
    lay.layer.forEach((o, l) => {
      check(o.wx, 4 * H, o.inputSize, l === 0 ? spec.inputFold : null);
      check(o.wh, 4 * H, H, null);
      expect(Array.from(rounded.subarray(o.b, o.b + 4 * H))).toEqual(Array.from(master.subarray(o.b, o.b + 4 * H)));
    });
    check(lay.headW, O, H, null);
  });

  it.each(["standard", "seed"] as const)("get the gradient of the float network at the rounded weights, which finite differences confirm (%s cell)", (cell) => {
    const stepConfig = { cell, loss: { kind: "mse" as const, every: true }, maxBatch: NB + 1, maxSteps: STEPS + 1, clip: 0 };
    const qs = new QuantAwareStep(lay, stepConfig, master, spec, sgd(0.1));
    const plain = new TrainingStep(lay, stepConfig, Float64Array.from(rounded), sgd(0.1));
    const x = randomArray(STEPS * NB * I, 12, 1.5);
    const target = randomArray(STEPS * NB * O, 13, 1);
    for (const s of [qs.step, plain]) {
      s.ws.x.set(x);
      s.ws.target.set(target);
      resetState(s.ws, NB);
    }
    qs.gradient(NB, STEPS);
    plain.gradient(NB, STEPS);
    expect(Array.from(qs.step.grad)).toEqual(Array.from(plain.grad));

    // Central differences of the float loss around the rounded weights.
    const p = plain.params;
    const eps = 1e-5;
    let diff = 0, sum = 0;
    for (let i = 0; i < p.length; i++) {
      const keep = p[i]!;
      p[i] = keep + eps;
      resetState(plain.ws, NB);
      const up = plain.evaluate(NB, STEPS);
      p[i] = keep - eps;
      resetState(plain.ws, NB);
      const down = plain.evaluate(NB, STEPS);
      p[i] = keep;
      const n = (up - down) / (2 * eps);
      const a = qs.step.grad[i]!;
      diff += (a - n) ** 2;
      sum += (a + n) ** 2;
    }
    expect(sum).toBeGreaterThan(0);
    expect(Math.sqrt(diff / sum)).toBeLessThan(1e-6);
  });
});

describe("rounded activations", () => {
  const lay = paramLayout({ inputSize: I, hidden: H, layers: 1, outputSize: O });
  const master = randomParams(lay, 21, 0.8);

  /** The gradient with h on a grid so coarse that `hFrac` decides whether h saturates. */
  function gradient(hGrid: { frac: number; bits: 8 | 16 }) {
    const spec: FakeQuantSpec = {
      weightMax: 127,
      inputFold: [1, 1, 1],
      activations: { inputs: [0, 1, 2].map(() => ({ frac: 5, bits: 8 as const })), layers: [{ c: { frac: 12, bits: 16 }, h: hGrid }], gateFrac: 15 },
    };
    const qs = new QuantAwareStep(lay, { cell: "seed", loss: { kind: "mse", every: true }, maxBatch: NB, maxSteps: STEPS, clip: 0 }, master, spec, sgd(0.1));
    qs.ws.x.set(randomArray(STEPS * NB * I, 22, 1.5));
    qs.ws.target.set(randomArray(STEPS * NB * O, 23, 1));
    resetState(qs.ws, NB);
    qs.gradient(NB, STEPS);
    const h = qs.ws.h[0]!.slice(NB * H, (STEPS + 1) * NB * H);
    return { grad: Float64Array.from(qs.step.grad), h };
  }

  it("round x, c and h onto their grids", () => {
    const { h } = gradient({ frac: 7, bits: 8 });
    for (const v of h) expect(Math.abs(v * 128 - Math.round(v * 128))).toBeLessThan(1e-9);
  });

  it("pass no gradient through a saturated h: with every h saturated, only the head's bias learns", () => {
    // int8 in Q30 holds |h| ≤ 2^-23: every h of this net saturates.
    const { grad, h } = gradient({ frac: 30, bits: 8 });
    expect(h.every((v) => v === 127 * 2 ** -30 || v === -128 * 2 ** -30)).toBe(true);
    const layerGrad = grad.subarray(0, lay.headW);
    expect(layerGrad.every((v) => v === 0)).toBe(true);
    expect(grad.subarray(lay.headB).some((v) => v !== 0)).toBe(true);
    // The same net on the usual grid does send gradient into the layer.
    expect(gradient({ frac: 7, bits: 8 }).grad.subarray(0, lay.headW).some((v) => v !== 0)).toBe(true);
  });
});

describe("fineTuneLstm", () => {
  it("refuses a number of epochs that is not a positive integer, naming --finetune", () => {
    const c = config("standard", "window", "adam", 1);
    const lay = paramLayout({ inputSize: 2, hidden: H, layers: 2, outputSize: 1 });
    for (const n of [0, -1, 1.5, Number.NaN]) {
      expect(() => fineTuneLstm(c, n, sineWindows(0, 10, 6), null, randomParams(lay, 1), null)).toThrow(/a positive integer of epochs expected/);
    }
  });

  it("keeps epoch 0, the weights as given, when no epoch lowers the validation loss", () => {
    // A learning rate far too large: every epoch is worse than the start on validation.
    const c = { ...config("standard", "window", "sgd", 0), lr: 50 };
    const lay = paramLayout({ inputSize: 2, hidden: H, layers: 2, outputSize: 1 });
    const start = randomParams(lay, 5, 0.3);
    const r = fineTuneLstm(c, 2, sineWindows(0, 20, 6), sineWindows(40, 10, 6), start, null);
    expect(r.keptEpoch).toBe(0);
    expect(Array.from(fromModelWeights(r, lay))).toEqual(Array.from(start));
    expect(r.lossHistory.map((e) => e.epoch)).toEqual([0, 1, 2]);
  });
});
