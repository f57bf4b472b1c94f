/**
 * Fuzz: random quantized models × random and adversarial inputs (integer limits, long constant
 * runs, alternating extremes); the generated C, built with AddressSanitizer and UBSan, many
 * models per program (src/verify/batch.ts), and the generated TypeScript module, type-checked
 * and run by Node, must equal the simulator bit for bit on every sequence; the simulator's
 * accumulators on the adversarial inputs stay within the model's overflow proof.
 *
 *   SEQFORGE_FUZZ_SEED=N        first seed (default: a new one each run, printed)
 *   SEQFORGE_FUZZ_CASES=N       models for the C on the host (default 1,000)
 *   SEQFORGE_FUZZ_BATCH=N       models per program (default 50)
 *   SEQFORGE_FUZZ_TS_CASES=N    models for the TypeScript module (default 40)
 * `make fuzz` runs 5,000 host models. A failure is shrunk and written to fuzz-failures/seed-N/
 * (or seed-N-ts/) in the working directory, with the commands that replay it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mapLimit } from "../../src/toolchain/index.js";
import { ProofObserver } from "../../src/quant/overflow.js";
import { runSequence } from "../../src/model/sequence.js";
import { flashBudget, planBatches, runBatch } from "../../src/verify/batch.js";
import { makeCase, runAndShrink, sequencesOf, type CaseResult, type FuzzCase } from "../../src/verify/fuzz.js";
import { envCount } from "./fixtures.js";

const firstSeed = Number(process.env.SEQFORGE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const hostCases = envCount("SEQFORGE_FUZZ_CASES", 1000);
const perBatch = envCount("SEQFORGE_FUZZ_BATCH", 50);
const tsCases = envCount("SEQFORGE_FUZZ_TS_CASES", 40);
const work = mkdtempSync(join(tmpdir(), "seqforge-fuzz-"));
const failures = resolve("fuzz-failures");

// Removing a thousand models' folders takes longer than a hook's default 10 s on a loaded machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 600_000);

function report(target: string, cases: FuzzCase[], results: CaseResult[], programs: number, started: number): void {
  const sequences = results.reduce((n, r) => n + r.sequences, 0);
  const failed = results.filter((r) => r.failure !== null).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`fuzz ${target}: ${cases.length} models, ${sequences} sequences, ${programs} programs, first seed ${firstSeed}, ${failed} failed, ${seconds} s`);
}

describe(`fuzz: generated code = simulator (first seed ${firstSeed})`, () => {
  const cases = Array.from({ length: hostCases }, (_, i) => makeCase(firstSeed + i));

  it(`the C matches bit for bit under the sanitizers on every sequence (${hostCases} models, ${perBatch} per program)`, { timeout: 3_600_000 }, async () => {
    const started = Date.now();
    const batches = planBatches(cases, perBatch, flashBudget("host"));
    const results = (await mapLimit(batches, 2, (b) => runBatch(b, work, failures, { target: "host" }))).flat();
    report("host", cases, results, batches.length, started);
    expect(results.filter((r) => r.failure !== null).map((r) => r.failure)).toEqual([]);
    expect(results).toHaveLength(hostCases);
    if (hostCases >= 1000) {
      // The draw covers every axis: schemes, cells, depths, run modes, the size range.
      const a = cases.map((c) => c.model.architecture);
      expect(new Set(cases.map((c) => c.model.scheme))).toEqual(new Set(["w8a16", "w16a16", "w8a8"]));
      expect(new Set(a.map((x) => x.cell))).toEqual(new Set(["standard", "seed"]));
      expect(new Set(a.map((x) => x.layers))).toEqual(new Set([1, 2, 3]));
      expect(new Set(a.map((x) => x.mode))).toEqual(new Set(["window", "stream"]));
      expect(Math.min(...a.map((x) => x.inputSize), ...a.map((x) => x.hiddenSize))).toBe(1);
      expect(Math.max(...a.map((x) => x.inputSize))).toBeGreaterThanOrEqual(60);
      expect(Math.max(...a.map((x) => x.hiddenSize))).toBeGreaterThanOrEqual(60);
      expect(results.reduce((n, r) => n + r.sequences, 0)).toBeGreaterThan(50_000);
    }
  });

  it("the simulator's accumulators stay within each model's overflow proof on the adversarial inputs", () => {
    let steps = 0;
    for (const c of cases) {
      const obs = new ProofObserver(c.model);
      // Every fourth sequence is adversarial (makeCase).
      c.inputs.filter((_, k) => k % 4 === 3).forEach((rows) => {
        runSequence(obs, { ...c.model.architecture, horizon: 0 }, rows, () => {});
        steps += rows.length;
      });
      expect(obs.outside(), `seed ${c.seed}`).toEqual([]);
    }
    console.log(`overflow proof: ${cases.length} models, ${steps} adversarial steps within every bound`);
    expect(steps).toBeGreaterThan(0);
  });

  it(`the TypeScript module matches bit for bit on every sequence, across schemes and cells (${tsCases} models)`, { timeout: 1_800_000 }, async () => {
    const started = Date.now();
    const ts = Array.from({ length: tsCases }, (_, i) => makeCase(firstSeed + hostCases + i));
    const results = await mapLimit(ts, 2, (c) => runAndShrink(c, work, failures, { target: "ts" }));
    report("ts", ts, results, ts.length, started);
    expect(results.filter((r) => r.failure !== null).map((r) => r.failure)).toEqual([]);
    if (tsCases >= 40) {
      expect(results.reduce((n, r) => n + r.sequences, 0)).toBeGreaterThanOrEqual(500);
      expect(new Set(ts.map((c) => c.model.scheme))).toEqual(new Set(["w8a16", "w16a16", "w8a8"]));
      expect(new Set(ts.map((c) => c.model.architecture.cell))).toEqual(new Set(["standard", "seed"]));
    }
  });
});

describe("fuzz cases", () => {
  it("are the same for the same seed, and differ between seeds", () => {
    const a = makeCase(12345);
    expect(makeCase(12345)).toEqual(a);
    expect(makeCase(12346).model.hash).not.toBe(a.model.hash);
    expect(sequencesOf(a)).toBeGreaterThan(0);
  });
});
