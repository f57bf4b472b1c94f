/**
 * Fuzz: random quantized models × random and saturating inputs; the generated C, built with
 * AddressSanitizer and UBSan, must equal the simulator bit for bit on every sequence.
 *
 *   SEQFORGE_FUZZ_SEED=N   first seed (default: a new one each run, printed)
 *   SEQFORGE_FUZZ_CASES=N  models to try (default 48: well over 1,000 sequences)
 * A failure names the folder (fuzz-failures/seed-N/ in the working directory) holding the case.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mapLimit } from "../../src/toolchain/index.js";
import { makeCase, runCase, sequencesOf, type CaseResult } from "../../src/verify/fuzz.js";

const cases = Number(process.env.SEQFORGE_FUZZ_CASES ?? 48);
const firstSeed = Number(process.env.SEQFORGE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const work = mkdtempSync(join(tmpdir(), "seqforge-fuzz-"));
const failures = resolve("fuzz-failures");

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`fuzz: generated C = simulator (first seed ${firstSeed}, ${cases} models)`, () => {
  it("matches bit for bit under the sanitizers on every sequence", { timeout: 600_000 }, async () => {
    const seeds = Array.from({ length: cases }, (_, i) => firstSeed + i);
    const results: CaseResult[] = await mapLimit(seeds, 2, (seed) => runCase(makeCase(seed), work, failures));
    const sequences = results.reduce((n, r) => n + r.sequences, 0);
    const failed = results.filter((r) => r.failure !== null).map((r) => r.failure);
    console.log(`fuzz: ${cases} models, ${sequences} sequences, first seed ${firstSeed}, ${failed.length} failed`);
    expect(failed).toEqual([]);
    if (cases >= 48) expect(sequences).toBeGreaterThanOrEqual(1000);
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
