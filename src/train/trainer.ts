/**
 * The training loop (implements TrainLstm of ./api.ts): epochs over the samples in the run mode
 * they were made for, validation in the same mode, early stopping that keeps the best weights.
 *
 *   window  independent windows, shuffled each epoch, B per update, each from a reset state; the
 *           loss reads the output at the last step (sequence to one).
 *   stream  the series is cut into B contiguous streams of ⌊steps/B⌋ steps (the last steps%B
 *           steps are left out) processed side by side; each stream is cut into consecutive
 *           chunks of `window` steps (truncated BPTT) with the state carried from chunk to chunk
 *           and reset at the start of each epoch; the loss reads the output at every step.
 *           Validation runs the validation series as one stream, the same way.
 *
 * Epochs are numbered from 1. The epoch loss is the mean of the objective over the epoch (for
 * mse: per output value; for the seed loss: per sequence), with the weights as they were when
 * each chunk was seen. Same config, data and seed → the same weights, bit for bit.
 */
import { InputError, OptionError } from "../errors.js";
import type { EpochReport, SampleSet, StreamSamples, TrainConfig, TrainLstm, TrainResult, WindowSamples } from "./api.js";
import { forwardChunk } from "./forward.js";
import { initUniform, setSelectionHead } from "./init.js";
import { checkTrainingSize } from "./limits.js";
import { paramLayout, toModelWeights } from "./layout.js";
import { chunkLoss, lossWeight, type LossSpec } from "./loss.js";
import { adam, sgd } from "./optimizer.js";
import { TrainRng } from "./rng.js";
import { TrainingStep } from "./training-step.js";
import { carryState, resetState, type Workspace } from "./workspace.js";

/** Runs one chunk already loaded into the workspace; returns its objective. */
export type ChunkRunner = (nb: number, steps: number) => number;

export const trainLstm: TrainLstm = (config, train, val, onEpoch) => {
  checkConfig(config, train, val);
  const lay = paramLayout({
    inputSize: train.inputSize,
    hidden: config.hidden,
    layers: config.layers,
    outputSize: train.outputSize,
  });
  const rng = new TrainRng(config.seed);
  const spec: LossSpec = { kind: config.loss, every: config.mode === "stream" };
  const optimizer = config.optimizer === "adam" ? adam(config.lr, lay.size) : sgd(config.lr);
  // The step owns the parameters (in the kernels' memory: no copies per update).
  const step = new TrainingStep(
    lay,
    { cell: config.cell, loss: spec, maxBatch: config.batch, maxSteps: config.window, clip: config.clip },
    null,
    optimizer,
  );
  const params = step.params;
  initUniform(params, lay, rng, config.forgetBias);
  if (config.loss === "hidden") setSelectionHead(params, lay);
  const ws = step.ws;
  const update: ChunkRunner = (nb, steps) => step.update(nb, steps);
  // Validation reuses the training buffers: every pass starts from a reset state.
  const evaluate: ChunkRunner = (nb, steps) => {
    forwardChunk(ws, params, nb, steps);
    return chunkLoss(ws, params, spec, nb, steps, null);
  };

  const order = train.kind === "window" ? Uint32Array.from(train.start, (_, i) => i) : new Uint32Array(0);
  const history: EpochReport[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch: number | null = null;
  const bestParams = new Float64Array(lay.size);
  let sinceBest = 0;
  let stoppedAt: number | undefined;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    let loss: number;
    if (train.kind === "window") {
      rng.shuffle(order);
      loss = windowPass(ws, train, order, config.batch, config.window, spec, update);
    } else {
      loss = streamPass(ws, train, config.batch, config.window, spec, update);
    }
    let valLoss: number | null = null;
    if (val) {
      valLoss =
        val.kind === "window"
          ? windowPass(ws, val, null, config.batch, config.window, spec, evaluate)
          : streamPass(ws, val, 1, config.window, spec, evaluate);
    }
    const report: EpochReport = { epoch, loss, valLoss };
    if (!Number.isFinite(loss) || (valLoss !== null && !Number.isFinite(valLoss))) {
      if (bestEpoch !== null) {
        stoppedAt = epoch; // diverged after a good epoch: keep that one, and say so
        break;
      }
      throw new OptionError("lr", `training diverged at epoch ${epoch} (loss ${loss}); lower the learning rate or clip gradients`);
    }
    history.push(report);
    onEpoch?.(report, config.epochs);
    if (valLoss === null) continue;
    if (valLoss < best) {
      best = valLoss;
      bestEpoch = epoch;
      bestParams.set(params);
      sinceBest = 0;
    } else if (config.patience > 0 && ++sinceBest >= config.patience) {
      break;
    }
  }
  if (bestEpoch !== null) params.set(bestParams);
  const weights = toModelWeights(params, lay);
  const result: TrainResult = { layers: weights.layers, head: weights.head, lossHistory: history, bestEpoch, ...(stoppedAt === undefined ? {} : { stoppedAt }) };
  return result;
};

/** One pass over windows in `order` (null: as stored), B at a time; returns the epoch's mean objective. */
export function windowPass(
  ws: Workspace,
  s: WindowSamples,
  order: Uint32Array | null,
  B: number,
  T: number,
  spec: LossSpec,
  run: ChunkRunner,
): number {
  const I = s.inputSize;
  const O = s.outputSize;
  const count = s.start.length;
  let sum = 0;
  let weight = 0;
  for (let first = 0; first < count; first += B) {
    const nb = Math.min(B, count - first);
    for (let b = 0; b < nb; b++) {
      const idx = order ? order[first + b]! : first + b;
      const src = s.start[idx]! * I; // the window's T rows are consecutive in s.x
      for (let t = 0; t < T; t++) {
        const to = (t * nb + b) * I;
        for (let k = 0; k < I; k++) ws.x[to + k] = s.x[src + t * I + k]!;
      }
      for (let q = 0; q < O; q++) ws.target[b * O + q] = s.y[idx * O + q]!;
    }
    resetState(ws, nb);
    const w = lossWeight(spec, O, nb, T);
    sum += run(nb, T) * w;
    weight += w;
  }
  return sum / weight;
}

/** One pass over a series as B side-by-side streams in chunks of T steps; returns the mean objective. */
export function streamPass(ws: Workspace, s: StreamSamples, B: number, T: number, spec: LossSpec, run: ChunkRunner): number {
  const I = s.inputSize;
  const O = s.outputSize;
  const nb = Math.min(B, s.steps);
  const len = Math.floor(s.steps / nb);
  let sum = 0;
  let weight = 0;
  resetState(ws, nb);
  for (let c0 = 0; c0 < len; c0 += T) {
    const steps = Math.min(T, len - c0);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < nb; b++) {
        const row = b * len + c0 + t;
        const n = t * nb + b;
        ws.x.set(s.x.subarray(row * I, (row + 1) * I), n * I);
        ws.target.set(s.y.subarray(row * O, (row + 1) * O), n * O);
      }
    }
    const w = lossWeight(spec, O, nb, steps);
    sum += run(nb, steps) * w;
    weight += w;
    carryState(ws, nb, steps);
  }
  return sum / weight;
}

export function checkConfig(c: TrainConfig, train: SampleSet, val: SampleSet | null): void {
  const posInt = (option: keyof TrainConfig, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new OptionError(option, `a positive integer expected, found ${v}`);
  };
  posInt("hidden", c.hidden);
  posInt("layers", c.layers);
  posInt("epochs", c.epochs);
  posInt("batch", c.batch);
  posInt("window", c.window);
  if (!(c.lr > 0) || !Number.isFinite(c.lr)) throw new OptionError("lr", `a positive number expected, found ${c.lr}`);
  if (!(c.clip >= 0)) throw new OptionError("clip", `a number ≥ 0 expected, found ${c.clip}`);
  if (!Number.isInteger(c.patience) || c.patience < 0) {
    throw new OptionError("patience", `an integer ≥ 0 expected, found ${c.patience}`);
  }
  if (!Number.isFinite(c.forgetBias)) throw new OptionError("forgetBias", `a number expected, found ${c.forgetBias}`);
  if (!Number.isInteger(c.seed)) throw new OptionError("seed", `an integer expected, found ${c.seed}`);
  checkTrainingSize(c, train.inputSize, train.outputSize);
  if (c.loss === "hidden" && train.outputSize > c.hidden) {
    throw new OptionError("loss", `the hidden loss reads output q from h[q]: needs at most as many targets as hidden units (${c.hidden}), found ${train.outputSize}`);
  }
  for (const [name, s] of [["training data", train], ["validation data", val]] as const) {
    if (!s) continue;
    if (s.kind !== c.mode) throw new Error(`${name}: ${s.kind} samples given for --mode ${c.mode}`);
    if (s.inputSize !== train.inputSize || s.outputSize !== train.outputSize) {
      throw new Error(`${name}: ${s.inputSize} inputs and ${s.outputSize} outputs, expected ${train.inputSize} and ${train.outputSize}`);
    }
    if (s.kind === "window") {
      if (s.start.length === 0 || s.y.length !== s.start.length * s.outputSize) {
        throw new InputError(name, "", `no windows of ${c.window} rows (with the horizon) fit in the data`);
      }
      const rows = s.x.length / s.inputSize;
      if (s.window !== c.window) throw new Error(`${name}: windows of ${s.window} rows, expected ${c.window}`);
      s.start.forEach((first, i) => {
        if (first + c.window > rows) throw new Error(`${name}: window ${i} runs from row ${first} past the ${rows} rows`);
      });
    } else if (s.steps < 1 || s.x.length !== s.steps * s.inputSize || s.y.length !== s.steps * s.outputSize) {
      throw new InputError(name, "", `a series of at least one step expected, found ${s.steps} steps`);
    }
  }
}
