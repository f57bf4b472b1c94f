/**
 * Parity under QEMU: random quantized models (the fuzzer's, with extreme weights, multipliers and
 * biases, odd sizes, random and adversarial inputs) on every QEMU core — Cortex-M0 (w8a16
 * weights stored offset and read in Thumb-1 assembly, portable kernels otherwise, no long
 * multiply), M3, M4 and M7 (DSP kernels: SMLAD / SMLALD), M33, M55 (Helium) and
 * riscv32 — many models per image (src/verify/batch.ts); and `verify` on every target for a
 * realistic model of each scheme. The C must equal the simulator bit for bit everywhere.
 *
 *   SEQFORGE_FUZZ_QEMU_CASES=N  models per core (default 100)
 *   SEQFORGE_FUZZ_SEED=N        first seed (default 20240601; each core gets its own range)
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listQemuTargets, listTargets, mapLimit } from "../../src/toolchain/index.js";
import { flashBudget, maxSizeFor, planBatches, runBatch } from "../../src/verify/batch.js";
import { makeCase } from "../../src/verify/fuzz.js";
import { verifyModel } from "../../src/verify/verify.js";
import { envCount, floatModel, quantized, seriesData } from "./fixtures.js";

const work = mkdtempSync(join(tmpdir(), "seqforge-parity-qemu-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const firstSeed = Number(process.env.SEQFORGE_FUZZ_SEED ?? 20240601);
const perCore = envCount("SEQFORGE_FUZZ_QEMU_CASES", 100);
/** Models per image: a QEMU boot and a link each; the flash budget splits further. */
const PER_IMAGE = 50;

describe("random models under QEMU", () => {
  const targets = listQemuTargets();
  it("cover every core", () => {
    expect(targets).toEqual(expect.arrayContaining(["cortex-m0", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55", "riscv32"]));
  });
  for (const [t, target] of targets.entries()) {
    it(`${target}: ${perCore} models, every sequence bit-exact`, { timeout: 1_800_000 }, async () => {
      const started = Date.now();
      const maxSize = maxSizeFor(target);
      const cases = Array.from({ length: perCore }, (_, i) => makeCase(firstSeed + 10_000 * t + i, 16, maxSize));
      const batches = planBatches(cases, PER_IMAGE, flashBudget(target));
      const results = (await mapLimit(batches, 2, (b) => runBatch(b, work, resolve("fuzz-failures"), { target }))).flat();
      const sequences = results.reduce((n, r) => n + r.sequences, 0);
      const failed = results.filter((r) => r.failure).map((r) => r.failure);
      console.log(
        `fuzz ${target}: ${cases.length} models (sizes ≤ ${maxSize}), ${sequences} sequences, ${batches.length} images, ` +
          `first seed ${firstSeed + 10_000 * t}, ${failed.length} failed, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(failed).toEqual([]);
      expect(results).toHaveLength(perCore);
      if (perCore >= 100) expect(sequences).toBeGreaterThan(5000);
    });
  }
});

describe("verify on every target", () => {
  for (const scheme of ["w8a16", "w16a16", "w8a8", "f32"] as const) {
    it(`${scheme}: every target passes`, async () => {
      const fm = floatModel({ mode: scheme === "w16a16" ? "stream" : "window", inputSize: 5, hidden: 7, layers: 2 });
      const q = quantized(fm, scheme);
      const dir = join(work, `verify-${scheme}`);
      mkdirSync(dir);
      const report = await verifyModel({ model: q, modelFile: "m.q.json", data: seriesData(fm, 40), targets: listTargets(), timeoutMs: 60_000, workDir: dir });
      const failed = report.runs.filter((r) => !r.passed).map((r) => `${r.target} ${r.variant}: ${r.summary} ${r.error ?? ""}`);
      expect(failed).toEqual([]);
      expect(report.runs.length).toBe(listTargets().length + 1);
    });
  }
});

describe("verify of delta models (train --delta)", () => {
  // The add of the last observed value in output(): portable C without long multiply
  // (cortex-m0), the DSP kernels (cortex-m4) and RISC-V, for every integer scheme in both run modes.
  const targets = ["host", "cortex-m0", "cortex-m4", "riscv32"];
  for (const scheme of ["w8a16", "w16a16", "w8a8"] as const) {
    for (const mode of ["window", "stream"] as const) {
      it(`${scheme}, ${mode} mode: ${targets.join(", ")} pass`, async () => {
        const fm = floatModel({ mode, inputSize: 3, hidden: 5, outputs: 2, delta: true });
        const q = quantized(fm, scheme);
        const dir = join(work, `verify-delta-${scheme}-${mode}`);
        mkdirSync(dir);
        const report = await verifyModel({ model: q, modelFile: "m.q.json", data: seriesData(fm, 40), targets, timeoutMs: 60_000, workDir: dir });
        const failed = report.runs.filter((r) => !r.passed).map((r) => `${r.target} ${r.variant}: ${r.summary} ${r.error ?? ""}`);
        expect(failed).toEqual([]);
        expect(report.runs.length).toBe(targets.length + 1);
      });
    }
  }
});
