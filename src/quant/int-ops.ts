/**
 * Integer primitives of the fixed-point step (docs/fixed-point.md "Notation"), on JS numbers.
 * A double holds every integer of magnitude ≤ 2^53 exactly; each function states the range of
 * its operands and why every intermediate stays exact. The one operation whose C intermediate
 * exceeds 2^53 (the int64 requantisation, products up to 2^61) is computed by splitting the
 * multiplier into 15-bit halves (requantize below), checked against BigInt in the tests.
 */

const TWO15 = 2 ** 15;

/**
 * Rounding right shift, round half up: rshr(v, 0) = v; rshr(v, n) = floor((v + 2^(n-1)) / 2^n).
 * Exact for |v| + 2^(n-1) ≤ 2^53 (dividing by a power of two and flooring are exact).
 */
export function rshr(v: number, n: number): number {
  if (n === 0) return v;
  return Math.floor((v + 2 ** (n - 1)) / 2 ** n);
}

/** A saturation counter: incremented by each clamp that changed a value. */
export interface SatCounter {
  count: number;
}

export function clamp(v: number, lo: number, hi: number, sat?: SatCounter): number {
  if (v < lo) {
    if (sat) sat.count++;
    return lo;
  }
  if (v > hi) {
    if (sat) sat.count++;
    return hi;
  }
  return v;
}

export const sat8 = (v: number, sat?: SatCounter): number => clamp(v, -128, 127, sat);
export const sat16 = (v: number, sat?: SatCounter): number => clamp(v, -32768, 32767, sat);
export const sat32 = (v: number, sat?: SatCounter): number => clamp(v, -2147483648, 2147483647, sat);

/** Saturation to a signed width of 8 or 16 bits. */
export function satBits(v: number, bits: 8 | 16, sat?: SatCounter): number {
  return bits === 8 ? sat8(v, sat) : sat16(v, sat);
}

/**
 * The int64 requantisation of a gate row or head output (docs/fixed-point.md step 1):
 *   ((a·ma + b·mb + 2^(s-1)) >> s)           (the C: int64 arithmetic, arithmetic shift)
 * for |a|, |b| ≤ 2^31, 0 ≤ ma, mb < 2^30, 1 ≤ s ≤ 62. The products reach 2^61, beyond a double's
 * exact range, so each multiplier is split as m = mh·2^15 + ml (mh, ml < 2^15):
 *   a·m = (a·mh)·2^15 + a·ml,   |a·mh|, |a·ml| < 2^46
 * The two partial sums are exact (< 2^48); the low one is normalised to [0, 2^15) by moving its
 * carry into the high one, after which floor((hi·2^15 + lo) / 2^s) = floor(hi / 2^(s-15)) for
 * s ≥ 15, since 0 ≤ lo < 2^15. For s < 15 the result is hi·2^(15-s) + floor(lo / 2^s), exact
 * while it is below 2^53 in magnitude; beyond that only its sign and size matter, because every
 * caller saturates it to 32 bits.
 */
export function requantize(a: number, ma: number, b: number, mb: number, s: number): number {
  const mah = Math.floor(ma / TWO15);
  const mal = ma - mah * TWO15;
  const mbh = Math.floor(mb / TWO15);
  const mbl = mb - mbh * TWO15;
  let hi = a * mah + b * mbh;
  let lo = a * mal + b * mbl;
  // + 2^(s-1), the rounding constant, into whichever half holds that bit.
  if (s - 1 >= 15) hi += 2 ** (s - 1 - 15);
  else lo += 2 ** (s - 1);
  const carry = Math.floor(lo / TWO15);
  lo -= carry * TWO15;
  hi += carry;
  if (s >= 15) return Math.floor(hi / 2 ** (s - 15));
  return hi * 2 ** (15 - s) + Math.floor(lo / 2 ** s);
}

/**
 * v in Q`from` to Q`to` (docs/fixed-point.md "Delta outputs"): a left shift, v·2^(to−from), when
 * the new format is finer (exact), else rshr(v, from − to). |v| ≤ 2^15 and to − from ≤ 15, so the
 * result is below 2^30 in magnitude.
 */
export function rescale(v: number, from: number, to: number): number {
  return to >= from ? v * 2 ** (to - from) : rshr(v, from - to);
}

/** The quantizer's offline rounding, shared with the fine-tuning's rounded weights (src/train/fake-quant.ts). */
export { roundHalfAway } from "../util/rounding.js";

/** The driver's input quantisation: sat(floor(v · 2^f + 0.5)) in float64 (the C driver: double). */
export function quantizeInput(v: number, frac: number, bits: 8 | 16, sat?: SatCounter): number {
  return satBits(Math.floor(v * 2 ** frac + 0.5), bits, sat);
}
