/**
 * The distribution of a calibrated tensor's magnitudes, and the formats three clipping rules
 * choose from it (docs/fixed-point.md "Choosing a format by its error"):
 *   max         the largest |value| × headroom fits (the rule every format started from);
 *   percentile  the PERCENTILE-th percentile of |value| fits, the rarer values saturate;
 *   mse         the format with the least expected squared error over the calibration values:
 *               rounding (step² / 12 per value in range) plus clipping ((|v| - limit)² per value
 *               beyond it).
 * A histogram with log-spaced bins keeps memory constant whatever the calibration length.
 */

/** Bins per octave of |value|, and the octaves covered: 2^MIN_LOG2 … 2^(MIN_LOG2 + OCTAVES). */
const PER_OCTAVE = 32;
const MIN_LOG2 = -24;
const OCTAVES = 48;

/** Magnitudes below 2^MIN_LOG2 are counted as zero (no format resolves them). */
export interface AbsHistogram {
  counts: Float64Array;
  zeros: number;
  total: number;
}

export function createHistogram(): AbsHistogram {
  return { counts: new Float64Array(PER_OCTAVE * OCTAVES), zeros: 0, total: 0 };
}

export function addToHistogram(h: AbsHistogram, v: number): void {
  const a = Math.abs(v);
  h.total++;
  if (!(a >= 2 ** MIN_LOG2)) {
    h.zeros++;
    return;
  }
  const bin = Math.min(h.counts.length - 1, Math.floor((Math.log2(a) - MIN_LOG2) * PER_OCTAVE));
  h.counts[bin]!++;
}

/** The geometric centre of a bin: the magnitude its values stand for. */
function binValue(bin: number): number {
  return 2 ** (MIN_LOG2 + (bin + 0.5) / PER_OCTAVE);
}

/** The p-th percentile (0 < p ≤ 1) of |value|; 0 for an empty histogram. */
export function percentileAbs(h: AbsHistogram, p: number): number {
  const want = p * h.total;
  let seen = h.zeros;
  if (seen >= want) return 0;
  for (let b = 0; b < h.counts.length; b++) {
    seen += h.counts[b]!;
    if (seen >= want) return 2 ** (MIN_LOG2 + (b + 1) / PER_OCTAVE);
  }
  return 2 ** (MIN_LOG2 + OCTAVES);
}

/** Expected squared error of the values in format Q f of `bits` bits: rounding plus clipping. */
export function formatError(h: AbsHistogram, bits: 8 | 16, f: number): number {
  const step = 2 ** -f;
  const limit = (2 ** (bits - 1) - 1) * step;
  let err = 0;
  let inRange = h.zeros;
  for (let b = 0; b < h.counts.length; b++) {
    const n = h.counts[b]!;
    if (n === 0) continue;
    const v = binValue(b);
    if (v > limit) err += n * (v - limit) ** 2;
    else inRange += n;
  }
  return err + (inRange * step * step) / 12;
}

/** The format in [lo, hi] with the least formatError (the coarser one on a tie). */
export function mseFrac(h: AbsHistogram, bits: 8 | 16, lo: number, hi: number): number {
  let best = lo;
  let bestErr = formatError(h, bits, lo);
  for (let f = lo + 1; f <= hi; f++) {
    const e = formatError(h, bits, f);
    if (e < bestErr) {
      best = f;
      bestErr = e;
    }
  }
  return best;
}

/** The percentile the `percentile` rule covers: one value in 10,000 may saturate. */
export const PERCENTILE = 0.9999;
