/**
 * Weight layout of the generated C. The model file stores gate blocks (rows 0..H-1 are gate i of
 * every unit, then f, g, o; docs: model-file.ts). The C computes the four gates of one hidden
 * unit together and reads their weights strictly sequentially, so it stores one block per unit
 * holding the unit's four rows interleaved in the order its dot-product kernel consumes them
 * (seqforge_runtime.h, seqforge_dot4_*): inputs taken in groups of G, then the rest one by one.
 *
 *   w8a16  (G = 2)  per input pair (k, k+1):   i[k] f[k] i[k+1] f[k+1]  g[k] o[k] g[k+1] o[k+1]
 *   w16a16 (G = 2)  per input pair (k, k+1):   i[k] i[k+1]  f[k] f[k+1]  g[k] g[k+1]  o[k] o[k+1]
 *   w8a8   (G = 4)  per input quad (k .. k+3): i[k] f[k] i[k+2] f[k+2]  i[k+1] f[k+1] i[k+3] f[k+3]
 *                                              g[k] o[k] g[k+2] o[k+2]  g[k+1] o[k+1] g[k+3] o[k+3]
 *   remaining inputs, one by one:              i[k] f[k] g[k] o[k]
 *
 * Each 32-bit word of a group is what one Arm DSP instruction pair (SXTB16 + SMLAD, or SMLALD)
 * consumes; the portable C reads the same bytes in the same order.
 *
 * w8a16 stores the i and g weights of its pairs with the top bit flipped: read as uint8, the byte
 * is w + 128 (1 .. 255). Then each halfword of a word, i[k] f[k], read as int16 is
 * 256 * f[k] + i[k] + 128, so SMLAD on the word as stored adds 256 * (f's products) + (i's
 * products) + 128 * (x[k] + x[k+1]) in one instruction, and only f needs its SXTB16: the kernel
 * subtracts 256 * f's sum and starts from -128 * (the sum of the paired inputs), which the layer
 * computes once per step (seqforge_dot4_w8_a16 in seqforge_runtime.h; the portable C reads the
 * bytes as uint8). An odd last input is stored as it is.
 */
import type { IntegerScheme } from "../model/schemes.js";

const GATES = ["i", "f", "g", "o"] as const;

/**
 * Position of (gate, offset within the group) for each slot of a group, by scheme, and the gates
 * whose weights a group stores with the top bit flipped.
 */
const GROUPS: Record<IntegerScheme, { size: number; slots: [gate: number, offset: number][]; flippedGates: number[] }> = {
  w8a16: { size: 2, slots: [[0, 0], [1, 0], [0, 1], [1, 1], [2, 0], [3, 0], [2, 1], [3, 1]], flippedGates: [0, 2] },
  w16a16: { size: 2, slots: [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1], [3, 0], [3, 1]], flippedGates: [] },
  w8a8: {
    size: 4,
    slots: [
      [0, 0], [1, 0], [0, 2], [1, 2], [0, 1], [1, 1], [0, 3], [1, 3],
      [2, 0], [3, 0], [2, 2], [3, 2], [2, 1], [3, 1], [2, 3], [3, 3],
    ],
    flippedGates: [],
  },
};

/** What an offset weight adds: w + 128 lies in [0, 255] for an int8 w. */
const OFFSET = 128;

/** An int8 weight with its top bit flipped, as int8: the byte that read as uint8 is w + 128. */
export function flipTopBit(w: number): number {
  return w < 0 ? w + 128 : w - 128;
}

/**
 * How a block stores its weights: "kernel", as seqforge_dot4_<scheme> reads them (w8a16's paired
 * i and g with the top bit flipped); "offset", every weight as w + 128 (for a uint8_t array, read by
 * seqforge_dot4_w8_a16_offset: a target's `offsetWeights`, Armv6-M), in the same order.
 */
export type WeightEncoding = "kernel" | "offset";

/**
 * One block per unit j (unit-major), each holding 4·n weights in the kernel's order and encoding,
 * from the file's gate-major [4H × n] matrix (row g·H + j is gate g of unit j).
 */
export function packUnitBlocks(values: ArrayLike<number>, hidden: number, n: number, scheme: IntegerScheme, encoding: WeightEncoding = "kernel"): number[] {
  if (values.length !== 4 * hidden * n) throw new RangeError(`${4 * hidden * n} values expected, found ${values.length}`);
  const { size, slots, flippedGates } = GROUPS[scheme];
  const out: number[] = [];
  const w = (j: number, gate: number, k: number) => values[(gate * hidden + j) * n + k]!;
  const inGroup = (gate: number, v: number) => (encoding === "offset" ? v + OFFSET : flippedGates.includes(gate) ? flipTopBit(v) : v);
  const alone = (v: number) => (encoding === "offset" ? v + OFFSET : v);
  for (let j = 0; j < hidden; j++) {
    let k = 0;
    for (; k + size <= n; k += size) for (const [gate, off] of slots) out.push(inGroup(gate, w(j, gate, k + off)));
    for (; k < n; k++) for (let gate = 0; gate < 4; gate++) out.push(alone(w(j, gate, k)));
  }
  return out;
}

/** Plain unit-major rows (f32): row 4j + g of the result is gate g of unit j. */
export function unitMajorRows(values: ArrayLike<number>, hidden: number, rowLength: number): number[] {
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

/** Per-row values (bias, multipliers) in unit-major order: i_j, f_j, g_j, o_j for each unit j. */
export function unitMajorValues(values: ArrayLike<number>, hidden: number): number[] {
  return unitMajorRows(values, hidden, 1);
}

/**
 * The per-row requantisation constants of a layer, one block of 12 per unit j: for each gate g
 * (i, f, g, o) its mx, mh and bias, from the file's gate-major vectors (entry g·H + j).
 */
export function unitGateTriples(mx: ArrayLike<number>, mh: ArrayLike<number>, bias: ArrayLike<number>, hidden: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < hidden; j++) for (let g = 0; g < 4; g++) out.push(mx[g * hidden + j]!, mh[g * hidden + j]!, bias[g * hidden + j]!);
  return out;
}

/** Label of row `4j + g` in unit-major order, for comments: `unit 3, gate f`. */
export function unitMajorLabel(row: number): string {
  return `unit ${Math.floor(row / 4)}, gate ${GATES[row % 4]}`;
}

/** How a unit block of n inputs is ordered, for the comment above the array. */
export function blockOrderComment(scheme: IntegerScheme, n: number): string {
  const { size } = GROUPS[scheme];
  const groups = Math.floor(n / size);
  const rest = n - groups * size;
  const groupText: Record<IntegerScheme, string> = {
    w8a16: "per input pair (k, k+1): i[k] f[k] i[k+1] f[k+1] g[k] o[k] g[k+1] o[k+1], i and g with the top bit flipped (as uint8: w + 128)",
    w16a16: "per input pair (k, k+1): i[k] i[k+1] f[k] f[k+1] g[k] g[k+1] o[k] o[k+1]",
    w8a8:
      "per input quad (k..k+3): i[k] f[k] i[k+2] f[k+2] i[k+1] f[k+1] i[k+3] f[k+3], then g and o the same way",
  };
  const parts: string[] = [];
  if (groups > 0) parts.push(groupText[scheme]);
  if (rest > 0) parts.push(`${groups > 0 ? "then " : ""}${rest === 1 ? "the last input" : `the last ${rest} inputs`}: i[k] f[k] g[k] o[k]`);
  return parts.join("; ");
}
