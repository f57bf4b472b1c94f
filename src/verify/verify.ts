/**
 * verify: build the generated code with its test driver for each target, run it on the data, and
 * hold it to the reference — bit for bit against the fixed-point simulator (integer schemes,
 * outputs and state), within 1e-4 of float64 on the outputs and 1e-3 on the state (f32). Host
 * builds the C twice (release and sanitize); the cross targets build it once and run it under
 * QEMU; the node target type-checks the TypeScript module and runs it under Node — all through
 * the same toolchain API, and every run's records are compared by the same code. Also measures
 * the accuracy against the float model when its file is at hand.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ToolMissingError } from "../errors.js";
import { floatEngine } from "../model/float-engine.js";
import { parseFloatModel, type FloatModel } from "../model/model-file.js";
import { runSeries } from "../model/sequence.js";
import { compareOutputs } from "../quant/accuracy.js";
import type { NormalizedSeries } from "../data/model-data.js";
import type { ErrorMetrics, QuantModel } from "../model/quant-model-file.js";
import { quantizeInputs } from "../quant/simulator.js";
import { buildProgram, mapLimit, runProgram, type BuildVariant } from "../toolchain/index.js";
import { loadTarget, offsetWeightsOf } from "../toolchain/targets.js";
import { sha256 } from "../util/hash.js";
import { compareRecords, type Comparison } from "./compare.js";
import { decodeOutputs, encodeInputs, DriverOutputError, type DriverRecord } from "./driver-io.js";
import { LANGUAGE_NAMES, type Language } from "../codegen/languages.js";
import { languageOf, writeProgram } from "./program.js";
import { floatRecords, recordSteps, simulateRecords, type ReferenceRun } from "./reference.js";

/** f32 C against the float64 reference, absolute, on normalised outputs (docs/fixed-point.md "f32"). */
export const F32_TOLERANCE = 1e-4;
/**
 * f32 C against the float64 reference on c and h of every layer, relative where |value| > 1: ten
 * times the outputs' tolerance, since a stream carries the state, and its float32 rounding, from
 * step to step; a wrong state (a gate out of place, a missed update) is off by far more.
 */
export const F32_STATE_TOLERANCE = 1e-3;
/** The name the verify build generates the model with (the driver's, not the user's: the same for every model). */
export const VERIFY_PREFIX = "model";

export interface VerifyRequest {
  model: QuantModel;
  modelFile: string;
  data: NormalizedSeries;
  targets: string[];
  /** Seconds before one run is killed. */
  timeoutMs: number;
  /** An empty folder for the generated code, the builds and the driver's files. */
  workDir: string;
  /** Parallel builds and runs (the machine's cores are shared). */
  jobs?: number;
  progress?: (line: string) => void;
}

export interface RunCheck {
  target: string;
  variant: BuildVariant;
  passed: boolean;
  /** One line: what was checked, or what failed and where. */
  summary: string;
  comparison: Comparison | null;
  /** The first difference, located: record, data row, the steps it ran. */
  firstDifference: (NonNullable<Comparison["first"]> & { row: number; steps: [number, number] }) | null;
  /** Build or run failure (compiler diagnostics, sanitizer report, time-out), trimmed. */
  error: string | null;
  sizes: { text: number; data: number; bss: number } | null;
}

export interface VerifyReport {
  ok: boolean;
  modelFile: string;
  scheme: QuantModel["scheme"];
  dataFile: string;
  rows: number;
  records: number;
  /** 0: bit for bit; else the f32 tolerance on outputs, and stateTolerance on c and h. */
  tolerance: number;
  stateTolerance: number;
  runs: RunCheck[];
  /** Saturations the simulator counted over the data (integer schemes). */
  saturations: Record<string, number>;
  accuracy: {
    /** The C's outputs against the float model on this data, when the float model was found. */
    data: ErrorMetrics | null;
    floatModel: string | null;
    /** Why there is no figure on this data, when there is none. */
    note: string | null;
    /** What quantize measured (from the quantized file). */
    atQuantization: QuantModel["accuracy"];
  };
}

/** The rows the driver is fed: all but the last `horizon`, whose predictions fall outside the data. */
function driverRows<T>(rows: readonly T[], horizon: number): T[] {
  return rows.slice(0, Math.max(0, rows.length - horizon));
}

/** The float model quantize started from, when its file is still where it was (and unchanged). */
export function findFloatModel(q: QuantModel, quantFile: string): { model: FloatModel; file: string } | { note: string } {
  const given = q.source.modelFile;
  // As given (relative to the working folder), then beside the quantized file; a file of that
  // name whose hash differs is passed over, since the other place may hold the right one.
  const candidates = [...new Set([resolve(given), resolve(dirname(quantFile), given)])];
  let changed = false;
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    if (sha256(bytes) !== q.source.modelHash) {
      changed = true;
      continue;
    }
    return { model: parseFloatModel(bytes.toString("utf8"), file), file };
  }
  return {
    note: changed
      ? `${given} has changed since quantization (hash differs); accuracy on this data not measured`
      : `float model ${given} not found; accuracy on this data not measured`,
  };
}

/** Dequantized outputs of the driver's records (normalised units). */
function normalisedOutputs(q: QuantModel, records: DriverRecord[]): Float64Array[] {
  const unit = q.fixed ? 2 ** -q.fixed.head.outFrac : 1;
  return records.map((r) => Float64Array.from(r.y, (v) => v * unit));
}

/**
 * The outputs (normalised units) the C wrote in one run of verifyModel, read back from its
 * folder (`workDir` of the request, before it is removed): one per record, so record r is the
 * prediction for the r-th predicted row. Only for a run that finished (passed, or ran and
 * differed); a build failure, a crash or a time-out left no outputs.
 */
export function runOutputs(q: QuantModel, workDir: string, run: Pick<RunCheck, "target" | "variant">): Float64Array[] {
  return normalisedOutputs(q, decodeOutputs(q, new Uint8Array(readFileSync(join(resolve(workDir), outputFile(run))))));
}

function outputFile(run: Pick<RunCheck, "target" | "variant">): string {
  return `output-${run.target}-${run.variant}.bin`;
}

export async function verifyModel(req: VerifyRequest): Promise<VerifyReport> {
  const { model: q, data } = req;
  const a = q.architecture;
  const say = req.progress ?? (() => {});
  const integer = q.scheme !== "f32";
  const tolerance = integer ? 0 : F32_TOLERANCE;
  const stateTolerance = integer ? 0 : F32_STATE_TOLERANCE;

  // Inputs as the driver reads them, and what it must write back.
  const inputs = driverRows<ArrayLike<number>>(integer ? quantizeInputs(q, data.inputs) : data.inputs, a.horizon);
  const reference: ReferenceRun = integer ? simulateRecords(q, inputs) : floatRecords(q, inputs);
  const records = reference.records.length;

  const work = resolve(req.workDir);
  writeFileSync(join(work, "input.bin"), encodeInputs(q, inputs));
  // The model and its driver once per language and weight representation the targets build (the
  // C of a target that sets offsetWeights stores them offset), each in a folder of its own (c/,
  // c-offset/, ts/).
  const programOf = (target: string) => `${languageOf(target)}${offsetWeightsOf(target) ? "-offset" : ""}`;
  const programs = new Map<string, { dir: string; sources: string[] }>();
  for (const target of req.targets) {
    const key = programOf(target);
    if (programs.has(key)) continue;
    const dir = join(work, key);
    mkdirSync(dir, { recursive: true });
    programs.set(key, { dir, sources: await writeProgram(q, languageOf(target), dir, VERIFY_PREFIX, req.targets.join(","), offsetWeightsOf(target)) });
  }

  const jobs: { target: string; variant: BuildVariant }[] = [];
  for (const target of req.targets) {
    const t = loadTarget(target);
    jobs.push({ target, variant: "release" });
    if (t.kind === "native") jobs.push({ target, variant: "sanitize" });
  }
  say(`verify: ${records} ${a.mode === "window" ? "windows" : "steps"} of ${data.file} on ${jobs.map((j) => `${j.target} ${j.variant}`).join(", ")}`);

  const runs = await mapLimit(jobs, req.jobs ?? 2, async ({ target, variant }): Promise<RunCheck> => {
    const name = `${target}-${variant}`;
    const base: RunCheck = { target, variant, passed: false, summary: "", comparison: null, firstDifference: null, error: null, sizes: null };
    const program = programs.get(programOf(target))!;
    let executable: string;
    try {
      const built = await buildProgram({
        target,
        variant,
        sources: program.sources.map((f) => join(program.dir, f)),
        includeDirs: [program.dir],
        outDir: join(work, `build-${name}`),
      });
      executable = built.executable;
      base.sizes = built.sizes;
    } catch (err) {
      if (err instanceof ToolMissingError) throw err;
      return { ...base, summary: "build failed", error: (err as Error).message };
    }
    const outFile = outputFile({ target, variant });
    const res = await runProgram({ target, executable, args: ["input.bin", outFile], cwd: work, timeoutMs: req.timeoutMs });
    const diag = (res.stderr + res.stdout).trim();
    if (res.timedOut) return { ...base, summary: `did not finish in ${req.timeoutMs / 1000} s`, error: diag || null };
    if (res.exitCode !== 0) {
      const sanitizer = /runtime error|AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer/.test(diag);
      return { ...base, summary: sanitizer ? "sanitizer report" : `exit code ${res.exitCode}`, error: diag.slice(0, 4000) || null };
    }
    let got: DriverRecord[];
    try {
      got = decodeOutputs(q, new Uint8Array(readFileSync(join(work, outFile))));
    } catch (err) {
      if (err instanceof DriverOutputError || (err as NodeJS.ErrnoException).code === "ENOENT") {
        return { ...base, summary: `unreadable output: ${(err as Error).message}`, error: diag || null };
      }
      throw err;
    }
    const cmp = compareRecords(reference.records, got, tolerance, stateTolerance);
    const check: RunCheck = { ...base, comparison: cmp };
    if (cmp.countMismatch) {
      return { ...check, summary: `${cmp.countMismatch.actual} records written, ${cmp.countMismatch.expected} expected` };
    }
    if (cmp.first) {
      const steps = recordSteps(q, cmp.first.record);
      const row = steps[1] + a.horizon;
      return { ...check, firstDifference: { ...cmp.first, row, steps }, summary: describeDifference(q, cmp.first, row, steps, languageOf(target)) };
    }
    const what = integer
      ? `${records} records bit-exact (outputs and the state of every layer)`
      : `${records} records, max |Δ| ${cmp.maxAbsOutput.toExponential(2)} on outputs (≤ ${tolerance}), ${cmp.maxAbsState.toExponential(2)} on the state (≤ ${stateTolerance}·max(1, |value|))`;
    say(`  ${target} ${variant}: ${what}`);
    return { ...check, passed: true, summary: what };
  });

  // Accuracy against float64, on this data, from the first run that produced records.
  const found = findFloatModel(q, req.modelFile);
  let accuracy: ErrorMetrics | null = null;
  let note: string | null = null;
  let floatModelFile: string | null = null;
  const firstGood = runs.find((r) => r.passed);
  if ("model" in found) {
    floatModelFile = found.file;
    const ref = runSeries(floatEngine(found.model), a, data.inputs);
    if (firstGood) {
      const targets = data.targets ? ref.rows.map((j) => data.targets![j]!) : null;
      accuracy = compareOutputs(ref.outputs, runOutputs(q, work, firstGood), targets);
    } else {
      note = "no run passed; accuracy on this data not measured";
    }
  } else {
    note = found.note;
  }

  return {
    ok: runs.length > 0 && runs.every((r) => r.passed),
    modelFile: req.modelFile,
    scheme: q.scheme,
    dataFile: data.file,
    rows: data.rows,
    records,
    tolerance,
    stateTolerance,
    runs,
    saturations: reference.saturations,
    accuracy: { data: accuracy, floatModel: floatModelFile, note, atQuantization: q.accuracy },
  };
}

/**
 * `record 12 (row 31; steps over rows 22..31): layer0.c[3]: C 1234, simulator 1235`; `language`
 * names the generated code (`C`, or `TypeScript` for the node target).
 */
export function describeDifference(q: QuantModel, d: NonNullable<Comparison["first"]>, row: number, steps: [number, number], language: Language = "c"): string {
  const ref = q.scheme === "f32" ? "float64" : "simulator";
  const window = steps[0] === steps[1] ? `step on row ${steps[0]}` : `window of rows ${steps[0]}..${steps[1]}`;
  const kind = q.scheme === "f32" ? "beyond tolerance" : "first difference";
  return `${kind} at record ${d.record} (prediction for row ${row}, ${window}): ${d.tensor}[${d.index}]: ${LANGUAGE_NAMES[language]} ${d.actual}, ${ref} ${d.expected}`;
}
