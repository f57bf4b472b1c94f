/**
 * Seeded random numbers for the bench (reference models, inputs): mulberry32
 * (src/util/seeded-random.ts), the same numbers on every machine and Node version, so the bench
 * measures the same program every time; here with the uniform and normal draws the bench needs.
 */
import { mulberry32 } from "../util/seeded-random.js";

export class BenchRandom {
  /** Uniform in [0, 1). */
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
