/**
 * The overflow proof (src/quant/overflow.ts): every accumulator and intermediate bounded for any
 * representable input and state. A model that could overflow is refused by quantize (naming the
 * layer, gate, bound and limit), and a quantized file edited to overflow is refused by generate
 * and verify; the bounds hold on the simulator's own intermediates under adversarial inputs; the
 * quantize report states them.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { withHash, saveQuantModel, type QuantModel } from "../../src/model/quant-model-file.js";
import { assertNoOverflow, overflows, ProofObserver, proveOverflow } from "../../src/quant/overflow.js";
import { quantReport } from "../../src/quant/report.js";
import { runSequence } from "../../src/model/sequence.js";
import { makeCase } from "../../src/verify/fuzz.js";
import { ADVERSARIAL_KINDS, adversarialInputs, Draw, seededRandom } from "../../src/verify/random-quant-model.js";
import { expectInputError, runCliAsync, tempDir } from "../cli/helpers.js";
import { csvText, floatModel, quantized } from "../verify/fixtures.js";

describe("the overflow proof", () => {
  it("holds for a quantized model of every scheme and cell, with its headroom in the report", () => {
    for (const scheme of ["w8a16", "w16a16", "w8a8"] as const) {
      for (const cell of ["standard", "seed"] as const) {
        const q = quantized(floatModel({ cell, inputSize: 4, hidden: 6, layers: 2 }), scheme);
        const proof = proveOverflow(q);
        expect(overflows(proof)).toEqual([]);
        expect(proof.headroomBits).toBeGreaterThan(0);
        const names = proof.bounds.map((b) => b.name);
        expect(names).toEqual(expect.arrayContaining(["layer0.acc_x", "layer1.acc_h", "layer1.requant", "head.acc", "head.requant", "layer0.cell products"]));
        expect(quantReport(q)).toContain(`least headroom ${proof.headroomBits.toFixed(1)} bits`);
      }
    }
  });

  it("bounds an accumulator by Σ|w| times the input's integer range (w8a8 x: 128, not 32768)", () => {
    const q = quantized(floatModel({ inputSize: 3, hidden: 2 }), "w8a8");
    const l0 = q.fixed!.layers[0]!;
    let want = 0;
    for (let r = 0; r < 8; r++) want = Math.max(want, [0, 1, 2].reduce((s, k) => s + Math.abs(l0.wx[r * 3 + k]!), 0) * 128);
    expect(proveOverflow(q).bounds.find((b) => b.name === "layer0.acc_x")!.bound).toBe(BigInt(want));
  });

  it("refuses a model whose int32 accumulator could overflow, naming layer, gate, bound and limit", () => {
    // 3,000 inputs at large int8 weights: beyond 2^31 - 1 for a w8a16 row (each input column's own
    // format scales down the weights of the columns it gives a coarser format, so it takes
    // several times the 600 one format for every column would need).
    const fm = floatModel({ inputSize: 3000, hidden: 2 });
    fm.weights.layers[0]!.wx = fm.weights.layers[0]!.wx.map(() => 0.5);
    let err: unknown;
    try {
      quantized(fm, "w8a16");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(
      /^model\.json: layer 0, gate [ifgo], unit \d+: layer0\.acc_x can reach \d+ in magnitude for a representable input, above the int32 limit 2147483647 \(the w8a16 step would overflow; use w16a16, fewer inputs or units, or smaller weights\)$/,
    );
    // w16a16 reduces the int64 sum by a shift instead: the same model is proved.
    expect(overflows(proveOverflow(quantized(fm, "w16a16")))).toEqual([]);
  });

  it("is never exceeded by the simulator's accumulators, on fuzz models under adversarial inputs", () => {
    let checked = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const c = makeCase(seed, 6);
      const obs = new ProofObserver(c.model);
      const d = new Draw(seededRandom(seed));
      const runs = [...c.inputs, ...ADVERSARIAL_KINDS.map((kind) => adversarialInputs(d, 24, c.model.architecture.inputSize, c.model.fixed!.x.bits, kind))];
      for (const rows of runs) runSequence(obs, { ...c.model.architecture, horizon: 0 }, rows, () => checked++);
      expect(obs.outside(), `seed ${seed}`).toEqual([]);
      expect(obs.seen.size).toBeGreaterThan(0);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("is reached exactly by inputs at the integer limits with weights of one sign", () => {
    // All weights +qmax, every input at -32768: |acc| = Σ|w|·32768, the bound itself.
    const q = quantized(floatModel({ inputSize: 3, hidden: 2 }), "w8a16");
    const fixed = { ...q.fixed!, layers: q.fixed!.layers.map((l) => ({ ...l, wx: l.wx.map(() => 127) })) };
    const m: QuantModel = withHash({ ...q, fixed });
    const obs = new ProofObserver(m);
    obs.step([-32768, -32768, -32768]);
    expect(obs.seen.get("layer0.acc_x")).toBe(3 * 127 * 32768);
    expect(obs.outside()).toEqual([]);
  });
});

describe("generate and verify refuse a quantized file that could overflow", () => {
  it("exit 2, one line naming the layer, gate, bound and limit, nothing written", async () => {
    const dir = tempDir();
    const fm = floatModel({ inputSize: 3, hidden: 4 });
    writeFileSync(join(dir, "data.csv"), csvText(fm, 40));
    const q = quantized(fm, "w16a16");
    // Edited by hand (and rehashed): full-scale weights with the accumulator reduction removed.
    const l0 = q.fixed!.layers[0]!;
    const edited = withHash({ ...q, fixed: { ...q.fixed!, layers: [{ ...l0, wx: l0.wx.map(() => 32767), accShiftX: 0 }] } });
    const file = join(dir, "edited.q.json");
    saveQuantModel(edited, file);
    expect(() => assertNoOverflow(edited, file)).toThrow(InputError);
    const message = /edited\.q\.json: layer 0, gate i, unit 0: layer0\.acc_x can reach 3221127168 in magnitude for a representable input, above the int32 limit 2147483647/;
    const out = join(dir, "gen");
    expectInputError(await runCliAsync(["generate", file, "--out", out]), message, out);
    expectInputError(await runCliAsync(["generate", file, "--lang", "ts", "--out", out]), message, out);
    const v = await runCliAsync(["verify", file, "--data", join(dir, "data.csv"), "--target", "host"]);
    expectInputError(v, message, join(dir, "never"));
    expect(existsSync(out)).toBe(false);
  });
});
