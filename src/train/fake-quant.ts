/**
 * Quantization-aware fine-tuning: training continued from a trained model with the forward pass
 * rounded as a fixed-point scheme rounds it (docs/fixed-point.md), and straight-through
 * gradients. The trainer knows no scheme: the caller describes the grids (FakeQuantSpec, built
 * from the quantizer's formats by src/finetune/) and this file rounds onto them.
 *
 *   weights      w̃ = clamp(round(w·fold / s_r), ±qmax) · s_r / fold,  s_r = max_k |w[r,k]·fold_k| / qmax
 *                (per row, as the quantizer does; fold = 2^(frac − frac_k) on layer 0's wx columns,
 *                the per-column input formats folded in, 1 elsewhere). The gradient is taken at w̃
 *                and applied to the float w: straight through (no weight is ever clipped: the row's
 *                largest sets its scale).
 *   inputs       x̃[k] = clamp(round(x[k]·2^f_k)) / 2^f_k per input column (data: no gradient).
 *   after each cell step (AfterCell): the gates i, f, g, o on their Q15 grid, then c from them,
 *                rounded and saturated to c's format; h from c̃ (o·tanh(c̃), or c̃·o in the seed
 *                cell), rounded and saturated to h's. Backward reads these stored values, so it
 *                differentiates the rounded network with the rounding taken as the identity;
 *                where h saturated, its gradient is zero (BeforeCellBack). A saturated c passes
 *                its gradient straight through: zeroing it would need the cell's backward kernel
 *                to treat dc apart from do.
 * Not rounded: the biases (Q15 and the output's format, finer than anything above), the gate
 * pre-activations z (Q15 in 32 bits), the head's output, and the nonlinearity table's own error
 * (under 5e-5). With `spec` null nothing is rounded and an update is plain training's, bit for bit.
 */
import { OptionError } from "../errors.js";
import { roundHalfAway } from "../util/rounding.js";
import type { EpochReport, SampleSet, TrainConfig, TrainResult } from "./api.js";
import { backwardChunk } from "./backward.js";
import { forwardChunk } from "./forward.js";
import { paramLayout, toModelWeights, type ParamLayout } from "./layout.js";
import { chunkLoss, type LossSpec } from "./loss.js";
import { adam, clipGlobalNorm, sgd, type Optimizer } from "./optimizer.js";
import { TrainRng } from "./rng.js";
import { checkConfig, streamPass, windowPass, type ChunkRunner } from "./trainer.js";
import { TrainingStep, type StepConfig } from "./training-step.js";
import type { Workspace } from "./workspace.js";

/** A fixed-point grid: `bits`-bit signed integers in units of 2^-frac. */
export interface Grid {
  frac: number;
  bits: 8 | 16;
}

export interface FakeQuantSpec {
  /** The largest weight magnitude, symmetric (127 for int8 weights, 32767 for int16). */
  weightMax: number;
  /** Layer 0's wx column k is scaled by inputFold[k] before its row is quantized (1 everywhere: no folding). */
  inputFold: number[];
  /** The activations' grids; null rounds the weights alone (a check: the tests hold that gradient to finite differences). */
  activations: ActivationGrids | null;
}

export interface ActivationGrids {
  /** Per input column. */
  inputs: Grid[];
  /** Per layer: c's and h's grids. */
  layers: { c: Grid; h: Grid }[];
  /** The gates' fraction bits (all four gates, int16). */
  gateFrac: number;
}

/** v in units of 2^-frac, rounded half up and not yet saturated: the simulator's float-to-integer rule (docs/fixed-point.md). */
function gridSteps(v: number, g: Grid): number {
  return Math.floor(v * 2 ** g.frac + 0.5);
}

/** The grid's value for `steps` units, saturated to its bits. */
function saturatedValue(steps: number, g: Grid): number {
  const lim = 2 ** (g.bits - 1);
  return Math.max(-lim, Math.min(lim - 1, steps)) * 2 ** -g.frac;
}

/** round half up onto the grid, saturated. */
export function onGrid(v: number, g: Grid): number {
  return saturatedValue(gridSteps(v, g), g);
}

/** Rows × cols of `from` at `off`, each row quantized with its own scale, written into `to` at the same place. */
function roundRows(from: Float64Array, to: Float64Array, off: number, rows: number, cols: number, qmax: number, fold: readonly number[] | null): void {
  for (let r = 0; r < rows; r++) {
    const row = off + r * cols;
    let m = 0;
    for (let k = 0; k < cols; k++) m = Math.max(m, Math.abs(from[row + k]! * (fold ? fold[k]! : 1)));
    if (m === 0) {
      to.fill(0, row, row + cols);
      continue;
    }
    const s = m / qmax;
    for (let k = 0; k < cols; k++) {
      const f = fold ? fold[k]! : 1;
      const q = Math.max(-qmax, Math.min(qmax, roundHalfAway((from[row + k]! * f) / s)));
      to[row + k] = (q * s) / f;
    }
  }
}

/** The weights the rounded forward pass reads: every wx, wh and the head's w rounded per row; biases copied. */
export function roundWeights(spec: FakeQuantSpec, lay: ParamLayout, master: Float64Array, into: Float64Array): void {
  const H = lay.hidden;
  into.set(master);
  lay.layer.forEach((o, l) => {
    roundRows(master, into, o.wx, 4 * H, o.inputSize, spec.weightMax, l === 0 ? spec.inputFold : null);
    roundRows(master, into, o.wh, 4 * H, H, spec.weightMax, null);
  });
  roundRows(master, into, lay.headW, lay.outputSize, H, spec.weightMax, null);
}

/**
 * One training step of the rounded network. The float weights (`master`) are what the optimizer
 * updates; the kernels read their rounded copy (step.params). Saturated h entries of the last
 * forward pass are remembered, per layer [T][B][H], for the backward pass.
 */
export class QuantAwareStep {
  readonly step: TrainingStep;
  readonly master: Float64Array;
  /** Whether the activations are rounded (the hooks below run). */
  private readonly rounds: boolean;
  private readonly hSaturated: Uint8Array[];
  /** Samples in the current chunk: the stride of its [T][B][…] buffers. */
  private nb = 0;

  constructor(
    readonly lay: ParamLayout,
    config: StepConfig,
    start: Float64Array,
    readonly spec: FakeQuantSpec | null,
    readonly optimizer: Optimizer,
  ) {
    if (spec) checkSpec(spec, lay);
    this.step = new TrainingStep(lay, config, null, optimizer);
    this.master = Float64Array.from(start);
    this.rounds = spec?.activations != null;
    this.hSaturated = this.rounds ? lay.layer.map(() => new Uint8Array(config.maxBatch * config.maxSteps * lay.hidden)) : [];
  }

  get ws(): Workspace {
    return this.step.ws;
  }

  /** Loads the rounded weights and rounds the chunk's inputs in ws.x. */
  private prepare(nb: number, steps: number): void {
    const ws = this.step.ws;
    this.nb = nb;
    if (!this.spec) {
      ws.params.set(this.master);
      return;
    }
    roundWeights(this.spec, this.lay, this.master, ws.params);
    const grids = this.spec.activations;
    if (!grids) return;
    const I = this.lay.inputSize;
    for (let n = 0; n < nb * steps; n++) {
      for (let k = 0; k < I; k++) ws.x[n * I + k] = onGrid(ws.x[n * I + k]!, grids.inputs[k]!);
    }
  }

  /** Rounds the gates, c and h of layer l at step t (forward's AfterCell). */
  private readonly roundCell = (l: number, t: number): void => {
    const grids = this.spec!.activations!;
    const ws = this.step.ws;
    const H = this.lay.hidden;
    const nb = this.nb;
    const { c: cGrid, h: hGrid } = grids.layers[l]!;
    const gate: Grid = { frac: grids.gateFrac, bits: 16 };
    const act = ws.act[l]!;
    const c = ws.c[l]!;
    const h = ws.h[l]!;
    const tanhC = ws.tanhC[l];
    const sat = this.hSaturated[l]!;
    const hLimit = 2 ** (hGrid.bits - 1);
    for (let b = 0; b < nb; b++) {
      const n = t * nb + b;
      for (let j = 0; j < H; j++) {
        const a = n * 4 * H + j;
        // The gates are in (0, 1) and (−1, 1): never beyond Q15's range but at +1 itself.
        for (let q = 0; q < 4; q++) act[a + q * H] = onGrid(act[a + q * H]!, gate);
        const i = act[a]!, f = act[a + H]!, g = act[a + 2 * H]!, o = act[a + 3 * H]!;
        const cPrev = c[n * H + j]!; // slot t (rounded by the step before, or the chunk's entering state)
        const cNew = onGrid(tanhC ? f * cPrev + i * g : g * i + cPrev * f, cGrid);
        c[(n + nb) * H + j] = cNew;
        let hNew: number;
        if (tanhC) {
          const tc = Math.tanh(cNew);
          tanhC[n * H + j] = tc;
          hNew = o * tc;
        } else {
          hNew = cNew * o;
        }
        // One rounding for both the value and whether it saturated.
        const steps = gridSteps(hNew, hGrid);
        h[(n + nb) * H + j] = saturatedValue(steps, hGrid);
        sat[n * H + j] = steps < -hLimit || steps > hLimit - 1 ? 1 : 0;
      }
    }
  };

  /** Zeroes dL/dh where h saturated at layer l, step t (backward's BeforeCellBack). */
  private readonly maskSaturatedH = (l: number, t: number): void => {
    const ws = this.step.ws;
    const H = this.lay.hidden;
    const sat = this.hSaturated[l]!;
    for (let b = 0; b < this.nb; b++) {
      const n = t * this.nb + b;
      for (let j = 0; j < H; j++) {
        if (!sat[n * H + j]) continue;
        ws.dh[n * H + j] = 0;
        ws.dhNext[b * H + j] = 0;
      }
    }
  };

  private forward(nb: number, steps: number): void {
    this.prepare(nb, steps);
    forwardChunk(this.step.ws, this.step.params, nb, steps, this.rounds ? this.roundCell : undefined);
  }

  /** Forward (rounded), loss, and the straight-through gradient into step.grad; returns the objective. */
  gradient(nb: number, steps: number): number {
    const s = this.step;
    this.forward(nb, steps);
    const loss = chunkLoss(s.ws, s.params, s.config.loss, nb, steps, s.grad);
    backwardChunk(s.ws, s.params, s.grad, nb, steps, null, this.rounds ? this.maskSaturatedH : undefined);
    return loss;
  }

  /** One update of the float weights from the chunk's straight-through gradient; returns the objective before it. */
  update(nb: number, steps: number): number {
    const loss = this.gradient(nb, steps);
    if (this.step.config.clip > 0) clipGlobalNorm(this.step.grad, this.step.config.clip);
    this.optimizer.step(this.master, this.step.grad);
    return loss;
  }

  /** The rounded network's objective on the chunk (no gradient). */
  evaluate(nb: number, steps: number): number {
    this.forward(nb, steps);
    return chunkLoss(this.step.ws, this.step.params, this.step.config.loss, nb, steps, null);
  }
}

function checkSpec(spec: FakeQuantSpec, lay: ParamLayout): void {
  const fail = (what: string) => {
    throw new Error(`fake quantization: ${what}`);
  };
  if (spec.inputFold.length !== lay.inputSize) fail(`${lay.inputSize} input folds expected`);
  if (spec.activations && spec.activations.inputs.length !== lay.inputSize) fail(`${lay.inputSize} input grids expected`);
  if (spec.activations && spec.activations.layers.length !== lay.layers) fail(`${lay.layers} layer grids expected`);
  if (!(spec.weightMax >= 1)) fail(`a weight range of at least 1 expected, found ${spec.weightMax}`);
}

/** What fine-tuning returns: the kept weights, and the rounded network's loss per epoch (epoch 0: before any update). */
export interface FineTuneResult extends Pick<TrainResult, "layers" | "head"> {
  lossHistory: EpochReport[];
  /** The epoch whose weights were kept: the lowest rounded validation loss (0: the model as it came), or the last without validation. */
  keptEpoch: number;
}

/**
 * `epochs` epochs of training from `start` (the parameter layout of ./layout.ts) with the forward
 * pass rounded as `spec` says, in the run mode and with the options of `config` (its epochs and
 * patience are not read: every epoch runs). The samples' order comes from TrainRng(config.seed).
 */
export function fineTuneLstm(
  config: TrainConfig,
  epochs: number,
  train: SampleSet,
  val: SampleSet | null,
  start: Float64Array,
  spec: FakeQuantSpec | null,
  onEpoch?: (report: EpochReport, totalEpochs: number) => void,
): FineTuneResult {
  if (!Number.isInteger(epochs) || epochs < 1) throw new OptionError("finetune", `a positive integer of epochs expected, found ${epochs}`);
  checkConfig({ ...config, epochs }, train, val);
  const lay = paramLayout({ inputSize: train.inputSize, hidden: config.hidden, layers: config.layers, outputSize: train.outputSize });
  if (start.length !== lay.size) throw new Error(`fineTuneLstm: ${lay.size} parameters expected, found ${start.length}`);
  const lossSpec: LossSpec = { kind: config.loss, every: config.mode === "stream" };
  const optimizer = config.optimizer === "adam" ? adam(config.lr, lay.size) : sgd(config.lr);
  const qs = new QuantAwareStep(lay, { cell: config.cell, loss: lossSpec, maxBatch: config.batch, maxSteps: config.window, clip: config.clip }, start, spec, optimizer);
  const rng = new TrainRng(config.seed);
  const ws = qs.ws;
  const update: ChunkRunner = (nb, steps) => qs.update(nb, steps);
  const evaluate: ChunkRunner = (nb, steps) => qs.evaluate(nb, steps);
  const pass = (s: SampleSet, order: Uint32Array | null, B: number, run: ChunkRunner) =>
    s.kind === "window" ? windowPass(ws, s, order, B, config.window, lossSpec, run) : streamPass(ws, s, B, config.window, lossSpec, run);
  const valLoss = () => (val ? pass(val, null, val.kind === "window" ? config.batch : 1, evaluate) : null);

  const order = train.kind === "window" ? Uint32Array.from(train.start, (_, i) => i) : null;
  const history: EpochReport[] = [{ epoch: 0, loss: pass(train, null, config.batch, evaluate), valLoss: valLoss() }];
  let best = history[0]!.valLoss ?? Number.POSITIVE_INFINITY;
  let keptEpoch = 0;
  const kept = Float64Array.from(qs.master);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (order) rng.shuffle(order);
    const loss = pass(train, order, config.batch, update);
    const report: EpochReport = { epoch, loss, valLoss: valLoss() };
    if (!Number.isFinite(loss) || (report.valLoss !== null && !Number.isFinite(report.valLoss))) {
      throw new OptionError("finetune", `fine-tuning diverged at epoch ${epoch} (loss ${loss}); fewer epochs or a model trained with a lower learning rate expected`);
    }
    history.push(report);
    onEpoch?.(report, epochs);
    if (report.valLoss === null || report.valLoss < best) {
      best = report.valLoss ?? best;
      keptEpoch = epoch;
      kept.set(qs.master);
    }
  }
  return { ...toModelWeights(kept, lay), lossHistory: history, keptEpoch };
}
