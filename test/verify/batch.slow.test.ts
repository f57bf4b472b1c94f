/**
 * The fuzzer's batches (src/verify/batch.ts): many models in one program, each under its own
 * prefix; the output split back per model and sequence; a model that differs is found, rerun
 * alone, shrunk to one sequence of the rows its failing record needs, and written out with its
 * replay commands, while the models around it still pass.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildAndRunBatch, maxSizeFor, planBatches, passedCases, runBatch } from "../../src/verify/batch.js";
import { makeCase, shrinkCase } from "../../src/verify/fuzz.js";
import { sizeFigures } from "../../src/codegen/figures.js";
import { recordSteps } from "../../src/verify/reference.js";

const work = mkdtempSync(join(tmpdir(), "seqforge-batch-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Small cases (sizes ≤ 6, 4 sequences) of given seeds. */
const small = (seeds: number[]) => seeds.map((s) => makeCase(s, 4, 6));

describe("a fuzz batch", () => {
  it("runs several models in one sanitizer build and passes each; a byte changed in one model's records fails that model only", { timeout: 300_000 }, async () => {
    const cases = small([501, 502, 503]);
    const results = await runBatch(cases, work, join(work, "failures"), { target: "host" });
    expect(results.map((r) => r.failure)).toEqual([null, null, null]);
    expect(results.map((r) => r.seed)).toEqual([501, 502, 503]);
    // A batch that passed leaves nothing behind; rebuilt here by hand to read its output.
    const dir = join(work, "batch-501-host");
    expect(existsSync(dir)).toBe(false);
    expect((await buildAndRunBatch(cases, dir, { target: "host" })).exitCode).toBe(0);
    expect(existsSync(join(dir, "fz501.c")) && existsSync(join(dir, "fz503.h"))).toBe(true);
    const out = new Uint8Array(readFileSync(join(dir, "batch.out")));
    expect(passedCases(cases, out)).toEqual(new Set([0, 1, 2]));
    // The last byte before the last model's last trailer: a state value of its last record.
    const flipped = Uint8Array.from(out);
    flipped[out.length - 9] ^= 1;
    expect(passedCases(cases, flipped)).toEqual(new Set([0, 1]));
    // Cut short inside the second model: only the first passes.
    expect(passedCases(cases, out.subarray(0, Math.floor(out.length / 2)))).toEqual(new Set([0]));
  });

  it("finds the model that differs, shrinks it and writes it out with its replay commands", { timeout: 300_000 }, async () => {
    const cases = small([601, 602, 603]);
    // An input beyond the int16 (or int8) range: the simulator sees it whole, the driver's
    // little-endian file holds it wrapped, so the C and the simulator differ from that row on.
    const bad = cases[1]!;
    const run = bad.inputs[2]!;
    run[run.length - 1]![0] = 40000;
    const failures = join(work, "failures-2");
    const results = await runBatch(cases, work, failures, { target: "host" });
    expect(results[0]!.failure).toBeNull();
    expect(results[2]!.failure).toBeNull();
    const failure = results[1]!.failure!;
    expect(failure).toMatch(/^seed 602 on host: run 0, record \d+: \S+\[\d+\]: C -?\d+, simulator -?\d+ \(shrunk from 4 sequences to 1 of \d+ rows\) \(case written to .*seed-602\)$/);
    const saved = join(failures, "seed-602");
    const inputs = JSON.parse(readFileSync(join(saved, "inputs.json"), "utf8")) as number[][][];
    expect(inputs).toHaveLength(1);
    expect(inputs[0]![inputs[0]!.length - 1]![0]).toBe(40000);
    expect(readFileSync(join(saved, "README.md"), "utf8")).toContain("./driver input-0.bin output-0.bin");
  });

  it("shrinks a window-mode failure to its window, a stream-mode one to the rows up to it", () => {
    const [w] = [601, 602, 603, 604, 605, 606, 607, 608].map((s) => makeCase(s, 4, 6)).filter((c) => c.model.architecture.mode === "window");
    const [s] = [601, 602, 603, 604, 605, 606, 607, 608].map((s) => makeCase(s, 4, 6)).filter((c) => c.model.architecture.mode === "stream");
    const wc = shrinkCase(w!, { run: 3, record: 2 })!;
    const [first, last] = recordSteps(w!.model, 2);
    expect(wc.inputs).toEqual([w!.inputs[3]!.slice(first, last + 1)]);
    expect(wc.inputs[0]).toHaveLength(w!.model.architecture.window);
    expect(shrinkCase(s!, { run: 1, record: 4 })!.inputs).toEqual([s!.inputs[1]!.slice(0, 5)]);
    expect(shrinkCase({ ...s!, inputs: [s!.inputs[1]!.slice(0, 5)] }, { run: 0, record: 4 })).toBeNull();
  });

  it("is planned within a target's flash, and the fuzzer's largest model fits a Cortex-M0 batch alone", () => {
    const cases = Array.from({ length: 40 }, (_, i) => makeCase(700 + i, 2));
    const batches = planBatches(cases, 8, 200_000);
    expect(batches.flat()).toEqual(cases);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(8);
      if (b.length > 1) expect(b.reduce((n, c) => n + sizeFigures(c.model).flashBytes, 0)).toBeLessThanOrEqual(200_000);
    }
    expect(maxSizeFor("host")).toBe(64);
    expect(maxSizeFor("cortex-m4")).toBe(64);
    expect(maxSizeFor("cortex-m0")).toBeLessThan(64);
  });
});
