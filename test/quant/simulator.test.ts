/**
 * The simulator against the float64 reference on random models of trained-model magnitude,
 * every scheme, both cells, both run modes, stacked layers; and the integer invariants the C
 * relies on (every stored value inside its C type).
 */
import { describe, expect, it } from "vitest";
import { quantizeModel } from "../../src/quant/quantize.js";
import type { QuantModel } from "../../src/model/quant-model-file.js";
import type { Scheme } from "../../src/model/schemes.js";
import { Simulator, simulateSeries, quantizeInputs, satRecord, type StepTrace } from "../../src/quant/simulator.js";
import { fixedEngine } from "../../src/quant/fixed-engine.js";
import { runSeries } from "../../src/model/sequence.js";
import { randomModel, syntheticSeries } from "./fixtures.js";

/**
 * l2r bounds per scheme on these models (the accuracy goals are for the demo task, in bench).
 * The seed cell under w8a8 (int8 h = c·o, unbounded, in its own calibrated format:
 * docs/fixed-point.md) is measured at 1.7e-2 … 2.6e-2 here (3.5e-2 … 5.3e-2 when h kept c's top
 * 8 bits): its own, looser bound.
 */
const BOUND: Record<Scheme, number> = { w16a16: 5e-4, w8a16: 5e-3, w8a8: 2e-2, f32: 1e-6 };
const SEED_W8A8_BOUND = 3e-2;

const calib = syntheticSeries(600, 3, 2, 11);
const held = syntheticSeries(400, 3, 2, 12, "held.csv");

describe.each(["standard", "seed"] as const)("%s cell", (cell) => {
  describe.each(["window", "stream"] as const)("%s mode", (mode) => {
    it.each(["w16a16", "w8a16", "w8a8", "f32"] as const)("%s stays within its l2r bound of float, on calibration and held-out data", (scheme) => {
      const model = randomModel({ cell, mode, layers: 2, hidden: 8, seed: 3, scale: cell === "seed" ? 0.3 : 0.5 });
      const q = quantizeModel({ model, scheme, source: { modelHash: "sha256:x", modelFile: "m.json" }, calib, data: held });
      const acc = q.accuracy;
      if (process.env.SEQFORGE_VERBOSE) console.log(`${cell} ${mode} ${scheme}: l2r calib ${acc.calib.l2r.toExponential(2)} held ${acc.data!.l2r.toExponential(2)} maxAbs ${acc.data!.maxAbs.toExponential(2)} cos ${acc.data!.cosine.toFixed(6)}`);
      const bound = cell === "seed" && scheme === "w8a8" ? SEED_W8A8_BOUND : BOUND[scheme];
      expect(acc.calib.l2r).toBeLessThan(bound);
      expect(acc.data!.l2r).toBeLessThan(bound);
      expect(acc.data!.cosine).toBeGreaterThan(1 - bound);
    });
  });
});

/**
 * An independent re-implementation of one step straight from docs/fixed-point.md, in BigInt
 * (exact at every width), to prove the simulator's JS-number arithmetic exact, saturating
 * inputs included.
 */
function bigStep(q: QuantModel, h: bigint[][], c: bigint[][], x: bigint[]): bigint[] {
  const f = q.fixed!;
  const T = f.nonlinearity.table.map(BigInt);
  const rs = (v: bigint, n: number) => (n === 0 ? v : (v + (1n << BigInt(n - 1))) >> BigInt(n));
  const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);
  const abs = (v: bigint) => (v < 0n ? -v : v);
  const tanh = (z: bigint) => {
    if (z >= 1n << 18n) return 32767n;
    if (z <= -(1n << 18n)) return -32767n;
    const a = abs(z), k = Number(a >> 9n), u = a & 511n;
    const t = T[k]! + (((T[k + 1]! - T[k]!) * u + 256n) >> 9n);
    return z < 0n ? -t : t;
  };
  const sig = (z: bigint) => {
    let t: bigint;
    if (z >= 1n << 19n) t = 32767n;
    else if (z <= -(1n << 19n)) t = -32767n;
    else {
      const a = abs(z), k = Number(a >> 10n), u = a & 1023n;
      t = T[k]! + (((T[k + 1]! - T[k]!) * u + 512n) >> 10n);
      if (z < 0n) t = -t;
    }
    const s = (32768n + t + 1n) >> 1n;
    return s > 32767n ? 32767n : s;
  };
  const H = q.architecture.hiddenSize;
  let input = x;
  f.layers.forEach((L, l) => {
    const I = input.length;
    const gates: bigint[] = [];
    for (let r = 0; r < 4 * H; r++) {
      let ax = 0n, ah = 0n;
      for (let k = 0; k < I; k++) ax += BigInt(L.wx[r * I + k]!) * input[k]!;
      for (let k = 0; k < H; k++) ah += BigInt(L.wh[r * H + k]!) * h[l]![k]!;
      ax = rs(ax, L.accShiftX);
      ah = rs(ah, L.accShiftH);
      const S = BigInt(L.shift);
      const z = clamp(((ax * BigInt(L.mx[r]!) + ah * BigInt(L.mh[r]!) + (1n << (S - 1n))) >> S) + BigInt(L.bias[r]!), -(2n ** 31n), 2n ** 31n - 1n);
      gates.push(r >= 2 * H && r < 3 * H ? tanh(z) : sig(z));
    }
    const hn: bigint[] = [];
    for (let j = 0; j < H; j++) {
      const [i, fg, g, o] = [gates[j]!, gates[H + j]!, gates[2 * H + j]!, gates[3 * H + j]!];
      const fc = L.cFrac;
      const c2 = q.architecture.cell === "standard" ? clamp(rs(fg * c[l]![j]!, 15) + rs(i * g, 30 - fc), -32768n, 32767n) : clamp(rs(g * i, 30 - fc) + rs(c[l]![j]! * fg, 15), -32768n, 32767n);
      c[l]![j] = c2;
      const p = q.architecture.cell === "standard" ? o * tanh(c2 * (1n << BigInt(15 - fc))) : c2 * o;
      const hShift = q.architecture.cell === "standard" ? 23 : 15 + fc - L.hFrac;
      hn.push(L.hBits === 8 ? clamp(rs(p, hShift), -128n, 127n) : rs(p, 15));
    }
    h[l] = hn;
    input = hn;
  });
  const y: bigint[] = [];
  const O = q.architecture.outputSize;
  for (let o = 0; o < O; o++) {
    let a = 0n;
    for (let k = 0; k < H; k++) a += BigInt(f.head.w[o * H + k]!) * input[k]!;
    a = rs(a, f.head.accShift);
    const S = BigInt(f.head.shift);
    y.push(clamp(((a * BigInt(f.head.m[o]!) + (1n << (S - 1n))) >> S) + BigInt(f.head.bias[o]!), -32768n, 32767n));
  }
  return y;
}

describe("the simulator equals a BigInt transcription of the specification", () => {
  it.each(["w16a16", "w8a16", "w8a8"] as const)("%s, both cells, 2 layers, including saturating inputs", (scheme) => {
    for (const cell of ["standard", "seed"] as const) {
      const model = randomModel({ cell, mode: "stream", layers: 2, hidden: 6, seed: 9 });
      const q = quantizeModel({ model, scheme, source: { modelHash: "x", modelFile: "m" }, calib });
      // Inputs ×8 from step 100 on: far outside the calibrated range, so x, c and y saturate.
      const inputs = held.inputs.slice(0, 200).map((x, t) => (t >= 100 ? x.map((v) => v * 8) : x));
      const sim = new Simulator(q);
      const H = q.architecture.hiddenSize;
      const h = q.fixed!.layers.map(() => Array<bigint>(H).fill(0n));
      const c = q.fixed!.layers.map(() => Array<bigint>(H).fill(0n));
      for (const x of inputs) {
        const xq = sim.quantizeInput(x);
        const y = sim.step(xq);
        const yb = bigStep(q, h, c, Array.from(xq, BigInt));
        expect(Array.from(y)).toEqual(yb.map(Number));
        sim.state.c.forEach((cl, l) => expect(Array.from(cl)).toEqual(c[l]!.map(Number)));
      }
      const s = satRecord(sim.sats);
      expect(q.fixed!.x.fracs.map((_, k) => s[`x[${k}]`]!).reduce((a, b) => a + b)).toBeGreaterThan(0); // the test did reach saturation
    }
  });
});

describe("integer invariants and the run modes", () => {
  it.each(["w16a16", "w8a16", "w8a8"] as const)("%s: every traced value lies in its C type", (scheme) => {
    for (const cell of ["standard", "seed"] as const) {
      const q = quantizeModel({ model: randomModel({ cell, layers: 2, seed: 4 }), scheme, source: { modelHash: "x", modelFile: "m" }, calib });
      const sim = new Simulator(q);
      const aMax = scheme === "w8a8" ? 127 : 32767;
      const problems: string[] = [];
      for (const x of held.inputs.slice(0, 100)) {
        const tr: StepTrace = { layers: [], y: new Int32Array(0) };
        sim.step(sim.quantizeInput(x.map((v) => v * 3)), tr);
        // Collected, then asserted once: an expect per value would dominate the test's time.
        const bad = (what: string, v: number, ok: boolean) => ok || problems.push(`${what} = ${v}`);
        for (const L of tr.layers) {
          for (const v of L.z) bad("z", v, Number.isInteger(v) && Math.abs(v) <= 2 ** 31);
          const H = L.c.length;
          L.gates.forEach((v, r) => bad("gate", v, v >= (r >= 2 * H && r < 3 * H ? -32767 : 0) && v <= 32767));
          for (const v of L.c) bad("c", v, Math.abs(v) <= 32768);
          for (const v of L.h) bad("h", v, Math.abs(v) <= aMax + 1);
        }
        for (const v of tr.y) bad("y", v, Math.abs(v) <= 32768);
      }
      expect(problems).toEqual([]);
    }
  });

  it.each(["window", "stream"] as const)("%s mode: simulateSeries on quantized inputs equals the float-facing engine", (mode) => {
    const q = quantizeModel({ model: randomModel({ mode, window: 5 }), scheme: "w8a16", source: { modelHash: "x", modelFile: "m" }, calib });
    const xq = quantizeInputs(q, held.inputs);
    const ints = simulateSeries(q, xq);
    const floats = runSeries(fixedEngine(q), q.architecture, held.inputs);
    expect(ints.rows).toEqual(floats.rows);
    const unit = 2 ** -q.fixed!.head.outFrac;
    ints.outputs.forEach((y, k) => expect(Array.from(y, (v) => v * unit)).toEqual(Array.from(floats.outputs[k]!)));
    // Window mode restarts every prediction from a reset state: the same window gives the same output.
    if (mode === "window") {
      const again = simulateSeries(q, xq.slice(1));
      expect(again.outputs[0]).toEqual(ints.outputs[1]);
    }
  });

  it("an accumulator bound broken by a hand-made file is caught, not wrapped", () => {
    const q = quantizeModel({ model: randomModel({ inputSize: 3 }), scheme: "w16a16", source: { modelHash: "x", modelFile: "m" }, calib });
    const bad = structuredClone(q);
    bad.fixed!.layers[0]!.accShiftX = 0;
    bad.fixed!.layers[0]!.wx.fill(32767);
    const sim = new Simulator(bad);
    expect(() => sim.step([32767, 32767, 32767])).toThrow(/outside int32/);
  });
});

describe("long streams (the 100,000-step figures are in make bench-quant)", () => {
  it.each(["w16a16", "w8a16", "w8a8"] as const)("%s: 10,000 streaming steps, both cells: no wrap, c within its format, saturations counted", (scheme) => {
    for (const cell of ["standard", "seed"] as const) {
      const model = randomModel({ cell, mode: "stream", layers: 1, hidden: 8, seed: 21, scale: cell === "seed" ? 0.3 : 0.5 });
      const q = quantizeModel({ model, scheme, source: { modelHash: "x", modelFile: "m" }, calib });
      const long = syntheticSeries(10_000, 3, 2, 99);
      const sim = new Simulator(q);
      let cMax = 0;
      for (const x of long.inputs) {
        sim.step(sim.quantizeInput(x));
        for (const v of sim.state.c[0]!) cMax = Math.max(cMax, Math.abs(v));
      }
      const calibMax = Math.max(...q.calibration.tensors.filter((t) => t.tensor === "layer0.c").map((t) => Math.max(-t.min, t.max)));
      const fc = q.fixed!.layers[0]!.cFrac;
      // The state stays within the range its format was chosen for (calibrated max × headroom 2).
      expect(cMax * 2 ** -fc).toBeLessThanOrEqual(2 * calibMax);
      expect(satRecord(sim.sats)["layer0.c"]).toBe(0);
    }
  });
});
