/**
 * The WebAssembly SIMD kernels (src/train/wasm/) against the TypeScript reference kernels
 * (src/train/kernels.ts): the same call on two copies of one random memory must give the same
 * numbers within a few ulps where the kernel writes, and leave every other double untouched
 * (bit for bit). Shapes cover the blocked paths and every leftover: odd and even columns, one,
 * two and an odd number of samples, strides wider than the rows. Also: the committed bytes are
 * what the source assembles to, and whole training updates agree.
 */
import { describe, expect, it } from "vitest";
import { tsKernels, type Kernels } from "../../src/train/kernels.js";
import { paramLayout } from "../../src/train/layout.js";
import { adam } from "../../src/train/optimizer.js";
import { TrainingStep } from "../../src/train/training-step.js";
import { assembleKernels } from "../../scripts/build-kernels.js";
import { KERNELS_WASM_BASE64 } from "../../src/train/wasm/kernels-wasm.js";
import { wasmKernels } from "../../src/train/wasm/wasm-kernels.js";
import { resetState } from "../../src/train/workspace.js";
import { randomArray, randomParams } from "./fixtures.js";

const DOUBLES = 8192; // one page of 64 KiB

/** Two memories with the same random content: one for the wasm kernels, one for the reference. */
function pair(seed: number, scale = 1): { wasm: Kernels; ref: Kernels; a: Float64Array; b: Float64Array } {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const a = new Float64Array(memory.buffer);
  a.set(randomArray(DOUBLES, seed, scale));
  const b = Float64Array.from(a);
  return { wasm: wasmKernels(memory), ref: tsKernels(b), a, b };
}

/** Indices a kernel may write: `count` rows of `len` doubles from `base`, `stride` apart. */
function rows(base: number, stride: number, count: number, len: number): Set<number> {
  const s = new Set<number>();
  for (let n = 0; n < count; n++) for (let k = 0; k < len; k++) s.add(base + n * stride + k);
  return s;
}

/** Written doubles agree within `tol` (relative to 1 + |value|); all others are bit-identical. */
function expectSame(a: Float64Array, b: Float64Array, written: Set<number>, tol: number): void {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (written.has(i)) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
    else if (!Object.is(a[i], b[i])) throw new Error(`double ${i} changed outside the kernel's output: ${a[i]} vs ${b[i]}`);
  }
  expect(worst).toBeLessThan(tol);
}

const SHAPES = [
  { R: 4, C: 1, count: 1 },
  { R: 8, C: 2, count: 2 },
  { R: 12, C: 3, count: 3 },
  { R: 16, C: 7, count: 5 },
  { R: 20, C: 8, count: 4 },
  { R: 40, C: 13, count: 1 },
  { R: 32, C: 18, count: 6 },
  { R: 400 / 10, C: 50, count: 4 },
];

describe("wasm kernels against the TypeScript reference", () => {
  it("the committed module is what src/train/wasm/kernels-wat.ts assembles to (rebuild: make kernels)", async () => {
    const built = await assembleKernels();
    expect(Buffer.from(built).toString("base64")).toBe(KERNELS_WASM_BASE64);
  });

  it.each(SHAPES)("mv: R $R, C $C, $count samples", ({ R, C, count }) => {
    const { wasm, ref, a, b } = pair(1);
    const w = 10, s = 3000, d = 5000, sS = C + 3, dS = R + 1;
    wasm.mv(w, R, C, s, sS, count, d, dS);
    ref.mv(w, R, C, s, sS, count, d, dS);
    expectSame(a, b, rows(d, dS, count, R), 1e-13);
  });

  it.each(SHAPES)("mtv: R $R, C $C, $count samples", ({ R, C, count }) => {
    const { wasm, ref, a, b } = pair(2);
    const o = 7, oS = C + 1, w = 900, d = 6000, dS = R + 5;
    wasm.mtv(o, oS, C, w, R, d, dS, count);
    ref.mtv(o, oS, C, w, R, d, dS, count);
    expectSame(a, b, rows(o, oS, count, C), 1e-13);
  });

  it.each(SHAPES.flatMap((s) => [{ ...s, sgd: 0 as const }, { ...s, sgd: 1 as const }]))("wg: R $R, C $C, $count samples, sgd $sgd", ({ R, C, count, sgd }) => {
    const { wasm, ref, a, b } = pair(3);
    const at = 11, d = 4000, dS = R + 2, ao = 6500, aS = C + 1;
    wasm.wg(at, R, C, d, dS, ao, aS, count, sgd, 0.3);
    ref.wg(at, R, C, d, dS, ao, aS, count, sgd, 0.3);
    expectSame(a, b, rows(at, C, R, C), 1e-13);
  });

  it.each([1, 2, 5])("colsum over %i samples, both modes", (count) => {
    for (const sgd of [0, 1] as const) {
      const { wasm, ref, a, b } = pair(4 + sgd);
      wasm.colsum(3, 24, 1000, 31, count, sgd, 0.7);
      ref.colsum(3, 24, 1000, 31, count, sgd, 0.7);
      expectSame(a, b, rows(3, 0, 1, 24), 1e-14);
    }
  });

  it.each([
    ["cellStd", 1, 6],
    ["cellStd", 3, 5],
    ["cellSeed", 2, 7],
    ["cellSeed", 1, 32],
  ] as const)("%s: %i samples, %i hidden units (e^x, σ and tanh of its own)", (name, nb, H) => {
    const { wasm, ref, a, b } = pair(6, 9);
    // Pre-activations beyond the clamp of e^x, zero, and tiny, besides the random ones.
    const extremes = [800, -800, 40, -40, 0, -0, 1e-300, -3e-9, 709.5, -708.5];
    extremes.forEach((v, i) => {
      a[100 + i] = v;
      b[100 + i] = v;
    });
    const act = 100, cp = 2000, cn = 3000, hn = 4000, tc = 5000;
    wasm[name](act, cp, cn, hn, tc, H, nb);
    ref[name](act, cp, cn, hn, tc, H, nb);
    const written = new Set([...rows(act, 0, 1, 4 * H * nb), ...rows(cn, 0, 1, H * nb), ...rows(hn, 0, 1, H * nb)]);
    if (name === "cellStd") for (const i of rows(tc, 0, 1, H * nb)) written.add(i);
    expectSame(a, b, written, 4e-16);
  });

  it.each([
    ["cellBackStd", 1, 6],
    ["cellBackStd", 3, 5],
    ["cellBackSeed", 2, 7],
    ["cellBackSeed", 1, 32],
  ] as const)("%s: %i samples, %i hidden units, equal to the last bit", (name, nb, H) => {
    const { wasm, ref, a, b } = pair(8);
    const act = 10, dz = 1000, dh = 2000, dhN = 3000, dcN = 3500, cp = 4000, x = 5000;
    wasm[name](act, dz, dh, dhN, dcN, cp, x, H, nb);
    ref[name](act, dz, dh, dhN, dcN, cp, x, H, nb);
    const written = new Set([...rows(dz, 0, 1, 4 * H * nb), ...rows(dcN, 0, 1, H * nb)]);
    const before = randomArray(DOUBLES, 8);
    expect([...written].filter((i) => a[i] === before[i])).toEqual([]); // every output written
    expectSame(a, b, written, Number.MIN_VALUE); // i.e. no difference at all
  });

  it("a NaN pre-activation gives NaN, as Math.exp does (divergence must show in the loss)", () => {
    const { wasm, a } = pair(7);
    a[0] = Number.NaN;
    wasm.cellStd(0, 100, 200, 300, 400, 2, 1);
    expect(a[200]).toBeNaN();
    expect(a[300]).toBeNaN();
  });
});

describe("training updates, wasm against the TypeScript kernels", () => {
  it.each(["standard", "seed"] as const)("five Adam updates of a two-layer %s net, batch 3 of odd sizes, agree to 1e-10", (cell) => {
    const lay = paramLayout({ inputSize: 3, hidden: 5, layers: 2, outputSize: 2 });
    const run = (kernels: "wasm" | "ts") => {
      const step = new TrainingStep(lay, { cell, loss: { kind: "mse", every: true }, maxBatch: 3, maxSteps: 7, clip: 0, kernels }, null, adam(0.01, lay.size));
      step.params.set(randomParams(lay, 21, 0.6));
      step.ws.x.set(randomArray(7 * 3 * 3, 22, 1.5));
      step.ws.target.set(randomArray(7 * 3 * 2, 23, 1));
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) {
        resetState(step.ws, 3);
        losses.push(step.update(3, 7));
      }
      return { p: Array.from(step.params), losses };
    };
    const w = run("wasm");
    const t = run("ts");
    expect(w.p.some((v, i) => v !== randomParams(lay, 21, 0.6)[i])).toBe(true);
    w.p.forEach((v, i) => expect(Math.abs(v - t.p[i]!)).toBeLessThan(1e-10));
    w.losses.forEach((v, i) => expect(Math.abs(v - t.losses[i]!)).toBeLessThan(1e-12));
  });
});
