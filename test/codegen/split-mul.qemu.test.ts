/**
 * The Thumb-1 assembly of seqforge_requant_dot2_s64 (the requantisation's two-term product on
 * Armv6-M, where SEQFORGE_SPLIT_MUL is on by default) equals the int64 sum ax·mx + ah·mh bit for
 * bit on Cortex-M0 under QEMU: the program of split-mul-check.ts, built for speed and for size
 * with the target's own flags, on every edge-value combination and on random values. The
 * expected int64 products come from libgcc's __aeabi_lmul, not from the code under test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram, runProgram } from "../../src/toolchain/index.js";
import { EDGE_CASES, runtimeHeader, splitMulCheckSource } from "./split-mul-check.js";

const work = mkdtempSync(join(tmpdir(), "seqforge-split-mul-qemu-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RANDOM_CASES = 100_000;

describe("seqforge_requant_dot2_s64 in Thumb-1 assembly on Cortex-M0", () => {
  for (const optimize of ["speed", "size"] as const) {
    it(`built for ${optimize}: equals the int64 sum on every edge-value combination and on ${RANDOM_CASES} random ones`, { timeout: 120_000 }, async () => {
      const dir = join(work, optimize);
      const built = await buildProgram({ target: "cortex-m0", sources: [writeCheck(dir)], includeDirs: [dir], outDir: join(dir, "build"), optimize });
      const res = await runProgram({ target: "cortex-m0", executable: built.executable, args: [], cwd: dir, timeoutMs: 90_000 });
      expect(res.exitCode, res.stdout + res.stderr).toBe(0);
      const [checked, wrong] = res.stdout.trim().split(" ").map(Number);
      expect(checked).toBe(EDGE_CASES + RANDOM_CASES);
      expect(wrong).toBe(0);
    });
  }
});

function writeCheck(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "seqforge_runtime.h"), runtimeHeader());
  writeFileSync(join(dir, "check.c"), splitMulCheckSource(RANDOM_CASES));
  return join(dir, "check.c");
}
