/**
 * The cells: one entry per LSTM cell a model file may name, with what distinguishes it. Every
 * stage that computes a step has its own implementation per cell — the float reference
 * (float-lstm.ts cellUpdate), the trainer's forward and backward kernels (train/kernels.ts and
 * the WebAssembly ones), the simulator (quant/simulator.ts cellStage) and the C
 * (templates/model/*.hbs) — each checked against the float reference; docs/architecture.md lists
 * them for whoever adds a cell.
 */
import { z } from "zod";

export interface CellFacts {
  /** One line for banners and help. */
  summary: string;
  /**
   * Whether h = o·tanh(c) (bounded by 1, so h takes a fixed format) or h = o·c (as large as c:
   * h gets the format of c, or under int8 a calibrated one of its own).
   */
  boundedH: boolean;
}

export const CELLS = {
  standard: {
    summary: "standard (PyTorch nn.LSTM semantics)",
    boundedH: true,
  },
  seed: {
    summary: "seed (h = s * o, no tanh on s)",
    boundedH: false,
  },
} as const satisfies Record<string, CellFacts>;

export type CellKind = keyof typeof CELLS;
export const CELL_NAMES = Object.keys(CELLS) as [CellKind, ...CellKind[]];
export const DEFAULT_CELL: CellKind = "standard";
export const CellEnum = z.enum(CELL_NAMES);

/**
 * The four gate values of unit j from a layer's gate vector, which holds blocks i, f, g, o of H
 * values each (the weight layout of model-file.ts): every engine reads a unit's gates this way.
 */
export function unitGates(a: ArrayLike<number>, H: number, j: number): [i: number, f: number, g: number, o: number] {
  return [a[j]!, a[H + j]!, a[2 * H + j]!, a[3 * H + j]!];
}
