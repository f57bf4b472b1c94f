/**
 * MT19937 as numpy's legacy generator (np.random.seed / np.random.rand / np.random.random) runs
 * it, so that the seed example draws the very same numbers.
 *
 * Seeding, as numpy's `_legacy_seeding` does it: an integer seed s (0 ≤ s < 2³²) goes through
 * Matsumoto & Nishimura's init_genrand(s); an array of 32-bit words through init_by_array (what
 * `np.random.seed([w0, w1, ...])` does, and what Python's own `random.seed(int)` does with the
 * integer's words — a different stream: numpy's seed(0) gives 0.5488135039273248 first, Python's
 * random.seed(0) gives 0.8444218515250481).
 * random_sample: a = next32 >> 5, b = next32 >> 6, (a·2²⁶ + b) / 2⁵³ (53 random bits).
 */
const N = 624;
const M = 397;

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private pos = N + 1;

  /** numpy `np.random.seed(s)` for an integer s. */
  seed(s: number): void {
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), found ${s}`);
    this.initGenrand(s);
  }

  /** numpy `np.random.seed([w0, w1, ...])`: init_by_array over 32-bit words. */
  seedArray(key: readonly number[]): void {
    if (key.length === 0) throw new RangeError("seed array must not be empty");
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(p, 1664525)) + (key[j]! >>> 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(p, 1812433253) + i) >>> 0;
    }
    this.pos = N;
  }

  /** The next 32-bit output (tempered). */
  nextU32(): number {
    if (this.pos >= N) {
      if (this.pos > N) throw new Error("MT19937 used before seeding");
      this.twist();
    }
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's legacy random_sample: uniform in [0, 1) from two outputs. */
  randomSample(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = (mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.pos = 0;
  }
}
