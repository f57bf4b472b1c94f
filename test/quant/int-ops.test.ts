/**
 * Integer primitives against exact BigInt references (fast-check properties), including the
 * int64 requantisation whose C intermediates exceed a double's 2^53.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quantizeInput, requantize, rshr, sat16, sat32, sat8, roundHalfAway } from "../../src/quant/int-ops.js";

/** floor((v + 2^(n-1)) / 2^n) with BigInt's >> (arithmetic on negative values, like the C). */
function rshrBig(v: bigint, n: number): bigint {
  if (n === 0) return v;
  return (v + (1n << BigInt(n - 1))) >> BigInt(n);
}

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const mult = fc.integer({ min: 0, max: 2 ** 30 - 1 });

describe("rshr (round half up)", () => {
  it("equals the BigInt arithmetic shift for int32 values and every shift", () => {
    fc.assert(
      fc.property(int32, fc.integer({ min: 0, max: 31 }), (v, n) => {
        expect(rshr(v, n)).toBe(Number(rshrBig(BigInt(v), n)));
      }),
      { numRuns: 5000 },
    );
  });

  it("equals BigInt for values up to 2^52 (the w16a16 int64 accumulator range)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.integer({ min: 0, max: 40 }), (v, n) => {
        expect(rshr(v, n)).toBe(Number(rshrBig(BigInt(v), n)));
      }),
      { numRuns: 3000 },
    );
  });

  it("rounds halves up, toward +infinity", () => {
    expect(rshr(3, 1)).toBe(2); // 1.5 → 2
    expect(rshr(-3, 1)).toBe(-1); // -1.5 → -1
    expect(rshr(-1, 1)).toBe(0); // -0.5 → 0
    expect(rshr(5, 2)).toBe(1); // 1.25 → 1
    expect(rshr(6, 2)).toBe(2); // 1.5 → 2
  });
});

describe("saturation", () => {
  it("clamps to the type and counts each clamp", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (v) => {
        const s = { count: 0 };
        const r16 = sat16(v, s);
        expect(r16).toBe(Math.max(-32768, Math.min(32767, v)));
        expect(s.count).toBe(v < -32768 || v > 32767 ? 1 : 0);
        expect(sat8(v)).toBe(Math.max(-128, Math.min(127, v)));
        expect(sat32(v)).toBe(Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, v)));
      }),
    );
  });

  it("a saturating add of two int16 equals the clamped exact sum", () => {
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: -32768, max: 32767 }), (a, b) => {
        const exact = BigInt(a) + BigInt(b);
        const clamped = exact < -32768n ? -32768n : exact > 32767n ? 32767n : exact;
        expect(sat16(a + b)).toBe(Number(clamped));
      }),
    );
  });
});

describe("requantize (int64 intermediate)", () => {
  const ref = (a: number, ma: number, b: number, mb: number, s: number) =>
    (BigInt(a) * BigInt(ma) + BigInt(b) * BigInt(mb) + (1n << BigInt(s - 1))) >> BigInt(s);

  it("equals BigInt for int32 accumulators, multipliers below 2^30, shifts 15 … 62", () => {
    fc.assert(
      fc.property(int32, mult, int32, mult, fc.integer({ min: 15, max: 62 }), (a, ma, b, mb, s) => {
        expect(requantize(a, ma, b, mb, s)).toBe(Number(ref(a, ma, b, mb, s)));
      }),
      { numRuns: 20000 },
    );
  });

  it("equals BigInt for shifts 1 … 14 whenever the result is within int32 (what the callers keep)", () => {
    fc.assert(
      fc.property(int32, mult, int32, mult, fc.integer({ min: 1, max: 14 }), (a, ma, b, mb, s) => {
        const r = ref(a, ma, b, mb, s);
        const got = requantize(a, ma, b, mb, s);
        if (r >= -(2n ** 53n) && r <= 2n ** 53n) expect(got).toBe(Number(r));
        // Beyond: the same side of the int32 range, so sat32 gives the same result.
        expect(sat32(got)).toBe(Number(r < -(2n ** 31n) ? -(2n ** 31n) : r > 2n ** 31n - 1n ? 2n ** 31n - 1n : r));
      }),
      { numRuns: 20000 },
    );
  });

  it("is exact at the extremes (products near 2^61, sums near 2^62)", () => {
    const cases: [number, number, number, number, number][] = [
      [-(2 ** 31), 2 ** 30 - 1, -(2 ** 31), 2 ** 30 - 1, 62],
      [-(2 ** 31), 2 ** 30 - 1, -(2 ** 31), 2 ** 30 - 1, 40],
      [2 ** 31 - 1, 2 ** 30 - 1, 2 ** 31 - 1, 2 ** 30 - 1, 33],
      [-(2 ** 31), 2 ** 30 - 1, 2 ** 31 - 1, 2 ** 30 - 1, 15],
      [-1, 1, 0, 0, 1],
      [1, 1, 0, 0, 1],
      [12345, 2 ** 29 + 7, -54321, 2 ** 29 - 3, 30],
    ];
    for (const c of cases) expect(requantize(...c)).toBe(Number(ref(...c)));
  });
});

describe("offline rounding and input quantisation", () => {
  it("roundHalfAway rounds halves away from zero", () => {
    expect(roundHalfAway(2.5)).toBe(3);
    expect(roundHalfAway(-2.5)).toBe(-3);
    expect(roundHalfAway(-2.4)).toBe(-2);
  });

  it("quantizeInput is floor(v·2^f + 0.5) saturated, counted", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.integer({ min: 0, max: 15 }), (v, f) => {
        const s = { count: 0 };
        const q = quantizeInput(v, f, 16, s);
        const exact = Math.floor(v * 2 ** f + 0.5);
        expect(q).toBe(Math.max(-32768, Math.min(32767, exact)));
        expect(s.count).toBe(exact === q ? 0 : 1);
      }),
    );
    expect(quantizeInput(-0.5 / 2 ** 7, 7, 8)).toBe(0); // half rounds up
    expect(quantizeInput(200, 0, 8)).toBe(127);
  });
});
