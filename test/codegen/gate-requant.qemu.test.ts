/**
 * The gate's requantisation and nonlinearities against the simulator under QEMU, on the cores
 * whose runtime takes other instructions than the host's portable C: Cortex-M4 (the DSP
 * extension: USAT flat end, SMLAD table walk, SSAT bias clamp), Cortex-M55 (the same with
 * Helium) and Cortex-M3 (SSAT, no DSP). test/codegen/gate-check.ts says what is checked.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram, runProgram } from "../../src/toolchain/index.js";
import { gateCases, gateMismatches, writeGateCheck } from "./gate-check.js";

const work = mkdtempSync(join(tmpdir(), "seqforge-gate-requant-qemu-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("seqforge_gate_q15 and seqforge_tanh_q15 under QEMU", () => {
  for (const target of ["cortex-m3", "cortex-m4", "cortex-m55"]) {
    it(`${target}: equals the simulator's integers on edge and random values of every input`, { timeout: 240_000 }, async () => {
      const dir = join(work, target);
      mkdirSync(dir);
      const cases = gateCases(20_000);
      const { sources, casesFile } = writeGateCheck(dir, cases);
      const build = await buildProgram({ target, sources, includeDirs: [dir], outDir: join(dir, "build"), optimize: "speed" });
      const result = await runProgram({ target, executable: build.executable, args: [casesFile], cwd: dir, timeoutMs: 200_000 });
      expect(result.exitCode).toBe(0);
      expect(gateMismatches(cases, result.stdout)).toEqual([]);
    });
  }
});
