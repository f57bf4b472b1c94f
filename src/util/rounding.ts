/** round(v), half away from zero: the quantizer's offline rounding of weights and multipliers (never used at run time). */
export function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}
