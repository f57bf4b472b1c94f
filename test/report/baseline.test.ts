/**
 * The linear baseline (src/report/baseline.ts) against facts that do not depend on how it solves:
 * data made by a known linear map is recovered exactly, and on noisy data the residual is
 * orthogonal to every regressor (the defining property of least squares).
 */
import { describe, expect, it } from "vitest";
import { fitLinearBaseline, predictLinearBaseline } from "../../src/report/baseline.js";
import { histogramOf } from "../../src/report/collect.js";
import { seededRandom } from "../../src/verify/random-quant-model.js";

/** T rows of I features, and O targets y_j = b + Σ w · x over the window j-K-N+1 … j-K (+ noise). */
function series(T: number, I: number, O: number, N: number, K: number, noise: number, seed = 3) {
  const r = seededRandom(seed);
  const u = () => 2 * r() - 1;
  const inputs = Array.from({ length: T }, () => Float64Array.from({ length: I }, u));
  const beta = Array.from({ length: O }, () => Float64Array.from({ length: 1 + N * I }, u));
  const targets = Array.from({ length: T }, (_, j) =>
    Float64Array.from(beta, (b) => {
      if (j < N + K - 1) return 0;
      let s = b[0]!;
      for (let w = 0; w < N; w++) for (let k = 0; k < I; k++) s += b[1 + w * I + k]! * inputs[j - K - N + 1 + w]![k]!;
      return s + noise * u();
    }),
  );
  return { inputs, targets, beta };
}

describe("linear baseline", () => {
  it("recovers the coefficients of noise-free data, and predicts rows it was not fitted on", () => {
    const N = 4;
    const K = 2;
    const { inputs, targets, beta } = series(300, 3, 2, N, K, 0);
    const fit = fitLinearBaseline(inputs, targets, [N + K - 1, 200], N, K);
    expect(fit.samples).toBe(200 - (N + K - 1));
    fit.coefficients.forEach((c, o) => c.forEach((v, a) => expect(v).toBeCloseTo(beta[o]![a]!, 7)));
    const rows = Array.from({ length: 100 }, (_, k) => 200 + k);
    predictLinearBaseline(fit, inputs, rows).forEach((y, k) => y.forEach((v, o) => expect(v).toBeCloseTo(targets[rows[k]!]![o]!, 7)));
  });

  it("leaves a residual orthogonal to the intercept and every regressor on noisy data", () => {
    const N = 3;
    const K = 1;
    const { inputs, targets } = series(400, 2, 1, N, K, 0.5, 9);
    const from = N + K - 1;
    const fit = fitLinearBaseline(inputs, targets, [from, 400], N, K);
    const rows = Array.from({ length: 400 - from }, (_, k) => from + k);
    const pred = predictLinearBaseline(fit, inputs, rows);
    const grad = new Float64Array(1 + N * 2);
    rows.forEach((j, k) => {
      const e = targets[j]![0]! - pred[k]![0]!;
      grad[0]! += e;
      for (let w = 0; w < N; w++) for (let i = 0; i < 2; i++) grad[1 + w * 2 + i]! += e * inputs[j - K - N + 1 + w]![i]!;
    });
    // The ridge (1e-9 of the mean diagonal) leaves a gradient of that order; noise alone gives ~10.
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-6);
  });

  it("still solves when a feature is constant over the training rows (collinear with the intercept)", () => {
    const { inputs, targets } = series(120, 2, 1, 2, 1, 0, 4);
    for (const row of inputs) row[1] = 0.25;
    const fit = fitLinearBaseline(inputs, targets, [2, 120], 2, 1);
    expect(fit.coefficients[0]!.every(Number.isFinite)).toBe(true);
  });
});

describe("histogramOf", () => {
  it("puts every value in exactly one bin of a 1-2-5 width, about the number asked for", () => {
    const r = seededRandom(7);
    const values = Array.from({ length: 1000 }, () => (r() - 0.3) * 0.07);
    const bins = histogramOf(values, 30);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(1000);
    const width = bins[0]!.to - bins[0]!.from;
    expect(width / 10 ** Math.floor(Math.log10(width))).toSatisfy((m: number) => [1, 2, 5].some((x) => Math.abs(m - x) < 1e-9));
    expect(bins.length).toBeGreaterThanOrEqual(15);
    expect(bins.length).toBeLessThanOrEqual(31);
    for (const v of values) {
      const holding = bins.filter((b, k) => v >= b.from && (v < b.to || (k === bins.length - 1 && v <= b.to)));
      expect(holding.length).toBe(1);
    }
    expect(bins[0]!.from).toBeLessThanOrEqual(Math.min(...values));
  });

  it("gives one bin for values that are all equal, and none for no values", () => {
    expect(histogramOf([0, 0, 0], 30)).toEqual([{ from: 0, to: 1, count: 3 }]);
    expect(histogramOf([], 30)).toEqual([]);
  });
});
