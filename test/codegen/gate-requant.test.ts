/**
 * The gate's requantisation and nonlinearities against the simulator on the host (the portable
 * C; test/codegen/gate-check.ts says what is checked), and the two table entries the DSP cores'
 * saturating flat end relies on (seqforge_walk_flat in seqforge_runtime.h).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { buildTanhTable } from "../../src/quant/nonlinearity.js";
import { gateCases, gateMismatches, writeGateCheck } from "./gate-check.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "seqforge-gate-requant-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("seqforge_gate_q15 and seqforge_tanh_q15 (the gate's requantisation and nonlinearities)", () => {
  it("equals the simulator's integers on edge and random values of every input, every path", { timeout: 120_000 }, async () => {
    const cases = gateCases(200_000);
    const { sources, casesFile } = writeGateCheck(work, cases);
    const exe = join(work, "check");
    const strict = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror", "-O2"];
    await run("gcc", [...strict, "-I", work, ...sources, "-o", exe]);
    const { stdout } = await run(exe, [join(work, casesFile)], { maxBuffer: 64 * 1024 * 1024 });
    expect(gateMismatches(cases, stdout)).toEqual([]);
  });

  it("the table is flat at its last two entries, which the DSP walk reads for every |z| past the end", () => {
    const T = buildTanhTable();
    expect(T.length).toBe(513);
    expect([T[511], T[512]]).toEqual([32767, 32767]);
  });
});
