/**
 * The synthetic task of the learning tests: two phase-shifted sines. Features at row t:
 * sin(ωt) and cos(ωt + 0.3); target: sin(ωt + φ) at the next row. An LSTM must combine the
 * phase it infers from the recent inputs with the shift: a linear map of the current row would
 * do it too, but only if it learns the right weights, and a constant predictor scores ~0.5.
 */
import type { StreamSamples, WindowSamples } from "../../src/train/api.js";

const OMEGA = 0.37;
const PHI = 1.1;

function rows(from: number, count: number, sign = 1): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(count * 2);
  const y = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    const u = (from + t) * OMEGA;
    x[2 * t] = Math.sin(u);
    x[2 * t + 1] = Math.cos(u + 0.3);
    y[t] = sign * Math.sin(u + OMEGA + PHI); // the target of the next row
  }
  return { x, y };
}

/** Windows of N rows; target = the row after the window. `sign` −1 flips the target. */
export function sineWindows(from: number, count: number, N: number, sign = 1): WindowSamples {
  const { x, y } = rows(from, count + N, sign);
  const start = Uint32Array.from({ length: count }, (_, s) => s);
  return { kind: "window", inputSize: 2, outputSize: 1, window: N, x, start, y: y.slice(N - 1, N - 1 + count) };
}

export function sineStream(from: number, steps: number): StreamSamples {
  const { x, y } = rows(from, steps);
  return { kind: "stream", inputSize: 2, outputSize: 1, steps, x, y };
}
