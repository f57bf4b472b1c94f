/**
 * Fuzzing at scale: many random models in one program. Each model is generated through the
 * generator's public entry point (generateC) with its own prefix, so their symbols never clash,
 * and linked with one runtime and one driver (targets/harness/fuzz_batch.c.hbs) that runs every
 * model's sequences from one input file into one output file. One build and one run — one QEMU
 * boot — for dozens of models, where fuzz.ts's runCase builds and runs each alone.
 *
 * The output is split back into each sequence's records with the simulator's own record counts,
 * and compared bit for bit. When anything about a batch goes wrong (a build, a run, a record that
 * differs), its models that did not pass are rerun one by one with runAndShrink, which names the
 * culprit and writes its smallest failing case: a batch only ever speeds up the passing case.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ToolMissingError } from "../errors.js";
import { cSources, generateC } from "../codegen/generate.js";
import { sizeFigures } from "../codegen/figures.js";
import { buildProgram, loadTarget, runProgram, type RunResult } from "../toolchain/index.js";
import { compareRecords } from "./compare.js";
import { batchDriverSource, decodeOutputs, encodeInputs, recordBytes } from "./driver-io.js";
import { caseOffsetWeights, runAndShrink, sequencesOf, type CaseResult, type FuzzCase } from "./fuzz.js";
import { simulateRecords } from "./reference.js";
import { Draw, randomQuantModel, seededRandom } from "./random-quant-model.js";

export interface BatchOptions {
  /** `host` (sanitizer build) or a QEMU target (release build). */
  target: string;
  timeoutMs?: number;
}

/** The C prefix of a case's model in a batch: its seed, so a failure names it. */
export function batchPrefix(c: FuzzCase): string {
  return `fz${c.seed}`;
}

/** A memory length of a target file (`256K`, `4M`, decimal) in bytes. */
function bytesOf(length: string): number {
  const m = /^(\d+)([KM]?)$/.exec(length);
  if (!m) throw new Error(`a memory length expected, not ${length}`);
  return Number(m[1]) * (m[2] === "K" ? 1024 : m[2] === "M" ? 1024 * 1024 : 1);
}

/**
 * The flash one batch's constants may take on a target: half its flash (the C library, startup
 * code, driver and runtime table take the rest); unlimited on the host.
 */
export function flashBudget(target: string): number {
  const t = loadTarget(target);
  return t.kind === "qemu" ? bytesOf(t.memory.flash.length) / 2 : Number.POSITIVE_INFINITY;
}

/**
 * Cases into batches in order: at most `perBatch` models each, and at most `budget` bytes of
 * constants (sizeFigures' flash figure). A model larger than the budget on its own gets a batch
 * of its own (and a build failure there is a finding, reported by the one-by-one rerun).
 */
export function planBatches(cases: readonly FuzzCase[], perBatch: number, budget: number): FuzzCase[][] {
  const batches: FuzzCase[][] = [];
  let current: FuzzCase[] = [];
  let bytes = 0;
  for (const c of cases) {
    const b = sizeFigures(c.model).flashBytes;
    if (current.length > 0 && (current.length >= perBatch || bytes + b > budget)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(c);
    bytes += b;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Writes the batch's sources and its input file into `dir`; returns the sources to build. */
function writeBatch(cases: readonly FuzzCase[], dir: string, target: string): string[] {
  mkdirSync(dir, { recursive: true });
  const modelSources: string[] = [];
  let runtime: string[] = [];
  for (const c of cases) {
    const files = generateC(c.model, { prefix: batchPrefix(c), target, floatIo: false, offsetWeights: caseOffsetWeights(c, target) });
    const src = cSources(files);
    // Only the model's own files and the runtime: the drop-in files (README, CMake) are not built.
    for (const f of files) if (f.name.endsWith(".c") || f.name.endsWith(".h")) writeFileSync(join(dir, f.name), f.content);
    modelSources.push(...src.model);
    runtime = src.runtime;
  }
  writeFileSync(join(dir, "fuzz_batch.c"), batchDriverSource(cases.map((c) => ({ model: c.model, prefix: batchPrefix(c), runs: c.inputs.length }))));
  const parts = cases.flatMap((c) => c.inputs.map((rows) => encodeInputs(c.model, rows)));
  writeFileSync(join(dir, "batch.in"), Buffer.concat(parts));
  return [...modelSources, ...runtime, "fuzz_batch.c"];
}

/**
 * Checks the batch's output against the simulator, model by model; returns the indexes of the
 * cases that passed (a prefix of the batch's order may pass before a failure breaks the stream).
 */
export function passedCases(cases: readonly FuzzCase[], out: Uint8Array): Set<number> {
  const passed = new Set<number>();
  let at = 0;
  for (const [i, c] of cases.entries()) {
    const e = recordBytes(c.model);
    let ok = true;
    for (const rows of c.inputs) {
      const expected = simulateRecords(c.model, rows).records;
      const length = 4 + expected.length * e + 8;
      if (at + length > out.length) return passed;
      let got;
      try {
        got = decodeOutputs(c.model, out.subarray(at, at + length));
      } catch {
        // A different record count: the rest of the stream is out of step.
        return passed;
      }
      at += length;
      const cmp = compareRecords(expected, got);
      if (cmp.first !== null || cmp.countMismatch !== null) ok = false;
    }
    if (ok) passed.add(i);
  }
  return passed;
}

/**
 * Writes, builds (host: sanitizers; QEMU: release) and runs one batch in `dir`; the program's
 * output is `dir`/batch.out. Throws when the build fails.
 */
export async function buildAndRunBatch(cases: readonly FuzzCase[], dir: string, opts: BatchOptions): Promise<RunResult> {
  const target = opts.target;
  const sources = writeBatch(cases, dir, target);
  const { executable } = await buildProgram({
    target,
    variant: target === "host" ? "sanitize" : "release",
    sources: sources.map((f) => join(dir, f)),
    includeDirs: [dir],
    outDir: join(dir, "build"),
  });
  return runProgram({ target, executable, args: ["batch.in", "batch.out"], cwd: dir, timeoutMs: opts.timeoutMs ?? 300_000 });
}

/**
 * Runs one batch on the target; every case gets a result. A case that the batch did not pass is
 * rerun alone (runAndShrink), which decides, and writes the failure.
 */
export async function runBatch(cases: readonly FuzzCase[], workDir: string, failuresDir: string, opts: BatchOptions): Promise<CaseResult[]> {
  const target = opts.target;
  const dir = resolve(workDir, `batch-${cases[0]!.seed}-${target}`);
  let passed = new Set<number>();
  try {
    const res = await buildAndRunBatch(cases, dir, opts);
    // A sanitizer report or a crash ends the run: the models whose records all came before it
    // and match passed; the rest are rerun alone (all of them when the run failed at its end).
    passed = passedCases(cases, new Uint8Array(readFileSync(join(dir, "batch.out"))));
    if (res.exitCode === 0 && !res.timedOut && passed.size === cases.length) {
      // Nothing to keep from a batch that passed: a thousand models' builds fill a disk.
      rmSync(dir, { recursive: true, force: true });
      return cases.map((c) => ({ seed: c.seed, sequences: sequencesOf(c), failure: null }));
    }
    if (passed.size === cases.length) passed = new Set();
  } catch (err) {
    // A missing compiler or QEMU is no finding about any model.
    if (err instanceof ToolMissingError) throw err;
    // A build that fails: every model is rerun alone below, to find which one.
  }
  const results: CaseResult[] = [];
  for (const [i, c] of cases.entries()) {
    results.push(passed.has(i) ? { seed: c.seed, sequences: sequencesOf(c), failure: null } : await runAndShrink(c, join(dir, "alone"), failuresDir, { target, timeoutMs: opts.timeoutMs }));
  }
  return results;
}

/**
 * The largest input and hidden size (≤ 64) at which the biggest model the fuzzer draws (w16a16,
 * 3 layers, 4 outputs) fits a batch of its own on `target` (flashBudget): the Cortex-M0's 256 KB
 * of flash holds no 3-layer w16a16 model of 64 units.
 */
export function maxSizeFor(target: string): number {
  const budget = flashBudget(target);
  for (let s = 64; s > 1; s--) {
    const d = new Draw(seededRandom(1));
    const spec = { scheme: "w16a16", cell: "standard", inputSize: s, hidden: s, layers: 3, outputs: 4, mode: "window", window: 6, horizon: 0 } as const;
    if (sizeFigures(randomQuantModel(d, spec)).flashBytes <= budget) return s;
  }
  return 1;
}
