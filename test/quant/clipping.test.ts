/**
 * Formats chosen by their error (src/quant/clipping.ts, selectFormats in quantize.ts).
 */
import { describe, expect, it } from "vitest";
import { addToHistogram, createHistogram, formatError, mseFrac, percentileAbs } from "../../src/quant/clipping.js";
import { chooseFormats, selectFormats } from "../../src/quant/quantize.js";
import { observeRanges } from "../../src/quant/ranges.js";
import { randomModel, syntheticSeries } from "./fixtures.js";

const histogramOf = (values: number[]) => {
  const h = createHistogram();
  for (const v of values) addToHistogram(h, v);
  return h;
};

describe("clipping rules", () => {
  // 10,000 values uniform in ±1 and one outlier at 100.
  const values = Array.from({ length: 10000 }, (_, i) => ((i % 2 ? 1 : -1) * (i + 0.5)) / 10000).concat([100]);
  const h = histogramOf(values);

  it("percentile: the outlier is beyond the 99.9th percentile, inside the 100th", () => {
    expect(percentileAbs(h, 0.999)).toBeGreaterThan(0.99);
    expect(percentileAbs(h, 0.999)).toBeLessThan(1.03);
    expect(percentileAbs(h, 1)).toBeGreaterThan(99);
  });

  it("formatError: rounding plus clipping; mseFrac: the least of them", () => {
    // int8: Q0 holds ±127 (the outlier too), Q6 holds ±1.98, Q7 clips everything above 0.99.
    // Q0 clips nothing: rounding alone, one step² / 12 per value.
    expect(formatError(h, 8, 0)).toBeCloseTo(10001 / 12, 6);
    // Q1 clips the outlier at 63.5: (100 - 63.5)² (within the bin's width) plus a quarter of the rounding.
    expect(formatError(h, 8, 1)).toBeGreaterThan(36 ** 2 + 10001 / 48);
    expect(formatError(h, 8, 1)).toBeLessThan(37.5 ** 2 + 10001 / 48);
    // Clipping the one outlier at 1.98 (error ≈ 98²) costs more than rounding 10,000 values at step 1.
    expect(mseFrac(h, 8, 0, 7)).toBe(0);
    // Without the outlier, Q7 (limit 0.992) clips the top 0.8 % by less than 0.008 and quarters
    // the rounding error of Q6: the MSE rule takes it where the max rule (headroom 1) stops at Q6.
    const inside = histogramOf(values.slice(0, -1));
    expect(mseFrac(inside, 8, 0, 7)).toBe(7);
    expect(formatError(inside, 8, 7)).toBeLessThan(formatError(inside, 8, 6) / 3);
  });
});

describe("selectFormats", () => {
  const calib = syntheticSeries(300, 3, 2, 4);
  const model = randomModel({ hidden: 6, seed: 2 });
  const ranges = observeRanges(model, calib.inputs);

  it("keeps the max rule when no candidate lowers the error by the margin", () => {
    const { formats, methods } = selectFormats(model, "w8a8", ranges, () => 1);
    expect(formats).toEqual(chooseFormats(model, "w8a8", ranges));
    expect(Object.values(methods).every((m) => m === "max")).toBe(true);
  });

  it("keeps a candidate that lowers the error, and names its rule", () => {
    const max = chooseFormats(model, "w8a8", ranges);
    // An error that falls as x[0]'s format gets finer than the max rule's.
    const { formats, methods } = selectFormats(model, "w8a8", ranges, (f) => 1 - f.x.fracs[0]! / 10);
    if (formats.x.fracs[0] !== max.x.fracs[0]) {
      expect(formats.x.fracs[0]).toBeGreaterThan(max.x.fracs[0]!);
      expect(["percentile", "mse"]).toContain(methods["x[0]"]);
    } else {
      expect(methods["x[0]"]).toBe("max");
    }
    expect(formats.x.frac).toBe(Math.max(...formats.x.fracs));
  });

  it("int16 tensors never go finer than the max rule (held-out headroom)", () => {
    const max = chooseFormats(model, "w16a16", ranges);
    const { formats } = selectFormats(model, "w16a16", ranges, (f) => 1 - (f.x.fracs.reduce((a, b) => a + b) + f.yFrac + f.layers[0]!.cFrac) / 100);
    formats.x.fracs.forEach((f, k) => expect(f).toBeLessThanOrEqual(max.x.fracs[k]!));
    expect(formats.yFrac).toBeLessThanOrEqual(max.yFrac);
  });
});
