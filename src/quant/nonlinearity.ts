/**
 * Sigmoid and tanh in integer arithmetic (docs/fixed-point.md step 2): one table of tanh on a
 * 2^-6 grid over [0, 8], linear interpolation, sigmoid(z) = (1 + tanh(z/2)) / 2.
 * Input z: int32 Q15. Output: int16 Q15. Everything in int32: T[k+1] - T[k] ≤ 512, u < 1024.
 */
import { GATE_FRAC, TABLE_SIZE, TABLE_STEP_LOG2 } from "../model/quant-model-file.js";
import { roundHalfAway } from "./int-ops.js";

/** T[k] = min(32767, round(tanh(k / 64) · 2^15)), k = 0 … 512. Built once by the quantizer. */
export function buildTanhTable(): number[] {
  const t: number[] = [];
  for (let k = 0; k < TABLE_SIZE; k++) {
    t.push(Math.min(32767, roundHalfAway(Math.tanh(k / 2 ** TABLE_STEP_LOG2) * 2 ** GATE_FRAC)));
  }
  return t;
}

/** tanh_q15: shift = 9 (the table step 2^-6 in Q15 is 2^9 units). */
const TANH_SHIFT = 15 - TABLE_STEP_LOG2;
const TANH_LIMIT = 2 ** (TANH_SHIFT + 9); // 8.0 in Q15 = table end
/** sigmoid_q15 reads the table at z/2: one more bit of shift, twice the limit. */
const SIG_SHIFT = TANH_SHIFT + 1;
const SIG_LIMIT = 2 * TANH_LIMIT;

/** Table lookup with interpolation for 0 ≤ a < 2^(shift + 9). */
function interp(T: ArrayLike<number>, a: number, shift: number): number {
  const k = a >> shift;
  const u = a & ((1 << shift) - 1);
  const t0 = T[k]!;
  return t0 + (((T[k + 1]! - t0) * u + (1 << (shift - 1))) >> shift);
}

/** tanh of z (int32 Q15) in Q15, |result| ≤ 32767. */
export function tanhQ15(T: ArrayLike<number>, z: number): number {
  if (z >= TANH_LIMIT) return 32767;
  if (z <= -TANH_LIMIT) return -32767;
  const t = interp(T, Math.abs(z), TANH_SHIFT);
  return z < 0 ? 0 - t : t; // 0 - t, not -t: no -0 leaks into outputs
}

/** sigmoid of z (int32 Q15) in Q15, 0 … 32767. */
export function sigmoidQ15(T: ArrayLike<number>, z: number): number {
  let t: number;
  if (z >= SIG_LIMIT) t = 32767;
  else if (z <= -SIG_LIMIT) t = -32767;
  else {
    t = interp(T, Math.abs(z), SIG_SHIFT);
    if (z < 0) t = 0 - t;
  }
  return Math.min(32767, (32768 + t + 1) >> 1);
}

/** Max |approx - exact| over every int32 z in [-2^19, 2^19] (real units), exhaustively. */
export function measureNonlinearityError(T: ArrayLike<number>): { tanh: number; sigmoid: number } {
  let et = 0;
  let es = 0;
  for (let z = -SIG_LIMIT; z <= SIG_LIMIT; z++) {
    const x = z / 2 ** 15;
    const tq = tanhQ15(T, z) / 2 ** 15;
    const sq = sigmoidQ15(T, z) / 2 ** 15;
    et = Math.max(et, Math.abs(tq - Math.tanh(x)));
    es = Math.max(es, Math.abs(sq - 1 / (1 + Math.exp(-x))));
  }
  return { tanh: et, sigmoid: es };
}
