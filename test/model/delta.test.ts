/**
 * Delta outputs (`train --delta`, architecture.delta): the head predicts the change of a feature
 * from its last observed value, and every engine adds that value back. Checked here against hand
 * computations: the float64 reference, the trainer's targets, the fixed-point rescale and the
 * simulator's add, the overflow proof's bound; and the file rules (a delta model is version 2 of
 * the float file and 3 of the quantized one; earlier files load as level models). The generated C
 * and TypeScript are held to the simulator by test/verify/parity.slow.test.ts and
 * parity.qemu.test.ts.
 */
import { describe, expect, it } from "vitest";
import { floatEngine } from "../../src/model/float-engine.js";
import { MODEL_VERSION, modelVersionFor, parseFloatModel, type FloatModel } from "../../src/model/model-file.js";
import { contentHash, parseQuantModel, quantVersionFor, withHash, type QuantModel } from "../../src/model/quant-model-file.js";
import { rescale, rshr, sat16 } from "../../src/quant/int-ops.js";
import { proveOverflow } from "../../src/quant/overflow.js";
import { quantizeInputs, Simulator } from "../../src/quant/simulator.js";
import { prepareSamples } from "../../src/train/samples.js";
import type { Series } from "../../src/data/api.js";
import { floatModel, quantized, seriesData } from "../verify/fixtures.js";

/** The same model without architecture.delta: what the head alone computes. */
function levelOf<M extends FloatModel | QuantModel>(m: M): M {
  const { delta: _delta, ...architecture } = m.architecture;
  return { ...m, architecture };
}

describe("the float64 reference", () => {
  it("adds the step's input of each output's feature to the head: y[o] = head[o] + x[delta[o]]", () => {
    const m = floatModel({ inputSize: 3, hidden: 4, outputs: 2, delta: true });
    expect(m.architecture.delta).toEqual([0, 1]);
    const delta = floatEngine(m);
    const level = floatEngine(levelOf(m));
    const inputs = seriesData(m, 6).inputs;
    for (const x of inputs) {
      const y = Float64Array.from(delta.step(x));
      const head = level.step(x);
      expect(y[0]).toBe(head[0]! + x[0]!);
      expect(y[1]).toBe(head[1]! + x[1]!);
    }
  });

  it("with a head of zero weights, outputs its bias plus the last input, by hand", () => {
    const m = floatModel({ inputSize: 2, hidden: 3, delta: true });
    m.weights.head = { w: [0, 0, 0], b: [0.25] };
    const e = floatEngine(m);
    e.step(Float64Array.of(9, 9));
    expect(Array.from(e.step(Float64Array.of(-1.5, 7)))).toEqual([-1.25]);
  });
});

describe("the trainer's targets", () => {
  // A trend with a wiggle: level 100 + 2t, the second feature unrelated.
  const rows = 40;
  const level = Float64Array.from({ length: rows }, (_, t) => 100 + 2 * t + (t % 3));
  const other = Float64Array.from({ length: rows }, (_, t) => Math.sin(t));
  const series: Series = { file: "trend.csv", rows, columns: new Map([["v", level], ["w", other]]) };

  for (const mode of ["window", "stream"] as const) {
    it(`${mode} mode: the change of the target from the last input row, in the feature's normalisation`, () => {
      const spec = { features: ["w", "v"], targets: ["v"], window: 4, horizon: 2, mode, val: 0.25, delta: true };
      const p = prepareSamples(series, spec);
      const { mean, scale } = p.normalization.input;
      expect(p.normalization.output).toEqual({ mean: [mean[1]], scale: [scale[1]] });
      const norm = (t: number) => (level[t]! - mean[1]!) / scale[1]!;
      const s = p.train;
      // Predicted row j, last input row j - horizon (src/model/sequence.ts).
      const predicted = (i: number) => (s.kind === "window" ? s.start[i]! + 4 - 1 + 2 : p.split.train[0] + i);
      const count = s.kind === "window" ? s.start.length : s.steps;
      expect(count).toBeGreaterThan(10);
      for (let i = 0; i < count; i++) {
        const j = predicted(i);
        expect(s.y[i]).toBeCloseTo(norm(j) - norm(j - 2), 12);
      }
      // Without --delta the same rows are levels, in the target's own normalisation.
      const levels = prepareSamples(series, { ...spec, delta: false });
      expect(levels.train.y[0]).not.toBeCloseTo(s.y[0]!, 3);
    });
  }

  it("refuses a target that is not a feature, under --delta", () => {
    expect(() => prepareSamples(series, { features: ["w"], targets: ["v"], window: 4, horizon: 1, mode: "window", val: 0.2, delta: true })).toThrow(
      /must be one of the features/,
    );
  });
});

describe("fixed point", () => {
  it("rescale: a left shift to a finer format, a rounding right shift to a coarser one", () => {
    expect(rescale(5, 3, 6)).toBe(40);
    expect(rescale(-5, 3, 6)).toBe(-40);
    expect(rescale(7, 4, 4)).toBe(7);
    expect(rescale(5, 6, 3)).toBe(1); // 5/8 = 0.625 rounds to 1
    expect(rescale(-12, 5, 2)).toBe(-1); // -1.5 rounds half up to -1
    expect(rescale(-13, 5, 2)).toBe(rshr(-13, 3));
    expect(rescale(-32768, 0, 15)).toBe(-(2 ** 30));
  });

  for (const scheme of ["w8a16", "w16a16", "w8a8"] as const) {
    it(`${scheme}: the simulator adds x_q[k] in y's format before the one saturation`, () => {
      const fm = floatModel({ mode: "stream", inputSize: 3, hidden: 5, outputs: 2, delta: true });
      const q = quantized(fm, scheme);
      const fx = q.fixed!;
      const delta = new Simulator(q);
      // The same file without delta computes the head alone; where that did not saturate, it is the sum the add starts from.
      const level = new Simulator(levelOf(q));
      let added = 0;
      for (const x of quantizeInputs(q, seriesData(fm, 50).inputs)) {
        const y = Array.from(delta.step(x));
        const head = level.step(x);
        for (let o = 0; o < 2; o++) {
          const k = q.architecture.delta![o]!;
          const last = rescale(x[k]!, fx.x.fracs[k]!, fx.head.outFrac);
          if (Math.abs(head[o]!) < 32767) {
            expect(y[o]).toBe(sat16(head[o]! + last));
            added++;
          }
        }
      }
      expect(added).toBeGreaterThan(50);
    });
  }

  it("the overflow proof bounds the bias plus the last observed value (int32), and y with it", () => {
    const q = quantized(floatModel({ inputSize: 3, hidden: 5, outputs: 2, delta: true }), "w8a8");
    const fx = q.fixed!;
    const proof = proveOverflow(q);
    const bound = proof.bounds.find((b) => b.name === "head.bias + last observed")!;
    const lastMax = (o: number) => {
      const k = q.architecture.delta![o]!;
      const shift = fx.head.outFrac - fx.x.fracs[k]!;
      return shift >= 0 ? 128 * 2 ** shift : rshr(128, -shift);
    };
    expect(Number(bound.bound)).toBe(Math.max(...[0, 1].map((o) => Math.abs(fx.head.bias[o]!) + lastMax(o))));
    expect(bound.type).toBe("int32");
    const yLevel = proveOverflow(levelOf(q)).saturable.find((s) => s.name === "y")!.bound;
    expect(proof.saturable.find((s) => s.name === "y")!.bound).toBeGreaterThan(yLevel);
  });
});

describe("the model files", () => {
  const level = floatModel({ inputSize: 2, hidden: 3 });
  const delta = floatModel({ inputSize: 2, hidden: 3, delta: true });
  const text = (m: unknown) => JSON.stringify(m);

  it("a delta model is written as version 2 (float) and 3 (quantized), a level model as 1 and 2", () => {
    expect(modelVersionFor(delta.architecture)).toBe(2);
    expect(modelVersionFor(level.architecture)).toBe(1);
    expect(quantized(delta, "w8a16").version).toBe(3);
    expect(quantized(level, "w8a16").version).toBe(2);
    expect(quantized(delta, "f32").version).toBe(quantVersionFor(delta.architecture));
  });

  it("a version-1 float file (before --delta) loads as a level model", () => {
    const old = { ...level, version: 1 };
    const back = parseFloatModel(text(old), "old.json");
    expect(back.architecture.delta).toBeUndefined();
    const x = Float64Array.of(0.5, -0.25);
    expect(Array.from(floatEngine(back).step(x))).toEqual(Array.from(floatEngine(level).step(x)));
  });

  it("a version-2 quantized file (before --delta) loads as a level model", () => {
    const q = quantized(level, "w8a16");
    const back = parseQuantModel(text(q), "old.q.json");
    expect(back.version).toBe(2);
    expect(back.architecture.delta).toBeUndefined();
  });

  it.each([
    ["a delta model in a version-1 file", (m: any) => (m.version = 1), /field version: 2 or later expected for a model with architecture\.delta/],
    ["a feature index beyond the inputs", (m: any) => (m.architecture.delta = [2]), /field architecture\.delta\[0\]: an input feature index 0 … 1 expected, found 2/],
    ["one index per output", (m: any) => (m.architecture.delta = [0, 1]), /field architecture\.delta: 1 values expected, found 2/],
    ["an output normalisation not the feature's", (m: any) => (m.normalization.output.mean = [123]), /field normalization\.output: output 0 is the change of input 0: its mean and scale must be input 0's/],
  ])("refuses %s, naming the field", (_name, edit, wanted) => {
    const m = structuredClone(delta) as any;
    m.version = MODEL_VERSION;
    edit(m);
    expect(() => parseFloatModel(text(m), "m.json")).toThrow(wanted);
  });

  it("refuses a quantized delta model in a version-2 file", () => {
    const q = structuredClone(quantized(delta, "w8a16")) as any;
    q.version = 2;
    q.hash = contentHash(q);
    expect(() => parseQuantModel(text(q), "m.q.json")).toThrow(/field version: 3 or later expected for a model with architecture\.delta/);
    expect(parseQuantModel(text(withHash(quantized(delta, "w8a16"))), "m.q.json").architecture.delta).toEqual([0]);
  });
});
