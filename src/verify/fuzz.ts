/**
 * Fuzzing the generated code against the simulator: random quantized models
 * (random-quant-model.ts) × random and saturating input sequences, each model generated, built and
 * run on every sequence — the C with the sanitizers (host, `sanitize` variant) or under QEMU, the
 * TypeScript module (the node target) type-checked and under Node; it must equal the simulator bit
 * for bit (outputs and state), with no sanitizer report. A failing case is written out whole — the
 * quantized model, the inputs, the generated code and driver, what the simulator expected — so it
 * can be replayed without the fuzzer.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { serializeQuantModel, type QuantModel } from "../model/quant-model-file.js";
import { buildProgram, offsetWeightsOf, runProgram } from "../toolchain/index.js";
import { compareRecords } from "./compare.js";
import { decodeOutputs, encodeInputs, type DriverRecord } from "./driver-io.js";
import { LANGUAGE_NAMES, type Language } from "../codegen/languages.js";
import { languageOf, writeProgram } from "./program.js";
import { adversarialInputs, Draw, randomInputs, randomQuantModel, randomSpec, seededRandom } from "./random-quant-model.js";
import { recordSteps, simulateRecords } from "./reference.js";
import type { Optimize } from "../util/optimize.js";

const PREFIX = "fuzz";

export interface FuzzCase {
  seed: number;
  model: QuantModel;
  /** Input files for the driver: each a sequence of quantized rows. */
  inputs: number[][][];
  /**
   * Generate the C with offset weights (a w8a16 model's layer weights stored as w + 128) on every
   * target, not only on those that set offsetWeights: so the host's sanitizer builds check that C too.
   */
  offsetWeights?: boolean;
}

/** Whether a case's C is generated with offset weights on `target`: the case asks for it, or the target does. */
export function caseOffsetWeights(c: FuzzCase, target: string): boolean {
  return (c.offsetWeights ?? false) || offsetWeightsOf(target);
}

/**
 * The case of one seed: a model (input and hidden sizes 1 … `maxSize`) and `runs` input
 * sequences: three in four random, of 1 … 12 rows; every fourth adversarial (integer limits, a
 * long constant run, alternating extremes: random-quant-model.ts), of 9 … 41 rows. Window mode:
 * at least a window, so each run predicts at least once. Odd seeds generate their C with offset
 * weights on every target (w8a16 models: the others have none).
 */
export function makeCase(seed: number, runs = 16, maxSize = 64): FuzzCase {
  const d = new Draw(seededRandom(seed));
  const spec = randomSpec(d, maxSize);
  const model = randomQuantModel(d, spec);
  const min = spec.mode === "window" ? spec.window : 1;
  const bits = model.fixed!.x.bits;
  const inputs = Array.from({ length: runs }, (_, k) =>
    k % 4 === 3 ? adversarialInputs(d, d.int(min + 8, min + 40), spec.inputSize, bits) : randomInputs(d, d.int(min, min + 11), spec.inputSize, bits),
  );
  return { seed, model, inputs, offsetWeights: seed % 2 === 1 };
}

/** Sequences a case checks: every window (window mode: each starts from a reset state) or every run (stream). */
export function sequencesOf(c: FuzzCase): number {
  const a = c.model.architecture;
  return a.mode === "window" ? c.inputs.reduce((n, rows) => n + rows.length - a.window + 1, 0) : c.inputs.length;
}

export interface CaseResult {
  seed: number;
  sequences: number;
  /** Null on a pass; else what failed, with the folder the case was written to. */
  failure: string | null;
  /** Where a comparison failed: the run (input sequence) and the record in it. */
  at?: { run: number; record: number };
}

/** Writes the case's generated code, driver and inputs; returns the sources to build (the model's first, the driver last). */
async function writeCaseFiles(dir: string, c: FuzzCase, language: Language, target: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const sources = await writeProgram(c.model, language, dir, PREFIX, target, caseOffsetWeights(c, target));
  c.inputs.forEach((rows, k) => writeFileSync(join(dir, `input-${k}.bin`), encodeInputs(c.model, rows)));
  return sources;
}

/** The README's commands that rebuild the case's driver and replay every run (each writes output-N.bin). */
async function replayCommands(c: FuzzCase, language: Language, dir: string, sources: string[]): Promise<string[]> {
  const runs = c.inputs.map((_, k) => `input-${k}.bin output-${k}.bin`).join(" ");
  if (language === "c") {
    return [
      "    gcc -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror -O1 -g -fsanitize=address,undefined \\",
      `        -fno-sanitize-recover=all -I. ${sources.join(" ")} -o driver`,
      `    ./driver ${runs}`,
    ];
  }
  // The TypeScript module type-checked and transpiled into build/ as verify does it.
  await buildProgram({ target: "ts", sources: sources.map((f) => join(dir, f)), includeDirs: [], outDir: join(dir, "build") });
  return [`    node build/verify_driver.mjs ${runs}`];
}

/**
 * Writes a failing case for replay: model.q.json, inputs.json, expected-N.json (the simulator's
 * records), the generated code and driver as `target` builds them (the C, or the TypeScript module
 * with its build), and a README with the commands. Returns the folder.
 */
export async function saveFailure(c: FuzzCase, failuresDir: string, message: string, target = "host"): Promise<string> {
  const language = languageOf(target);
  const dir = resolve(failuresDir, `seed-${c.seed}${language === "c" ? "" : `-${language}`}`);
  const sources = await writeCaseFiles(dir, c, language, target);
  writeFileSync(join(dir, "model.q.json"), serializeQuantModel(c.model));
  writeFileSync(join(dir, "inputs.json"), JSON.stringify(c.inputs) + "\n");
  c.inputs.forEach((rows, k) => writeFileSync(join(dir, `expected-${k}.json`), JSON.stringify(simulateRecords(c.model, rows).records) + "\n"));
  writeFileSync(
    join(dir, "README.md"),
    [
      `# Fuzz failure, seed ${c.seed}`,
      "",
      message,
      "",
      `Replay the ${LANGUAGE_NAMES[language]} (each run writes output-N.bin; records as src/verify/driver-io.ts reads them):`,
      "",
      ...(await replayCommands(c, language, dir, sources)),
      "",
      "The simulator's records are in expected-N.json; the model in model.q.json; the inputs (quantized rows",
      `per run) in inputs.json. Rerun the case: SEQFORGE_FUZZ_SEED=${c.seed} SEQFORGE_FUZZ_CASES=1 npx vitest run --project fuzz`,
      "",
    ].join("\n"),
  );
  return dir;
}

export interface RunOptions {
  /** `host` (the default, built with the sanitizers), a cross target (release build, QEMU) or `ts` (the TypeScript module under Node). */
  target?: string;
  timeoutMs?: number;
  /** Write a failing case to `failuresDir` (default true; the shrinker saves only the smallest). */
  save?: boolean;
  /**
   * A cross target's release build for speed (-O2, the default) or size (-Os, with
   * SEQFORGE_OPTIMIZE_SIZE=1 given to the compiler: what generate --optimize size writes).
   */
  optimize?: Optimize;
}

/** Input/output pairs per driver process: QEMU's semihosting command line takes 32 arguments. */
const PAIRS_PER_RUN = 8;

/**
 * Builds one case (host: with the sanitizers; a cross target: release, under QEMU; ts: the
 * TypeScript module, type-checked, under Node) and checks every sequence; on failure saves the case.
 */
export async function runCase(c: FuzzCase, workDir: string, failuresDir: string, opts: RunOptions = {}): Promise<CaseResult> {
  const target = opts.target ?? "host";
  const variant = target === "host" ? "sanitize" : "release";
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const language = languageOf(target);
  const dir = resolve(workDir, `seed-${c.seed}-${target}`);
  const sources = await writeCaseFiles(dir, c, language, target);
  const fail = async (what: string, at?: CaseResult["at"]): Promise<CaseResult> => {
    if (opts.save === false) return { seed: c.seed, sequences: sequencesOf(c), failure: `seed ${c.seed} on ${target}: ${what}`, at };
    const saved = await saveFailure(c, failuresDir, what, target);
    return { seed: c.seed, sequences: sequencesOf(c), failure: `seed ${c.seed} on ${target}: ${what} (case written to ${saved})`, at };
  };
  let executable: string;
  try {
    executable = (
      await buildProgram({
        target,
        variant,
        sources: sources.map((f) => join(dir, f)),
        includeDirs: [dir],
        outDir: join(dir, "build"),
        ...(opts.optimize ? { optimize: opts.optimize, defines: { SEQFORGE_OPTIMIZE_SIZE: opts.optimize === "size" ? "1" : "0" } } : {}),
      })
    ).executable;
  } catch (err) {
    return fail(`build failed: ${(err as Error).message}`);
  }
  // Few processes: the driver takes several input/output pairs, each a sequence from reset.
  for (let from = 0; from < c.inputs.length; from += PAIRS_PER_RUN) {
    const ks = c.inputs.map((_, k) => k).slice(from, from + PAIRS_PER_RUN);
    const args = ks.flatMap((k) => [`input-${k}.bin`, `output-${k}.bin`]);
    const res = await runProgram({ target, executable, args, cwd: dir, timeoutMs });
    if (res.timedOut || res.exitCode !== 0) {
      return fail(`${res.timedOut ? "timed out" : `exit code ${res.exitCode}`}: ${(res.stderr + res.stdout).trim().slice(0, 2000)}`);
    }
  }
  for (let k = 0; k < c.inputs.length; k++) {
    let got: DriverRecord[];
    try {
      got = decodeOutputs(c.model, new Uint8Array(readFileSync(join(dir, `output-${k}.bin`))));
    } catch (err) {
      return fail(`run ${k}: ${(err as Error).message}`);
    }
    const cmp = compareRecords(simulateRecords(c.model, c.inputs[k]!).records, got);
    if (cmp.countMismatch) return fail(`run ${k}: ${cmp.countMismatch.actual} records, ${cmp.countMismatch.expected} expected`);
    if (cmp.first) {
      const f = cmp.first;
      return fail(`run ${k}, record ${f.record}: ${f.tensor}[${f.index}]: ${LANGUAGE_NAMES[language]} ${f.actual}, simulator ${f.expected}`, { run: k, record: f.record });
    }
  }
  return { seed: c.seed, sequences: sequencesOf(c), failure: null };
}

/**
 * The smallest reproducer this shrinker finds for a failure at `at`: the one failing sequence,
 * cut to the rows its failing record needs (window mode: that record's window alone, from a
 * reset state; stream mode: the rows up to it). Null when there is nothing to cut.
 */
export function shrinkCase(c: FuzzCase, at: NonNullable<CaseResult["at"]>): FuzzCase | null {
  const rows = c.inputs[at.run]!;
  const [first, last] = recordSteps(c.model, at.record);
  const cut = c.model.architecture.mode === "window" ? rows.slice(first, last + 1) : rows.slice(0, last + 1);
  if (c.inputs.length === 1 && cut.length === rows.length) return null;
  return { ...c, inputs: [cut] };
}

/**
 * Runs a case on its own, and when it fails, shrinks it (shrinkCase) and writes the smallest
 * case that still fails to `failuresDir`, with its replay commands; the message says how much
 * was cut.
 */
export async function runAndShrink(c: FuzzCase, workDir: string, failuresDir: string, opts: RunOptions = {}): Promise<CaseResult> {
  const target = opts.target ?? "host";
  const whole = await runCase(c, workDir, failuresDir, { ...opts, save: false });
  if (whole.failure === null) return whole;
  let smallest: { c: FuzzCase; r: CaseResult } = { c, r: whole };
  const cut = whole.at ? shrinkCase(c, whole.at) : null;
  if (cut) {
    const r = await runCase(cut, resolve(workDir, "shrunk"), failuresDir, { ...opts, save: false });
    if (r.failure !== null) smallest = { c: cut, r };
  }
  const rows = smallest.c.inputs.reduce((n, s) => n + s.length, 0);
  const note = smallest.c === c ? "" : ` (shrunk from ${c.inputs.length} sequences to 1 of ${rows} rows)`;
  const what = smallest.r.failure!.replace(`seed ${c.seed} on ${target}: `, "");
  const saved = await saveFailure(smallest.c, failuresDir, `${what}${note}`, target);
  return { ...whole, failure: `seed ${c.seed} on ${target}: ${what}${note} (case written to ${saved})` };
}
