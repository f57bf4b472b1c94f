// fitModel with a small stand-in for the trainer (the real one is tested by its own engineer
// and end to end in test/cli/train.slow.test.ts): the model file it assembles validates, round-trips,
// records what the brief asks, and its validation scores match a direct computation.
import { describe, expect, it } from "vitest";
import type { Series } from "../../src/data/api.js";
import { fitModel, TrainingDivergedError } from "../../src/train/fit-model.js";
import { windowInputs } from "../../src/train/samples.js";
import { floatEngine } from "../../src/model/float-engine.js";
import { parseFloatModel, serializeModel } from "../../src/model/model-file.js";
import { runSeries } from "../../src/model/sequence.js";
import type { SampleSet, TrainConfig, TrainLstm, WindowSamples } from "../../src/train/api.js";

const config: TrainConfig = {
  cell: "standard", hidden: 4, layers: 2, epochs: 3, lr: 0.01, optimizer: "adam", batch: 4, seed: 7,
  loss: "mse", clip: 1, patience: 5, forgetBias: 1, mode: "window", window: 3,
};

/** Stand-in trainer: weights from the seed (a small LCG), loss = sample count per epoch, so outputs depend on every input. */
const standIn: TrainLstm = (c, train: SampleSet, val, onEpoch) => {
  let s = c.seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.6;
  const H = c.hidden;
  const layers = Array.from({ length: c.layers }, (_, l) => {
    const I = l === 0 ? train.inputSize : H;
    return { wx: Array.from({ length: 4 * H * I }, rnd), wh: Array.from({ length: 4 * H * H }, rnd), b: Array.from({ length: 4 * H }, rnd) };
  });
  const n = train.kind === "window" ? train.start.length : train.steps;
  const lossHistory = Array.from({ length: c.epochs }, (_, e) => ({ epoch: e, loss: n / (e + 1), valLoss: val ? 1 / (e + 1) : null }));
  lossHistory.forEach((r) => onEpoch?.(r, c.epochs));
  return { layers, head: { w: Array.from({ length: train.outputSize * H }, rnd), b: Array.from({ length: train.outputSize }, rnd) }, lossHistory, bestEpoch: val ? c.epochs - 1 : null };
};

function series(): Series {
  const rows = 40;
  const t = Float64Array.from({ length: rows }, (_, r) => Math.sin(r / 3) * 5 + 20);
  const w = Float64Array.from({ length: rows }, (_, r) => Math.cos(r / 5) + (r % 3));
  return { file: "s.csv", rows, columns: new Map([["temp", t], ["wind", w]]) };
}
const spec = { features: ["temp", "wind"], targets: ["temp"], window: 3, horizon: 1, mode: "window" as const, val: 0.25 };
const fit = () => fitModel({ series: series(), spec, config, dataHash: "sha256:abc", flags: { window: 3 }, trainer: standIn });

describe("fitModel", () => {
  it("assembles a model file that validates and round-trips unchanged", () => {
    const { model } = fit();
    const text = serializeModel(model);
    expect(parseFloatModel(text, "m.json")).toEqual(model);
    expect(serializeModel(parseFloatModel(text, "m.json"))).toBe(text);
    expect(model.architecture).toEqual({ cell: "standard", inputSize: 2, hiddenSize: 4, layers: 2, outputSize: 1, window: 3, horizon: 1, mode: "window" });
    expect(model.features).toEqual(["temp", "wind"]);
    expect(model.training).toMatchObject({ dataHash: "sha256:abc", seed: 7, flags: { window: 3 }, bestEpoch: 2 });
    expect(model.training.lossHistory).toHaveLength(3);
  });

  it("is deterministic: the same input gives the same bytes", () => {
    expect(serializeModel(fit().model)).toBe(serializeModel(fit().model));
  });

  it("scores the validation part in data units, against persistence", () => {
    const { model, prepared, validation } = fit();
    // Directly: run each validation window through the float engine and undo the normalisation.
    const v = prepared.val as WindowSamples;
    const eng = floatEngine(model);
    const temp = series().columns.get("temp")!;
    let se = 0;
    let sePersist = 0;
    v.start.forEach((_, k) => {
      const w = windowInputs(v, k);
      const steps = Array.from({ length: 3 }, (_, t) => w.subarray(2 * t, 2 * t + 2));
      const out = runSeries(eng, { mode: "window", window: 3, horizon: 0 }, steps).outputs[0]!;
      const pred = out[0]! * model.normalization.output.scale[0]! + model.normalization.output.mean[0]!;
      const j = prepared.split.splitRow + k;
      se += (pred - temp[j]!) ** 2;
      sePersist += (temp[j - 1]! - temp[j]!) ** 2;
    });
    expect(validation).toHaveLength(1);
    expect(validation[0]!.count).toBe(10);
    expect(validation[0]!.rmse).toBeCloseTo(Math.sqrt(se / 10), 12);
    expect(validation[0]!.persistence!.rmse).toBeCloseTo(Math.sqrt(sePersist / 10), 12);
  });

  it("stream mode records sequence every and trains on a stream", () => {
    let kind = "";
    const spy: TrainLstm = (c, t, v, e) => ((kind = t.kind), standIn(c, t, v, e));
    const { model } = fitModel({ series: series(), spec: { ...spec, mode: "stream" }, config: { ...config, mode: "stream" }, dataHash: "h", flags: {}, trainer: spy });
    expect(kind).toBe("stream");
    expect(model.architecture).toMatchObject({ mode: "stream" });
  });

  it("stops with a clear error when training diverged", () => {
    const nan: TrainLstm = (c, t, v, e) => {
      const r = standIn(c, t, v, e);
      r.layers[1]!.wh[5] = NaN;
      return r;
    };
    expect(() => fitModel({ series: series(), spec, config, dataHash: "h", flags: {}, trainer: nan })).toThrow(TrainingDivergedError);
    expect(() => fitModel({ series: series(), spec, config, dataHash: "h", flags: {}, trainer: nan })).toThrow(/weights\.layers\[1\]\.wh is not finite/);
  });
});
