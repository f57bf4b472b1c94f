/**
 * Runs any step engine (float reference, fixed-point simulator) over a series in the model's
 * run mode (DESIGN.md "Model semantics"), so that every engine is driven the same way.
 *
 *   window: the prediction for row j starts from a reset state and runs the N input rows
 *           j-K-N+1 … j-K (N = window, K = horizon); rows j = K+N-1 … T-1 get one.
 *   stream: the state is carried from row to row, one step per row; after consuming row t the
 *           output predicts row t+K; rows j = K … T-1 get one.
 */
import type { Architecture } from "./model-file.js";

/** One engine over normalised values; `step` returns the head's output (normalised) for this step. */
export interface StepEngine {
  reset(): void;
  step(x: Float64Array): Float64Array;
}

export interface SeriesOutput {
  /** 0-based data row each prediction is for. */
  rows: number[];
  /** One output vector (normalised) per entry of rows. */
  outputs: Float64Array[];
}

/** `inputs[t]` is the normalised feature vector of row t. */
export function runSeries(engine: StepEngine, arch: Pick<Architecture, "mode" | "window" | "horizon">, inputs: Float64Array[]): SeriesOutput {
  const T = inputs.length;
  const N = arch.window;
  const K = arch.horizon;
  const rows: number[] = [];
  const outputs: Float64Array[] = [];
  if (arch.mode === "window") {
    for (let j = K + N - 1; j < T; j++) {
      engine.reset();
      let y: Float64Array | undefined;
      for (let t = j - K - N + 1; t <= j - K; t++) y = engine.step(inputs[t]!);
      rows.push(j);
      outputs.push(Float64Array.from(y!));
    }
  } else {
    engine.reset();
    for (let t = 0; t + K < T; t++) {
      const y = engine.step(inputs[t]!);
      rows.push(t + K);
      outputs.push(Float64Array.from(y));
    }
  }
  return { rows, outputs };
}
