// Window index arithmetic against a hand-checked example, the chronological split (no
// validation target reaches training), and normalisation fitted on the training part only.
import { describe, expect, it } from "vitest";
import type { Series } from "../../src/data/api.js";
import { prepareSamples, windowInputs } from "../../src/train/samples.js";
import { chronologicalSplit } from "../../src/data/windows.js";
import { windowInputRows } from "../../src/model/sequence.js";
import type { StreamSamples, WindowSamples } from "../../src/train/api.js";

/** Each window's inputs, and each window's targets, as plain arrays. */
const windows = (s: WindowSamples) => Array.from(s.start, (_, k) => windowInputs(s, k));
const targets = (s: WindowSamples) => Array.from(s.start, (_, k) => s.y.subarray(k * s.outputSize, (k + 1) * s.outputSize));

function series(cols: Record<string, number[]>): Series {
  const columns = new Map(Object.entries(cols).map(([k, v]) => [k, Float64Array.from(v)]));
  return { file: "s.csv", rows: Object.values(cols)[0]!.length, columns };
}

describe("window rows", () => {
  it("N = 3, K = 2: row 6 is predicted from rows 2, 3, 4 (src/model/sequence.ts: j-K-N+1 … j-K)", () => {
    expect(windowInputRows(6, 3, 2)).toEqual([2, 4]);
    expect(windowInputRows(1, 1, 1)).toEqual([0, 0]);
  });

  it("cuts the hand-checked windows of a 10-row series", () => {
    // x = row index ·10, y = row index; normalisation is undone below by reading back raw values.
    const rows = 10;
    const s = series({ x: Array.from({ length: rows }, (_, r) => 10 * r), y: Array.from({ length: rows }, (_, r) => r) });
    const p = prepareSamples(s, { features: ["x"], targets: ["y"], window: 3, horizon: 2, mode: "window", val: 0.3 });
    // 3 validation rows (7, 8, 9): the training part is rows 0…6; first predicted row K+N-1 = 4.
    expect(p.split).toEqual({ rows: 10, splitRow: 7, train: [4, 7], val: [7, 10] });
    const raw = (v: number, k: "input" | "output") => v * p.normalization[k].scale[0]! + p.normalization[k].mean[0]!;
    const t = p.train as WindowSamples;
    expect(windows(t).map((w) => Array.from(w, (v) => Math.round(raw(v, "input"))))).toEqual([
      [0, 10, 20], // predicts row 4
      [10, 20, 30], // row 5
      [20, 30, 40], // row 6
    ]);
    expect(targets(t).map((y) => Math.round(raw(y[0]!, "output")))).toEqual([4, 5, 6]);
    const v = p.val as WindowSamples;
    expect(windows(v).map((w) => Array.from(w, (x) => Math.round(raw(x, "input"))))).toEqual([
      [30, 40, 50],
      [40, 50, 60],
      [50, 60, 70],
    ]);
    expect(targets(v).map((y) => Math.round(raw(y[0]!, "output")))).toEqual([7, 8, 9]);
  });

  it("keeps validation targets out of training: every training window's inputs and target precede the split", () => {
    for (const [rows, N, K, val] of [[50, 5, 1, 0.2], [37, 8, 3, 0.25], [20, 1, 4, 0.5]] as const) {
      const split = chronologicalSplit(rows, val, { window: N, horizon: K, mode: "window" }, "f");
      for (let j = split.train[0]; j < split.train[1]; j++) {
        expect(windowInputRows(j, N, K)[0]).toBeGreaterThanOrEqual(0);
        expect(windowInputRows(j, N, K)[1]).toBeLessThan(split.splitRow);
        expect(j).toBeLessThan(split.splitRow);
      }
      expect(split.val![0]).toBe(split.splitRow);
    }
  });

  it("stream mode: y at step t is the target of row t+K; the validation stream starts K rows before the split", () => {
    const s = series({ x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], y: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90] });
    const p = prepareSamples(s, { features: ["x"], targets: ["y"], window: 2, horizon: 2, mode: "stream", val: 0.2 });
    const rx = (v: number) => Math.round(v * p.normalization.input.scale[0]! + p.normalization.input.mean[0]!);
    const ry = (v: number) => Math.round(v * p.normalization.output.scale[0]! + p.normalization.output.mean[0]!);
    const t = p.train as StreamSamples;
    expect(t.steps).toBe(6);
    expect(Array.from(t.x, rx)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(t.y, ry)).toEqual([20, 30, 40, 50, 60, 70]);
    const v = p.val as StreamSamples;
    expect(Array.from(v.x, rx)).toEqual([6, 7]);
    expect(Array.from(v.y, ry)).toEqual([80, 90]);
  });

  it("lays out several features step-major", () => {
    const s = series({ a: [1, 2, 3, 4], b: [5, 7, 6, 9] });
    const p = prepareSamples(s, { features: ["a", "b"], targets: ["a"], window: 2, horizon: 1, mode: "window", val: 0 });
    const n = p.normalization.input;
    const w = windows(p.train as WindowSamples)[0]!; // predicts row 2 from rows 0, 1
    expect(Array.from(w, (v, k) => Math.round(v * n.scale[k % 2]! + n.mean[k % 2]!))).toEqual([1, 5, 2, 7]);
    expect(p.val).toBeNull();
  });
});

describe("split and size errors", () => {
  const spec = { window: 4, horizon: 1, mode: "window" as const };
  it("fewer rows than one window", () => {
    expect(() => chronologicalSplit(4, 0, spec, "f.csv")).toThrow(/^f\.csv: 4 data rows, fewer than one window: at least 5 expected \(window 4 \+ horizon 1\)$/);
  });
  it("a validation fraction that leaves too little training", () => {
    expect(() => chronologicalSplit(8, 0.5, spec, "f.csv")).toThrow(/a validation fraction of 0\.5 leaves 4 of 8 rows for training/);
  });
  it("a validation fraction too small to hold a row", () => {
    expect(() => chronologicalSplit(10, 0.01, spec, "f.csv")).toThrow(/^val: 0\.01 of 10 rows leaves no validation row/);
  });
});

describe("normalisation", () => {
  it("is fitted on the training part only: changing validation rows changes nothing", () => {
    const base = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const spec = { features: ["x"], targets: ["x"], window: 2, horizon: 1, mode: "window" as const, val: 0.3 };
    const a = prepareSamples(series({ x: base }), spec);
    const b = prepareSamples(series({ x: [...base.slice(0, 7), 1000, -1000, 1e6] }), spec);
    expect(b.normalization).toEqual(a.normalization);
    // mean and population standard deviation of the first 7 rows, by hand: 25/7, sqrt(Σ(x-m)²/7)
    const m = 25 / 7;
    const sd = Math.sqrt(base.slice(0, 7).reduce((s, v) => s + (v - m) ** 2, 0) / 7);
    expect(a.normalization.input.mean[0]).toBeCloseTo(m, 12);
    expect(a.normalization.input.scale[0]).toBeCloseTo(sd, 12);
    expect(windows(a.train as WindowSamples)[0]![0]).toBeCloseTo((3 - m) / sd, 12);
  });

  it("refuses a column that is constant over the training part, naming it", () => {
    const spec = { features: ["x", "k"], targets: ["x"], window: 2, horizon: 1, mode: "window" as const, val: 0.25 };
    const s = series({ x: [1, 2, 3, 4, 5, 6, 7, 8], k: [2, 2, 2, 2, 2, 2, 9, 9] });
    expect(() => prepareSamples(s, spec)).toThrow(/^s\.csv: column "k": constant \(2 in all 6 training rows\); a column that varies expected/);
    const t = series({ x: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], k: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(() => prepareSamples(t, { ...spec, features: ["k"] })).toThrow(/column "x": constant/);
  });
});
