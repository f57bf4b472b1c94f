/**
 * Parity under QEMU: random quantized models (the fuzzer's, with extreme weights, multipliers and
 * biases, odd sizes) on Cortex-M4 (DSP kernels: SMLAD / SMLALD), Cortex-M0 (portable kernels, no
 * long multiply) and Cortex-M55; and `verify` on every target for a realistic model of each
 * scheme. The C must equal the simulator bit for bit everywhere.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listTargets, mapLimit } from "../../src/toolchain/index.js";
import { makeCase, runCase } from "../../src/verify/fuzz.js";
import { verifyModel } from "../../src/verify/verify.js";
import { floatModel, quantized, seriesData } from "./fixtures.js";

const work = mkdtempSync(join(tmpdir(), "seqforge-parity-qemu-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const firstSeed = Number(process.env.SEQFORGE_FUZZ_SEED ?? 20240601);

describe("random models under QEMU", () => {
  for (const target of ["cortex-m4", "cortex-m0", "cortex-m55"]) {
    it(`${target}: 12 models, every sequence bit-exact`, async () => {
      const seeds = Array.from({ length: 12 }, (_, i) => firstSeed + 1000 * ["cortex-m4", "cortex-m0", "cortex-m55"].indexOf(target) + i);
      const results = await mapLimit(seeds, 2, (seed) => runCase(makeCase(seed), work, resolve("fuzz-failures"), { target }));
      expect(results.filter((r) => r.failure).map((r) => r.failure)).toEqual([]);
      expect(results.reduce((n, r) => n + r.sequences, 0)).toBeGreaterThan(100);
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
