/**
 * Every loop of every dot-product kernel, bit-exact against the simulator under QEMU: models whose
 * input and hidden sizes (23 and 21) run each kernel's Helium loop (16 inputs per step for w8a8,
 * 8 for w8a16 and w16a16), then its DSP or portable pair/quad loop, then the odd inputs one by
 * one, on Cortex-M0 (w8a16 with offset weights in Thumb-1 assembly, the other schemes in portable
 * C; split 64-bit products), M3 (portable C with long multiplies),
 * M4 (DSP) and M55 (Helium). The random fuzz models reach these sizes only by chance.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mapLimit } from "../../src/toolchain/index.js";
import { runCase, type FuzzCase } from "../../src/verify/fuzz.js";
import { Draw, randomInputs, randomQuantModel, seededRandom } from "../../src/verify/random-quant-model.js";

const work = mkdtempSync(join(tmpdir(), "seqforge-kernels-qemu-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function kernelCase(scheme: "w8a16" | "w16a16" | "w8a8", seed: number): FuzzCase {
  const d = new Draw(seededRandom(seed));
  const spec = { scheme, cell: "standard", inputSize: 23, hidden: 21, layers: 2, outputs: 2, mode: "stream", window: 1, horizon: 0 } as const;
  const model = randomQuantModel(d, spec);
  const inputs = Array.from({ length: 6 }, () => randomInputs(d, 8, spec.inputSize, model.fixed!.x.bits));
  return { seed, model, inputs };
}

describe("dot-product kernels on every path", () => {
  // speed: the kernels unrolled for the sizes (SEQFORGE_INLINE_KERNELS, -O2); size: the
  // out-of-line loops (-Os). Cortex-M0 runs its loops in both, built -O2 and -Os.
  for (const target of ["cortex-m0", "cortex-m3", "cortex-m4", "cortex-m55"]) for (const optimize of ["speed", "size"] as const) {
    it(`${target}, built for ${optimize}: w8a16, w16a16, w8a8 at sizes 23 and 21, bit-exact`, { timeout: 240_000 }, async () => {
      const cases = (["w8a16", "w16a16", "w8a8"] as const).map((scheme, i) => kernelCase(scheme, 7100 + i));
      const results = await mapLimit(cases, 2, (c) => runCase(c, join(work, target, optimize), resolve("fuzz-failures"), { target, optimize }));
      expect(results.filter((r) => r.failure).map((r) => r.failure)).toEqual([]);
      expect(results.reduce((n, r) => n + r.sequences, 0)).toBe(18);
    });
  }
});
