/**
 * The CMSIS-NN comparison's pieces that need neither CMSIS-NN nor QEMU: the rescales and the
 * model put in CMSIS-NN's form (scripts/cmsis-nn-model.ts), the check that a run computed the
 * reference LSTM, the driver it renders, and the bench report's reading of bench/cmsis-nn.json
 * (with the file: its rows beside seqforge's step; without: no CMSIS-NN figure at all).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CMSIS_KERNELS, checkTrace, cmsisView, floatHiddenTrace, quantizeMultiplier } from "../../scripts/cmsis-nn-model.js";
import { CMSIS_NN_FILE, readCmsisNnBench, type CmsisNnBench, type CmsisNnRow } from "../../scripts/cmsis-reference.js";
import { comparisonTable, resultsMarkdown } from "../../scripts/results-report.js";
import { referenceFloatModel, REFERENCE_MODELS } from "../../scripts/reference-models.js";
import { benchInputs, type BenchResult } from "../../src/bench/bench-model.js";
import { renderHarness } from "../../src/toolchain/index.js";
import { InputError } from "../../src/errors.js";

describe("CMSIS-NN's rescales", () => {
  it("give multiplier · 2^(shift − 31) within half a unit of the multiplier, with the multiplier in [2^30, 2^31)", () => {
    for (const real of [2 ** -15, 2 ** -19, 2 ** -23, 0.3, 1.7e-4, 0.999999999, 3.3e-9]) {
      const { multiplier, shift } = quantizeMultiplier(real);
      expect(multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(multiplier).toBeLessThan(2 ** 31);
      expect(Number.isInteger(multiplier) && Number.isInteger(shift)).toBe(true);
      expect(Math.abs(multiplier * 2 ** (shift - 31) - real)).toBeLessThanOrEqual(0.5 * 2 ** (shift - 31));
    }
    expect(quantizeMultiplier(2 ** -15)).toEqual({ multiplier: 2 ** 30, shift: -14 });
    // A value that rounds up to 2^31 moves to the next power.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(() => quantizeMultiplier(0)).toThrow(/positive/);
  });
});

describe("the reference model in CMSIS-NN's form", () => {
  const spec = REFERENCE_MODELS[1]!; // M: 8 → 32
  const model = referenceFloatModel(spec, 1);
  const inputs = benchInputs(spec.inputSize, 32, 1);

  it("has the gates in CMSIS-NN's order with their activations, every matrix complete and int8", () => {
    const v = cmsisView(model, "s8", inputs);
    expect(v.gates.map((g) => `${g.name}:${g.activation}`)).toEqual(["forget:ARM_SIGMOID", "input:ARM_SIGMOID", "cell:ARM_TANH", "output:ARM_SIGMOID"]);
    for (const g of v.gates) {
      // One line per unit.
      expect(g.wx).toHaveLength(32);
      expect(g.wh).toHaveLength(32);
      const wx = g.wx.join(", ").split(", ").map(Number);
      const wh = g.wh.join(", ").split(", ").map(Number);
      expect(wx).toHaveLength(32 * 8);
      expect(wh).toHaveLength(32 * 32);
      // One scale per matrix: its largest weight is ±127.
      expect(Math.max(...wx.map(Math.abs))).toBe(127);
      expect(Math.max(...wh.map(Math.abs))).toBe(127);
      expect(g.bias.join(", ").split(", ")).toHaveLength(32);
    }
    expect(v.inputRows).toHaveLength(32);
    // The input gate's rows are the float model's rows 0..H-1 (gate order i, f, g, o there).
    const firstRow = model.weights.layers[0]!.wx.slice(0, 8);
    const scale = Math.max(...model.weights.layers[0]!.wx.slice(0, 32 * 8).map(Math.abs)) / 127;
    expect(v.gates[1]!.wx[0]!.split(", ").map(Number)).toEqual(firstRow.map((w) => Math.round(w / scale)));
  });

  it("writes int64 biases for the int16 kernel and renders a driver that calls it", () => {
    const v = cmsisView(model, "s16", inputs);
    expect(v.gates[0]!.bias[0]).toMatch(/^-?\d+LL, /);
    const c = renderHarness("cmsis_nn_bench_main.c.hbs", v);
    expect(c).toContain("status = arm_lstm_unidirectional_s16(bench_inputs[k], bench_out, &cmsis_params, &ctx);");
    expect(c).toContain("typedef int16_t act_t;");
    expect(c).toContain(".cell_gate = {");
    expect(c).toContain(`.output_multiplier = ${2 ** 30},`);
    expect(c).toContain(".output_shift = -14,");
  });
});

describe("the check of a CMSIS-NN run against float64", () => {
  const spec = REFERENCE_MODELS[0]!;
  const model = referenceFloatModel(spec, 1);
  const inputs = benchInputs(spec.inputSize, 32, 1);
  const reference = floatHiddenTrace(model, inputs);
  const hScale = CMSIS_KERNELS.s8.hScale;
  const exact = reference.map((h) => Array.from(h, (v) => Math.round(v / hScale)));

  it("passes h rounded to int8 and reports its error", () => {
    const r = checkTrace("s8", exact, reference, 0.03);
    expect(r.problems).toEqual([]);
    expect(r.maxAbsError).toBeLessThanOrEqual(hScale / 2);
    expect(r.maxAbsHidden).toBeGreaterThan(0.1);
  });

  it("fails a run of zeros, a saturated run, a wrong run and a short one", () => {
    expect(checkTrace("s8", exact.map((r) => r.map(() => 0)), reference, 0.03).problems.join("; ")).toMatch(/differs from float64.*distinct values/);
    expect(checkTrace("s8", exact.map((r) => r.map(() => 127)), reference, 0.03).problems.join("; ")).toMatch(/saturated/);
    expect(checkTrace("s8", exact.map((r) => r.map((v) => v + 8)), reference, 0.03).problems.join("; ")).toMatch(/differs from float64 by up to 0\.06/);
    expect(checkTrace("s8", exact.slice(1), reference, 0.03).problems[0]).toMatch(/31 steps printed, 32 expected/);
  });
});

describe("bench/cmsis-nn.json in the bench report", () => {
  const dir = mkdtempSync(join(tmpdir(), "seqforge-cmsis-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ours = (target: string, model: string, step: number) => ({ target, model, stepInstructions: step, instructionsPerStep: step + 300 }) as BenchResult;
  const results = [ours("cortex-m4", "ref_s", 5_000), ours("cortex-m4", "ref_m", 14_000), ours("cortex-m55", "ref_m", 9_000)];
  const row = (target: string, kernel: "s8" | "s16", model: string, n: number) =>
    ({ target, kernel, function: `arm_lstm_unidirectional_${kernel}`, path: target === "cortex-m55" ? "mve" : "dsp", model, instructionsPerStep: n }) as CmsisNnRow;
  const bench: CmsisNnBench = {
    meta: { date: "2026-12-02", script: "scripts/bench-cmsis-nn.sh", compiler: "gcc", qemu: "qemu", cmsisFlags: "-O2", seed: 1, countMethod: "" },
    cmsisNN: { dir: "cmsis-nn", commit: "99f736a63036613032f9b70de36b493bcd7802d4", commitDate: "2026-07-15", localChanges: false },
    results: [row("cortex-m4", "s8", "S", 13_110), row("cortex-m4", "s8", "M", 29_471), row("cortex-m4", "s16", "M", 34_719), row("cortex-m55", "s8", "M", 12_345)],
  };

  it("is absent until the script has run: no CMSIS-NN figure, and the command that measures them", () => {
    expect(readCmsisNnBench(dir)).toBeNull();
    const t = comparisonTable(results, null);
    expect(t).toContain("Not measured here: `scripts/bench-cmsis-nn.sh CMSIS_NN_DIR`");
    expect(t).not.toMatch(/\d,\d{3}/);
  });

  it("puts its rows beside seqforge's step (no dense head on either side), naming the commit and the date", () => {
    writeFileSync(join(dir, CMSIS_NN_FILE), JSON.stringify(bench));
    const read = readCmsisNnBench(dir);
    expect(read).toEqual(bench);
    const t = comparisonTable(results, read);
    expect(t).toContain("measured 2026-12-02 by `scripts/bench-cmsis-nn.sh` at CMSIS-NN 99f736a63036");
    expect(t).toContain("| cortex-m4 | seqforge w8a16, `step` | int16 | 5,000 | 14,000 | – |");
    expect(t).toContain("| cortex-m4 | CMSIS-NN arm_lstm_unidirectional_s8 (dsp) | int8 | 13,110 | 29,471 | – |");
    expect(t).toContain("| cortex-m4 | CMSIS-NN arm_lstm_unidirectional_s16 (dsp) | int16 | – | 34,719 | – |");
    expect(t).toContain("| cortex-m55 | CMSIS-NN arm_lstm_unidirectional_s8 (mve) | int8 | – | 12,345 | – |");
    expect(resultsMarkdown([], { compiler: "gcc", qemu: "qemu", seed: 1 }, {}, read)).toContain("## Against ARM CMSIS-NN");
  });

  it("refuses a file it cannot read, naming it", () => {
    writeFileSync(join(dir, CMSIS_NN_FILE), "{ not json");
    expect(() => readCmsisNnBench(dir)).toThrow(InputError);
    writeFileSync(join(dir, CMSIS_NN_FILE), JSON.stringify({ results: [] }));
    expect(() => readCmsisNnBench(dir)).toThrow(/cmsis-nn\.json: the fields meta\.date, cmsisNN\.commit and results/);
  });
});
