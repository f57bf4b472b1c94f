/**
 * The contract between the data stage (which turns a CSV into normalised samples and writes the
 * model file) and the trainer (which only sees numbers). Implemented in ./trainer.ts.
 */
import type { CellKind, HeadWeights, LayerWeights, RunMode } from "../model/model-file.js";

/** The training objectives (./loss.ts): `mse` on the head's output, `hidden` on the last layer's h. */
/** The optimizers (./optimizer.ts). */
export const OPTIMIZERS = ["adam", "sgd"] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

export const LOSS_KINDS = ["mse", "hidden"] as const;
export type LossKind = (typeof LOSS_KINDS)[number];

/** The largest network seqforge trains; why each, and the memory check, in ./limits.ts. */
export const TRAIN_LIMITS = { hidden: 1024, layers: 16, window: 65535, parameters: 2 ** 23 } as const;

/**
 * A training loss this many times that of always predicting the training mean means training
 * diverged (./fit-model.ts): a model that has learnt nothing at all (its initial weights) is
 * within a few times of it.
 */
export const DIVERGENCE_FACTOR = 100;

/**
 * Fine-tuning's default learning rate is the model's own divided by this. Adam moves every weight
 * by about the learning rate per update whatever the loss, and an int8 weight's grid step is about
 * a hundredth of its row's largest: at the training rate the weights jump across the grid. Chosen
 * on the demo model (bench-quant's seattle-daily window model, then `quantize … --scheme w8a8
 * --finetune 10 --finetune-lr LR --json`, held-out l2r 9.13e-3 before): LR 0.01 kept epoch 0 (no
 * gain), 0.001 raised it to 9.66e-3, 0.0001 lowered it to 8.72e-3. Not tuned further:
 * `--finetune-lr` sets it.
 */
export const FINETUNE_LR_DIVISOR = 100;

export interface TrainConfig {
  cell: CellKind;
  hidden: number;
  layers: number;
  epochs: number;
  lr: number;
  optimizer: Optimizer;
  /** Samples per update (window mode: windows; stream mode: parallel chunks of the stream). */
  batch: number;
  seed: number;
  /** `mse`: mean squared error of the head's outputs; `seed`: the seed's squared error on h[0] (no head). */
  loss: LossKind;
  /** Global-norm gradient clipping; 0 turns it off. */
  clip: number;
  /** Early stopping: epochs without a better validation loss before stopping (best weights kept). */
  patience: number;
  /** Initial forget-gate bias (standard cell). */
  forgetBias: number;
  mode: RunMode;
  /** Window length N (window mode) or truncated-BPTT chunk length (stream mode). */
  window: number;
}

/**
 * Window mode: independent windows, one target each (sequence to one). Values normalised. The
 * windows are not copied out (consecutive windows share all but one row): each is `window`
 * consecutive rows of x from its start row.
 */
export interface WindowSamples {
  kind: "window";
  inputSize: number;
  outputSize: number;
  /** N: rows per window. */
  window: number;
  /** Input rows, row-major: rows × inputSize. */
  x: Float64Array;
  /** The first row (of x) of each window; the window count is its length. */
  start: Uint32Array;
  /** windows × outputSize: the target of window s at s·outputSize. */
  y: Float64Array;
}

/** Stream mode: one long series; the state is carried across truncated-BPTT chunks. */
export interface StreamSamples {
  kind: "stream";
  inputSize: number;
  outputSize: number;
  steps: number;
  /** steps × inputSize, step-major. */
  x: Float64Array;
  /** steps × outputSize: y at step t is the target to predict after consuming x at step t. */
  y: Float64Array;
}

export type SampleSet = WindowSamples | StreamSamples;

export interface EpochReport {
  epoch: number;
  loss: number;
  valLoss: number | null;
}

export interface TrainResult {
  layers: LayerWeights[];
  head: HeadWeights;
  lossHistory: EpochReport[];
  /** Epoch whose weights were kept (best validation loss), or null without validation data. */
  bestEpoch: number | null;
  /** The epoch whose loss was not finite, when training stopped there and kept the best epoch before it. */
  stoppedAt?: number;
}

export type TrainLstm = (
  config: TrainConfig,
  train: SampleSet,
  val: SampleSet | null,
  onEpoch?: (report: EpochReport, totalEpochs: number) => void,
) => TrainResult;
