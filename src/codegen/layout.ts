/**
 * Weight layout of the generated C. The model file stores gate blocks (rows 0..H-1 are gate i of
 * every unit, then f, g, o); the C computes the four gates of one hidden unit together, so it
 * stores rows unit by unit: i_0, f_0, g_0, o_0, i_1, ... Row r = g·H + j of the file becomes
 * row 4j + g of the C, and the kernel then reads its weights strictly sequentially.
 */

export const GATES = ["i", "f", "g", "o"] as const;

/** Reorders `4H` rows of `rowLength` values from gate-major to unit-major order. */
export function unitMajorRows<T extends ArrayLike<number>>(values: T, hidden: number, rowLength: number): number[] {
  if (values.length !== 4 * hidden * rowLength) {
    throw new RangeError(`${4 * hidden * rowLength} values expected, found ${values.length}`);
  }
  const out = new Array<number>(values.length);
  for (let j = 0; j < hidden; j++) {
    for (let g = 0; g < 4; g++) {
      const from = (g * hidden + j) * rowLength;
      const to = (4 * j + g) * rowLength;
      for (let k = 0; k < rowLength; k++) out[to + k] = values[from + k]!;
    }
  }
  return out;
}

/** Label of row `4j + g` in unit-major order, for comments: `unit 3, gate f`. */
export function unitMajorLabel(row: number): string {
  return `unit ${Math.floor(row / 4)}, gate ${GATES[row % 4]}`;
}
