/**
 * The linear baseline (src/data/linear-baseline.ts) against facts that do not depend on how it solves:
 * data made by a known linear map is recovered exactly, and on noisy data the residual is
 * orthogonal to every regressor (the defining property of least squares); which rows the report
 * fits it on; and the report's histogram bins.
 */
import { describe, expect, it } from "vitest";
import { fitLinearBaseline, fitSeriesBaseline, predictLinearBaseline, seriesBaselinePredictions } from "../../src/data/linear-baseline.js";
import { fitNormalization } from "../../src/data/normalization.js";
import { scoreLines } from "../../src/data/predict-series.js";
import type { Series } from "../../src/data/api.js";
import type { ModelSeries } from "../../src/data/model-data.js";
import { histogramOf, linearBaseline } from "../../src/report/collect.js";
import { seededRandom } from "../../src/verify/random-quant-model.js";
import { floatModel, rawSeries, seriesData } from "../verify/fixtures.js";

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

describe("the report's linear baseline", () => {
  const fm = floatModel({ inputSize: 3, window: 5 });
  /** The model's columns of `rows` synthetic rows, as read from a training file. */
  function training(rows: number): { file: string; data: ModelSeries; val: number } {
    const raw = rawSeries(fm, rows);
    const columns = new Map<string, Float64Array>();
    fm.features.forEach((name, k) => columns.set(name, Float64Array.from(raw.features, (x) => x[k]!)));
    fm.targets.forEach((name, o) => columns.set(name, Float64Array.from(raw.targets, (y) => y[o]!)));
    return { file: "train.csv", data: { series: { file: "train.csv", rows, columns }, hash: "sha256:x", presentTargets: fm.targets }, val: 0.2 };
  }
  const test = seriesData(fm, 50, 8);

  it("is fitted on the training part only, and predicts every row with a whole window of this data", () => {
    const b = linearBaseline(fm, training(300), test);
    // 300 rows, the last 60 held out: samples predict rows 5 … 239 (window 5, horizon 1).
    expect("fittedOn" in b && b.fittedOn).toBe("train.csv, rows 5–239 (the training part; the last 0.2 held out as training did)");
    expect("samples" in b && b.samples).toBe(235);
    expect("predictions" in b && b.predictions.rows).toEqual(Array.from({ length: 45 }, (_, k) => k + 5));
  });

  it("is left out, saying why, when the training part has fewer samples than twice its weights", () => {
    // 40 rows: 32 training rows, 27 samples, for 1 + 5 × 3 = 16 weights.
    expect(linearBaseline(fm, training(40), test)).toEqual({ note: "27 training samples in train.csv, fewer than twice the 16 weights of a linear map from 5 rows of 3 features" });
    expect(linearBaseline(fm, { note: "none" }, test)).toEqual({ note: "none" });
  });
});

describe("the baseline train and predict print", () => {
  // y_t = 0.6·y_{t-1} - 0.3·y_{t-2} + 0.5·u_{t-1} + 2: exactly linear in the last rows.
  const n = 400;
  const u = Float64Array.from({ length: n }, (_, t) => Math.sin(t * 0.37) + Math.cos(t * 0.11));
  const y = new Float64Array(n);
  for (let t = 2; t < n; t++) y[t] = 0.6 * y[t - 1]! - 0.3 * y[t - 2]! + 0.5 * u[t - 1]! + 2;
  const series: Series = { file: "ar.csv", rows: n, columns: new Map([["y", y], ["u", u]]) };
  const normalization = { input: fitNormalization(series, ["y", "u"], 300), output: fitNormalization(series, ["y"], 300) };
  const model = { features: ["y", "u"], targets: ["y"], normalization };

  it("fitted on the training windows, it predicts an exactly linear series exactly", () => {
    const stored = fitSeriesBaseline(series, model, [3, 300], 3, 1)!;
    expect(stored.samples).toBe(297);
    const rows = Array.from({ length: 100 }, (_, k) => 300 + k);
    const p = seriesBaselinePredictions(stored, series, model, [0, 1, ...rows], 3, 1);
    expect(p.rows).toEqual(rows); // rows 0 and 1 have no whole window: left out
    p.values[0]!.forEach((v, k) => expect(v).toBeCloseTo(y[rows[k]!]!, 6));
  });

  it("too few training samples for its weights: no baseline", () => {
    expect(fitSeriesBaseline(series, model, [3, 16], 3, 1)).toBeNull();
  });

  it("says plainly when the LSTM does not beat it, and nothing when it does", () => {
    const base = { target: "y", count: 10, rmse: 1.2, mae: 1, persistence: { rmse: 2, mae: 1.5 } };
    const worse = scoreLines("y", { ...base, linear: { baseline: { rmse: 0.9, mae: 0.7 }, model: { rmse: 1.2, mae: 1 }, count: 10 } }, 3);
    expect(worse[0]).toBe("y: RMSE 1.200 (persistence 2.000, linear AR 0.9000), MAE 1.000, 10 predictions");
    expect(worse[1]).toMatch(/^y: the LSTM does not beat a linear autoregressive model of the last 3 rows \(RMSE 0\.9000 against the LSTM's 1\.200 on the same 10 rows\)/);
    const better = scoreLines("y", { ...base, linear: { baseline: { rmse: 1.5, mae: 1.1 }, model: { rmse: 1.2, mae: 1 }, count: 10 } }, 3);
    expect(better).toHaveLength(1);
  });
});
