/**
 * Calibration: runs the float64 reference over the calibration inputs in the model's run mode
 * (src/model/sequence.ts, so a stream model's state is carried exactly as it will be at run
 * time) and records the range of every tensor the firmware holds: input, gate pre-activations,
 * gates, cell state, h, head output.
 */
import { createFloatState, floatStep, resetFloatState, type LayerObserver } from "../model/float-lstm.js";
import type { FloatModel } from "../model/model-file.js";
import { runSeries, type StepEngine } from "../model/sequence.js";
import { addToHistogram, createHistogram, type AbsHistogram } from "./clipping.js";

export interface Range {
  min: number;
  max: number;
}

export interface LayerRanges {
  z: Range;
  i: Range;
  f: Range;
  g: Range;
  o: Range;
  c: Range;
  h: Range;
  /** |c| and |h| distributions, for the formats chosen by their error (clipping.ts). */
  cHist: AbsHistogram;
  hHist: AbsHistogram;
}

export interface ObservedRanges {
  x: Range;
  /** Each input column's range: the column's own format is chosen from it. */
  xCols: Range[];
  xHists: AbsHistogram[];
  layers: LayerRanges[];
  y: Range;
  yHist: AbsHistogram;
  /** Steps run (window mode: every step of every window). */
  steps: number;
}

const emptyRange = (): Range => ({ min: Infinity, max: -Infinity });

function see(r: Range, v: number): void {
  if (v < r.min) r.min = v;
  if (v > r.max) r.max = v;
}

/** Largest |value| of a range; 0 for a range never seen. */
export function maxAbs(r: Range): number {
  return r.min > r.max ? 0 : Math.max(Math.abs(r.min), Math.abs(r.max));
}

/** The float reference step (float-lstm.ts itself) with every tensor's range recorded. */
export function instrumentedFloatEngine(model: FloatModel): StepEngine & { ranges: ObservedRanges } {
  const arch = model.architecture;
  const H = arch.hiddenSize;
  const state = createFloatState(arch);
  const y = new Float64Array(arch.outputSize);
  const ranges: ObservedRanges = {
    x: emptyRange(),
    xCols: Array.from({ length: arch.inputSize }, emptyRange),
    xHists: Array.from({ length: arch.inputSize }, createHistogram),
    layers: Array.from({ length: arch.layers }, () => ({
      z: emptyRange(),
      i: emptyRange(),
      f: emptyRange(),
      g: emptyRange(),
      o: emptyRange(),
      c: emptyRange(),
      h: emptyRange(),
      cHist: createHistogram(),
      hHist: createHistogram(),
    })),
    y: emptyRange(),
    yHist: createHistogram(),
    steps: 0,
  };
  const gates = ["i", "f", "g", "o"] as const;
  const observe: LayerObserver = (l, z, a, c, h) => {
    const r = ranges.layers[l]!;
    for (const v of z) see(r.z, v);
    gates.forEach((gate, q) => {
      for (let j = 0; j < H; j++) see(r[gate], a[q * H + j]!);
    });
    for (const v of c) {
      see(r.c, v);
      addToHistogram(r.cHist, v);
    }
    for (const v of h) {
      see(r.h, v);
      addToHistogram(r.hHist, v);
    }
  };
  return {
    ranges,
    reset: () => resetFloatState(state),
    step: (x) => {
      ranges.steps++;
      x.forEach((v, k) => {
        see(ranges.x, v);
        see(ranges.xCols[k]!, v);
        addToHistogram(ranges.xHists[k]!, v);
      });
      floatStep(model, state, x, y, observe);
      return y;
    },
  };
}

/** Ranges of every tensor over the inputs (normalised rows), in the model's run mode. */
export function observeRanges(model: FloatModel, inputs: Float64Array[]): ObservedRanges {
  const engine = instrumentedFloatEngine(model);
  const out = runSeries(engine, model.architecture, inputs);
  // y: only the outputs the run mode produces (a window model's head runs at the window's end).
  for (const y of out.outputs) {
    for (const v of y) {
      see(engine.ranges.y, v);
      addToHistogram(engine.ranges.yHist, v);
    }
  }
  return engine.ranges;
}
