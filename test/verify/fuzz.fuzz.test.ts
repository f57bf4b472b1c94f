/**
 * Fuzz: random quantized models × random and saturating inputs; the generated C, built with
 * AddressSanitizer and UBSan, and the generated TypeScript module, type-checked and run by Node,
 * must equal the simulator bit for bit on every sequence.
 *
 *   SEQFORGE_FUZZ_SEED=N   first seed (default: a new one each run, printed)
 *   SEQFORGE_FUZZ_CASES=N  models to try for the C (default 48: well over 1,000 sequences) and
 *                          for the TypeScript module (default 40: well over 500)
 * A failure names the folder (fuzz-failures/seed-N/, or seed-N-ts/, in the working directory)
 * holding the case.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mapLimit } from "../../src/toolchain/index.js";
import { makeCase, runCase, sequencesOf, type CaseResult } from "../../src/verify/fuzz.js";

const casesFromEnv = process.env.SEQFORGE_FUZZ_CASES === undefined ? undefined : Number(process.env.SEQFORGE_FUZZ_CASES);
const firstSeed = Number(process.env.SEQFORGE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const work = mkdtempSync(join(tmpdir(), "seqforge-fuzz-"));
const failures = resolve("fuzz-failures");

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `cases` models from the first seed on `target`; returns the sequences checked, after expecting no failure. */
async function fuzz(target: string, cases: number): Promise<{ sequences: number; models: ReturnType<typeof makeCase>["model"][] }> {
  const seeds = Array.from({ length: cases }, (_, i) => firstSeed + i);
  const results: CaseResult[] = await mapLimit(seeds, 2, (seed) => runCase(makeCase(seed), work, failures, { target }));
  const sequences = results.reduce((n, r) => n + r.sequences, 0);
  const failed = results.filter((r) => r.failure !== null).map((r) => r.failure);
  console.log(`fuzz ${target}: ${cases} models, ${sequences} sequences, first seed ${firstSeed}, ${failed.length} failed`);
  expect(failed).toEqual([]);
  return { sequences, models: seeds.map((s) => makeCase(s).model) };
}

describe(`fuzz: generated code = simulator (first seed ${firstSeed})`, () => {
  it("the C matches bit for bit under the sanitizers on every sequence", { timeout: 600_000 }, async () => {
    const cases = casesFromEnv ?? 48;
    const { sequences } = await fuzz("host", cases);
    if (cases >= 48) expect(sequences).toBeGreaterThanOrEqual(1000);
  });

  it("the TypeScript module matches bit for bit on every sequence, across schemes and cells", { timeout: 600_000 }, async () => {
    const cases = casesFromEnv ?? 40;
    const { sequences, models } = await fuzz("ts", cases);
    if (cases >= 40) {
      expect(sequences).toBeGreaterThanOrEqual(500);
      expect(new Set(models.map((m) => m.scheme))).toEqual(new Set(["w8a16", "w16a16", "w8a8"]));
      expect(new Set(models.map((m) => m.architecture.cell))).toEqual(new Set(["standard", "seed"]));
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
