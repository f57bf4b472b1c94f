/**
 * One update of the network — forward over a chunk, loss, BPTT, clipping, optimizer — on buffers
 * allocated once. Shared by the trainer (src/train/trainer.ts) and the seed example
 * (src/example/seed-example.ts), which drive it with their own data and schedules.
 */
import type { CellKind } from "../model/model-file.js";
import { backwardChunk } from "./backward.js";
import { forwardChunk } from "./forward.js";
import type { ParamLayout } from "./layout.js";
import { chunkLoss, type LossSpec } from "./loss.js";
import { clipGlobalNorm, type Optimizer } from "./optimizer.js";
import type { KernelKind } from "./kernels.js";
import { createWorkspace, type Workspace } from "./workspace.js";

export interface StepConfig {
  cell: CellKind;
  loss: LossSpec;
  /** Largest chunk: samples × steps. */
  maxBatch: number;
  maxSteps: number;
  /** Global-norm clip (0: off). */
  clip: number;
  /**
   * Apply plain SGD inside the backward pass, row by row, when there is no clipping (default
   * true; the same numbers as the unfused update, bit for bit, checked in test/train).
   */
  fuseSgd?: boolean;
  /** The dense kernels: WebAssembly SIMD (default) or the TypeScript reference (./kernels.ts). */
  kernels?: KernelKind;
}

/**
 * The parameters: pass null to have the step own them (step.params, zero until the caller fills
 * it), in the kernels' memory, so no pass copies them. An outside array works too: each pass
 * copies it in, and an update writes the new values back into it.
 */
export class TrainingStep {
  readonly ws: Workspace;
  readonly params: Float64Array;
  readonly grad: Float64Array;
  /** Gradient norm of the last update before clipping (computed only when clipping is on). */
  lastGradNorm = Number.NaN;

  constructor(
    readonly lay: ParamLayout,
    readonly config: StepConfig,
    params: Float64Array | null,
    readonly optimizer: Optimizer,
  ) {
    this.ws = createWorkspace(lay, config.cell, config.maxBatch, config.maxSteps, config.kernels ?? "wasm");
    this.params = params ?? this.ws.params;
    this.grad = this.ws.grad;
  }

  /** Forward, loss and gradient (into this.grad) of the chunk in ws.x / ws.target; returns the objective. */
  gradient(nb: number, steps: number): number {
    forwardChunk(this.ws, this.params, nb, steps);
    const loss = chunkLoss(this.ws, this.params, this.config.loss, nb, steps, this.grad);
    backwardChunk(this.ws, this.params, this.grad, nb, steps);
    return loss;
  }

  /** One update on the chunk in ws.x / ws.target; returns the objective before the update. */
  update(nb: number, steps: number): number {
    const lr = this.optimizer.sgdLr;
    if (lr !== undefined && this.config.clip === 0 && this.config.fuseSgd !== false) {
      const p = this.params;
      const g = this.grad;
      forwardChunk(this.ws, p, nb, steps);
      const loss = chunkLoss(this.ws, p, this.config.loss, nb, steps, g);
      backwardChunk(this.ws, p, g, nb, steps, lr); // updates the layers
      for (let i = this.lay.headW; i < this.lay.size; i++) p[i] = p[i]! - lr * g[i]!; // the head's gradient came from the loss
      return loss;
    }
    const loss = this.gradient(nb, steps);
    if (this.config.clip > 0) this.lastGradNorm = clipGlobalNorm(this.grad, this.config.clip);
    this.optimizer.step(this.params, this.grad);
    return loss;
  }

  /** The objective without gradient (validation). */
  evaluate(nb: number, steps: number): number {
    forwardChunk(this.ws, this.params, nb, steps);
    return chunkLoss(this.ws, this.params, this.config.loss, nb, steps, null);
  }
}
