import { describe, expect, it } from "vitest";
import { blockOrderComment, flipTopBit, packUnitBlocks, unitGateTriples, unitMajorRows, unitMajorValues } from "../../src/codegen/layout.js";

/** A gate-major [4H × n] matrix whose entries name themselves: gate*1000 + unit*100 + k. */
function named(H: number, n: number): number[] {
  const out: number[] = [];
  for (let g = 0; g < 4; g++) for (let j = 0; j < H; j++) for (let k = 0; k < n; k++) out.push(g * 1000 + j * 100 + k);
  return out;
}
const w = (g: string, j: number, k: number) => "ifgo".indexOf(g) * 1000 + j * 100 + k;

describe("weight layout of the generated C", () => {
  it("w8a16: input pairs i f i f g o g o (i and g with the top bit flipped), then an odd last input i f g o as it is", () => {
    const packed = packUnitBlocks(named(2, 3), 2, 3, "w8a16");
    const flip = flipTopBit;
    expect(packed.slice(12, 24)).toEqual([
      flip(w("i", 1, 0)), w("f", 1, 0), flip(w("i", 1, 1)), w("f", 1, 1), flip(w("g", 1, 0)), w("o", 1, 0), flip(w("g", 1, 1)), w("o", 1, 1),
      w("i", 1, 2), w("f", 1, 2), w("g", 1, 2), w("o", 1, 2),
    ]);
  });

  it("flipping the top bit of an int8 weight gives the byte that read as uint8 is w + 128", () => {
    for (let v = -128; v <= 127; v++) {
      const stored = flipTopBit(v);
      expect(stored).toBeGreaterThanOrEqual(-128);
      expect(stored).toBeLessThanOrEqual(127);
      expect(stored & 0xff).toBe(v + 128);
    }
  });

  it("w16a16: input pairs i i f f g g o o", () => {
    expect(packUnitBlocks(named(1, 2), 1, 2, "w16a16")).toEqual([
      w("i", 0, 0), w("i", 0, 1), w("f", 0, 0), w("f", 0, 1), w("g", 0, 0), w("g", 0, 1), w("o", 0, 0), w("o", 0, 1),
    ]);
  });

  it("w8a8: quads in the order SXTB16 splits them, then the rest one by one", () => {
    const packed = packUnitBlocks(named(1, 5), 1, 5, "w8a8");
    expect(packed.slice(0, 8)).toEqual([w("i", 0, 0), w("f", 0, 0), w("i", 0, 2), w("f", 0, 2), w("i", 0, 1), w("f", 0, 1), w("i", 0, 3), w("f", 0, 3)]);
    expect(packed.slice(8, 16)).toEqual([w("g", 0, 0), w("o", 0, 0), w("g", 0, 2), w("o", 0, 2), w("g", 0, 1), w("o", 0, 1), w("g", 0, 3), w("o", 0, 3)]);
    expect(packed.slice(16)).toEqual([w("i", 0, 4), w("f", 0, 4), w("g", 0, 4), w("o", 0, 4)]);
  });

  it("is a permutation for every scheme and size", () => {
    for (const scheme of ["w8a16", "w16a16", "w8a8"] as const) {
      for (const [H, n] of [[1, 1], [3, 2], [5, 7], [4, 64]] as const) {
        const m = named(H, n);
        // w8a16 flips the i and g weights (gates 0 and 2) of the inputs in pairs, k < n & ~1.
        const flipped = (v: number) => scheme === "w8a16" && [0, 2].includes(Math.floor(v / 1000)) && v % 100 < (n & ~1);
        const expected = m.map((v) => (flipped(v) ? flipTopBit(v) : v));
        expect([...packUnitBlocks(m, H, n, scheme)].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
      }
    }
  });

  it("f32 and per-row values: unit-major rows", () => {
    expect(unitMajorRows(named(2, 1), 2, 1)).toEqual([w("i", 0, 0), w("f", 0, 0), w("g", 0, 0), w("o", 0, 0), w("i", 1, 0), w("f", 1, 0), w("g", 1, 0), w("o", 1, 0)]);
    expect(unitMajorValues([0, 1, 10, 11, 20, 21, 30, 31], 2)).toEqual([0, 10, 20, 30, 1, 11, 21, 31]);
    // Gate-major vectors (g·H + j) to one block per unit of (mx, mh, b) for i, f, g, o.
    const gateMajor = (base: number) => [0, 1, 10, 11, 20, 21, 30, 31].map((v) => base + v);
    expect(unitGateTriples(gateMajor(100), gateMajor(200), gateMajor(300), 2)).toEqual([
      100, 200, 300, 110, 210, 310, 120, 220, 320, 130, 230, 330,
      101, 201, 301, 111, 211, 311, 121, 221, 321, 131, 231, 331,
    ]);
    expect(() => packUnitBlocks([1, 2, 3], 1, 1, "w8a16")).toThrow(RangeError);
  });

  it("describes the order it wrote", () => {
    expect(blockOrderComment("w8a16", 3)).toBe("per input pair (k, k+1): i[k] f[k] i[k+1] f[k+1] g[k] o[k] g[k+1] o[k+1], i and g with the top bit flipped (as uint8: w + 128); then the last input: i[k] f[k] g[k] o[k]");
    expect(blockOrderComment("w8a8", 2)).toBe("the last 2 inputs: i[k] f[k] g[k] o[k]");
  });
});
