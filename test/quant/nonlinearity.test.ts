/**
 * The nonlinearity table against float64, exhaustively over its whole input domain
 * (every int32 Q15 z in [-2^19, 2^19]; outside it both functions are constant and exact to
 * within one LSB, checked separately).
 */
import { describe, expect, it } from "vitest";
import { buildTanhTable, measureNonlinearityError, sigmoidQ15, tanhQ15 } from "../../src/quant/nonlinearity.js";

const T = buildTanhTable();

describe("tanh table", () => {
  it("has 513 entries, starts at 0, is non-decreasing and ends at 32767", () => {
    expect(T.length).toBe(513);
    expect(T[0]).toBe(0);
    for (let k = 1; k < T.length; k++) expect(T[k]).toBeGreaterThanOrEqual(T[k - 1]!);
    expect(T[512]).toBe(32767);
    // Step differences bound the interpolation product (docs: T[k+1] - T[k] ≤ 512).
    for (let k = 1; k < T.length; k++) expect(T[k]! - T[k - 1]!).toBeLessThanOrEqual(512);
  });

  it("is within 2^-12 of exact for every input (tanh and sigmoid), exhaustively", () => {
    const e = measureNonlinearityError(T);
    // The figures docs/fixed-point.md quotes; tightened to what was measured so a regression shows.
    expect(e.tanh).toBeLessThan(2 ** -12);
    expect(e.sigmoid).toBeLessThan(2 ** -12);
    expect(e.tanh * 32768).toBeLessThan(2.0);
    expect(e.sigmoid * 32768).toBeLessThan(1.5);
    console.log(`nonlinearity max error: tanh ${e.tanh.toExponential(3)} (${(e.tanh * 32768).toFixed(3)} LSB), sigmoid ${e.sigmoid.toExponential(3)} (${(e.sigmoid * 32768).toFixed(3)} LSB)`);
  });

  it("is odd (tanh) and symmetric (sigmoid(-z) = 1 - sigmoid(z) within one LSB), and saturates outside the domain", () => {
    for (let z = 0; z <= 1 << 19; z += 37) {
      expect(tanhQ15(T, -z) + tanhQ15(T, z)).toBe(0);
      expect(Math.abs(sigmoidQ15(T, -z) + sigmoidQ15(T, z) - 32768)).toBeLessThanOrEqual(1);
    }
    for (const z of [1 << 19, (1 << 19) + 1, 2 ** 31 - 1]) {
      expect(tanhQ15(T, z)).toBe(32767);
      expect(tanhQ15(T, -z)).toBe(-32767);
      expect(sigmoidQ15(T, z)).toBe(32767);
      expect(sigmoidQ15(T, -z)).toBeLessThanOrEqual(1);
    }
    expect(sigmoidQ15(T, -(2 ** 31))).toBe(1);
    expect(tanhQ15(T, -(2 ** 31))).toBe(-32767);
  });

  it("is monotone over the domain", () => {
    let pt = -32768;
    let ps = -1;
    for (let z = -(1 << 19); z <= 1 << 19; z++) {
      const t = tanhQ15(T, z);
      const s = sigmoidQ15(T, z);
      if (t < pt || s < ps) throw new Error(`not monotone at z = ${z}`);
      pt = t;
      ps = s;
    }
  });
});
