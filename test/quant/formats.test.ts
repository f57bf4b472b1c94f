/**
 * Formats chosen by calibration (docs/fixed-point.md "Tensors and formats"), in particular the
 * int8 seed-cell h, which has its own calibrated format rather than c's top 8 bits.
 */
import { describe, expect, it } from "vitest";
import { buildFixedPoint, chooseFormats, chooseFrac, HEADROOM, HEADROOM_INT8, hFracFor, measureAccuracy, quantizeModel } from "../../src/quant/quantize.js";
import { observeRanges } from "../../src/quant/ranges.js";
import { withHash } from "../../src/model/quant-model-file.js";
import { quantReport } from "../../src/quant/report.js";
import { randomModel, syntheticSeries } from "./fixtures.js";

describe("h's format", () => {
  it("is fixed for the standard cell and c's for an int16 seed cell", () => {
    expect(hFracFor("standard", 8, 12, 0.9)).toBe(7);
    expect(hFracFor("standard", 16, 12, 0.9)).toBe(15);
    expect(hFracFor("seed", 16, 11, 2.5)).toBe(11);
  });

  it("int8 seed cell: from h's own range with headroom 1, bounded by c's top 8 bits and by Q7", () => {
    // 127 · 2^-6 = 1.98 < 2.299 ≤ 127 · 2^-5 = 3.97: Q5, one bit finer than c's top 8 bits (Q4 for fc 12).
    expect(hFracFor("seed", 8, 12, 2.299)).toBe(5);
    // Headroom 1: exactly the largest value the format holds still fits.
    expect(hFracFor("seed", 8, 12, 127 / 32)).toBe(5);
    expect(hFracFor("seed", 8, 12, 127 / 32 + 1e-9)).toBe(4);
    // A range beyond c's top 8 bits (impossible for a calibrated c, possible for a hand-made range): Q fc-8.
    expect(hFracFor("seed", 8, 12, 100)).toBe(4);
    expect(hFracFor("seed", 8, 0, 1e6)).toBe(-8);
    // A small or never-seen h: the finest int8 format, Q7.
    expect(hFracFor("seed", 8, 12, 0.01)).toBe(7);
    expect(hFracFor("seed", 8, 12, 0)).toBe(7);
  });

  it("quantize writes the calibrated format into hFrac, and it chains into the next layer and the head", () => {
    const calib = syntheticSeries(600, 3, 2, 11);
    const model = randomModel({ cell: "seed", mode: "stream", layers: 2, hidden: 8, seed: 3, scale: 0.3 });
    const q = quantizeModel({ model, scheme: "w8a8", source: { modelHash: "x", modelFile: "m" }, calib });
    const fixed = q.fixed!;
    let finer = 0;
    fixed.layers.forEach((L, l) => {
      const h = q.calibration.tensors.find((t) => t.tensor === `layer${l}.h`)!;
      // The max rule's format, unless a clipping rule caused less error (clipping.test.ts).
      if (h.method === "max") expect(L.hFrac).toBe(chooseFrac(Math.max(-h.min, h.max), 8, 1, L.cFrac - 8, 7));
      else expect(["percentile", "mse"]).toContain(h.method);
      expect(h.format).toEqual({ frac: L.hFrac, bits: 8 });
      if (L.hFrac > L.cFrac - 8) finer++;
      if (l > 0) expect(L.inFrac).toBe(fixed.layers[l - 1]!.hFrac);
    });
    // The point of the format: finer than c's top 8 bits on a model of trained magnitude.
    expect(finer).toBe(fixed.layers.length);
    // The report does not claim headroom 2 for the int8 tensors that have 1.
    expect(quantReport(q)).toMatch(/headroom ×2 \(int8 x and h: ×1\)\n/);
  });
});

describe("input formats, one per column", () => {
  // Column 1 spans 8× the others' range, as precipitation does among temperatures.
  const widen = (s: ReturnType<typeof syntheticSeries>) => ({ ...s, inputs: s.inputs.map((x) => Float64Array.from(x, (v, k) => (k === 1 ? 8 * v : v))) });
  const calib = widen(syntheticSeries(600, 3, 2, 11));
  const held = widen(syntheticSeries(300, 3, 2, 12));
  const model = randomModel({ mode: "window", layers: 1, hidden: 8, seed: 5, scale: 0.5 });
  const source = { modelHash: "x", modelFile: "m" };

  it.each(["w8a8", "w8a16", "w16a16"] as const)("%s: each column's format comes from its own range; frac is the finest", (scheme) => {
    const q = quantizeModel({ model, scheme, source, calib });
    const x = q.fixed!.x;
    const bits = x.bits;
    x.fracs.forEach((f, k) => {
      const t = q.calibration.tensors.find((c) => c.tensor === `x[${k}]`)!;
      expect(t.format).toEqual({ frac: f, bits });
      expect(f).toBe(chooseFrac(Math.max(-t.min, t.max), bits, bits === 8 ? HEADROOM_INT8 : HEADROOM, 0, bits - 1));
    });
    expect(x.fracs[1]).toBe(x.fracs[0]! - 3);
    expect(x.frac).toBe(Math.max(...x.fracs));
    expect(q.fixed!.layers[0]!.inFrac).toBe(x.frac);
    // The report names each column's feature beside its format.
    expect(quantReport(q)).toMatch(new RegExp(`\\| x\\[1\\] x1 \\| [^|]+ \\| [^|]+ \\| int${bits} Q${x.fracs[1]} \\| (max|percentile|mse) \\|`));
  });

  it("the folded columns still stand for the float weights: w ≈ w_q · s[r] · 2^(f[k] - frac), within half a step", () => {
    const q = quantizeModel({ model, scheme: "w8a16", source, calib });
    const { x, layers } = q.fixed!;
    const L = layers[0]!;
    const I = x.fracs.length;
    model.weights.layers[0]!.wx.forEach((w, n) => {
      const step = L.scaleX[Math.floor(n / I)]! * 2 ** (x.fracs[n % I]! - x.frac);
      expect(Math.abs(w - L.wx[n]! * step)).toBeLessThanOrEqual(step / 2 + 1e-15);
    });
  });

  it("w8a8: per-column formats beat one shared format on held-out data", () => {
    const q = quantizeModel({ model, scheme: "w8a8", source, calib });
    const formats = chooseFormats(model, "w8a8", observeRanges(model, calib.inputs));
    const coarsest = Math.min(...formats.x.fracs);
    const shared = { ...formats, x: { ...formats.x, frac: coarsest, fracs: formats.x.fracs.map(() => coarsest) } };
    const one = withHash({ ...q, fixed: buildFixedPoint(model, "w8a8", shared, "m") });
    const perColumn = measureAccuracy(model, q, held).l2r;
    const sharedL2r = measureAccuracy(model, one, held).l2r;
    expect(perColumn).toBeLessThan(0.8 * sharedL2r);
  });
});
