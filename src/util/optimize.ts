/**
 * What the generated C is built for: `speed` (gcc -O2; the dot products unrolled for the model's
 * sizes) or `size` (gcc -Os; one out-of-line loop per kernel). Shared by the generator, which
 * writes the choice into the model's C (SEQFORGE_OPTIMIZE_SIZE), and the toolchain, which compiles
 * with the matching -O flag. Each target names its default (targets/<name>.json, `optimize`).
 */
export const OPTIMIZE_LEVELS = ["speed", "size"] as const;
export type Optimize = (typeof OPTIMIZE_LEVELS)[number];
export const DEFAULT_OPTIMIZE: Optimize = "speed";
