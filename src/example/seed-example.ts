/**
 * The seed's example run ("example_0"), driven through the general training machinery
 * (src/train/training-step.ts) with the seed's choices: seed cell, one layer, no head, the seed
 * loss (Σ over steps of (h[0] − y)²), SGD, no clipping, its initial weights and inputs
 * (./numpy-init.ts). Each iteration starts from a zero state, runs the whole sequence, prints
 * h[0] at every step and the loss (both from before the update), then updates.
 */
import { OptionError } from "../errors.js";
import { setSelectionHead } from "../train/init.js";
import { paramLayout } from "../train/layout.js";
import { sgd } from "../train/optimizer.js";
import { TrainingStep } from "../train/training-step.js";
import { resetState } from "../train/workspace.js";
import { MT19937 } from "./mt19937.js";
import { formatExp, formatFixed, formatStr } from "./py-format.js";
import { numpyInit } from "./numpy-init.js";

export interface SeedConfig {
  xDim: number;
  cells: number;
  targets: number[];
  iters: number;
  lr: number;
}

export const SEED_DEFAULTS: SeedConfig = { xDim: 50, cells: 100, targets: [-0.5, 0.2, 0.1, -0.5], iters: 100, lr: 0.1 };

export interface SeedLine {
  iter: number;
  /** h[0] after each step. */
  yPred: number[];
  loss: number;
  /** The line as the seed prints it. */
  text: string;
}

/**
 * The seed's print statements:
 *   print("iter", "%2s" % str(cur_iter), end=": ")
 *   print("y_pred = [" + ", ".join(["% 2.5f" % h0 for ...]) + "]", end=", ")
 *   print("loss:", "%.3e" % loss)
 */
export function formatSeedLine(iter: number, yPred: readonly number[], loss: number): string {
  const preds = yPred.map((v) => formatFixed(v, 5, { space: true, width: 2 })).join(", ");
  return `iter ${formatStr(String(iter), 2)}: y_pred = [${preds}], loss: ${formatExp(loss, 3)}`;
}

export function checkSeedConfig(c: SeedConfig): void {
  const posInt = (option: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new OptionError(option, `a positive integer expected, found ${v}`);
  };
  posInt("xDim", c.xDim);
  posInt("cells", c.cells);
  if (!Number.isInteger(c.iters) || c.iters < 0) throw new OptionError("iters", `an integer ≥ 0 expected, found ${c.iters}`);
  if (!Number.isFinite(c.lr)) throw new OptionError("lr", `a number expected, found ${c.lr}`);
  if (c.targets.length === 0) throw new OptionError("targets", "at least one target expected");
}

/** Parses the targets option ("-0.5,0.2,0.1,-0.5"). */
export function parseTargets(text: string): number[] {
  return text.split(",").map((s, i) => {
    const v = s.trim() === "" ? Number.NaN : Number(s);
    if (!Number.isFinite(v)) throw new OptionError("targets", `item ${i + 1}: a number expected, found "${s}"`);
    return v;
  });
}

export function runSeedExample(c: SeedConfig, onLine?: (line: SeedLine) => void): SeedLine[] {
  checkSeedConfig(c);
  const T = c.targets.length;
  const lay = paramLayout({ inputSize: c.xDim, hidden: c.cells, layers: 1, outputSize: 1 });
  const params = new Float64Array(lay.size);
  const inputs = numpyInit(params, lay, new MT19937(), T);
  setSelectionHead(params, lay); // no head: the prediction is h[0]
  const step = new TrainingStep(
    lay,
    { cell: "seed", loss: { kind: "hidden", every: true }, maxBatch: 1, maxSteps: T, clip: 0 },
    params,
    sgd(c.lr),
  );
  const ws = step.ws;
  inputs.forEach((x, t) => ws.x.set(x, t * c.xDim));
  ws.target.set(c.targets);
  const h = ws.h[0]!;
  const lines: SeedLine[] = [];
  for (let iter = 0; iter < c.iters; iter++) {
    resetState(ws, 1);
    const loss = step.update(1, T);
    // The forward pass's h stays in the workspace after the update: the values the seed prints.
    const yPred = Array.from({ length: T }, (_, t) => h[(t + 1) * c.cells]!);
    const line = { iter, yPred, loss, text: formatSeedLine(iter, yPred, loss) };
    lines.push(line);
    onLine?.(line);
  }
  return lines;
}
