/**
 * One bench run of one model's C on one QEMU target: build it with the bench driver, run it
 * under QEMU, turn counter ticks into instruction counts with the target's measured factor, and
 * attribute flash and RAM from the linker map. Works on any C that follows the generated API
 * (PREFIX_reset/step/output, PREFIX_state_t, PREFIX_in_t/out_t), generated or hand-written.
 *
 * All counts are INSTRUCTIONS executed (QEMU -icount), not cycles.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VerificationError } from "../errors.js";
import type { Optimize } from "../util/optimize.js";
import { buildProgram, loadTarget, runProgram } from "../toolchain/index.js";
import { readSymbols, readUndefined } from "../toolchain/size.js";
import { requireTool } from "../toolchain/tools.js";
import { attributeSizes, type ModelSizes } from "./attribute.js";
import { renderBenchDriver, type DriverSpec } from "./driver.js";
import { parseMapFile } from "./map-file.js";
import { parseDriverOutput, type DriverReport } from "./output.js";

export interface BenchProgram extends DriverSpec {
  /** The model's C sources (their objects are what flash is attributed to). */
  sources: string[];
  /**
   * The seqforge runtime's C source (integer schemes): built in, but not the model's own. Its
   * table is counted once, as what the model uses outside its objects (libraryBytes).
   */
  runtimeSources?: string[];
  includeDirs: string[];
}

export interface TargetMeasurement {
  target: string;
  instructionsPerTick: number;
  steps: number;
  /** Mean instructions of one step + output (the figure the tables show). */
  instructionsPerStep: number;
  /** Mean of step alone, and of output alone. */
  stepInstructions: number;
  outputInstructions: number;
  resetInstructions: number;
  /** Fewest and most instructions one step + output took (they differ where the data takes other branches). */
  minInstructionsPerStep: number;
  maxInstructionsPerStep: number;
  /** Window mode: one PREFIX_predict (reset, a full window of steps, output); else null. */
  instructionsPerPrediction: number | null;
  /** Deepest stack the measured calls used (step + output), and step alone, from the painted stack. */
  stackBytes: number;
  stepStackBytes: number;
  sizes: ModelSizes;
  /** Raw driver report (ticks), kept for the JSON output. */
  raw: DriverReport;
}

const RUN_TIMEOUT_MS = 120_000;

/** Writes the driver into `workDir` once, for every target to build. */
export function writeDriver(program: BenchProgram, workDir: string): string {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, "bench_main.c");
  writeFileSync(file, renderBenchDriver(program));
  return file;
}

export async function measureOnTarget(program: BenchProgram, driver: string, targetName: string, workDir: string, optimize?: Optimize): Promise<TargetMeasurement> {
  const target = loadTarget(targetName);
  if (target.kind !== "qemu") {
    throw new VerificationError(`${targetName}: the bench counts instructions with a target's counter under QEMU; choose a target run under QEMU`);
  }
  const outDir = join(workDir, targetName);
  const built = await buildProgram({
    target: targetName,
    sources: [...program.sources, ...(program.runtimeSources ?? []), driver],
    includeDirs: program.includeDirs,
    outDir,
    variant: "release",
    optimize,
  });
  const run = await runProgram({ target: targetName, executable: built.executable, args: [], cwd: outDir, timeoutMs: RUN_TIMEOUT_MS });
  if (run.timedOut) throw new VerificationError(`${targetName}: the bench image did not finish in ${RUN_TIMEOUT_MS / 1000} s`);
  if (run.exitCode !== 0) {
    throw new VerificationError(`${targetName}: the bench image exited with ${run.exitCode}:\n${(run.stdout + run.stderr).trim().slice(0, 2000)}`);
  }
  const raw = parseDriverOutput(run.stdout);

  const nm = requireTool(target.nm, target.packages);
  const modelObjects = built.objects!.slice(0, program.sources.length);
  const undefinedSymbols = [...new Set((await Promise.all(modelObjects.map((o) => readUndefined(nm, o)))).flat())];
  const sizes = attributeSizes({
    sections: parseMapFile(readFileSync(built.mapFile!, "utf8")),
    modelObjects,
    undefinedSymbols,
    imageSymbols: await readSymbols(nm, built.executable),
    stateSymbol: "bench_state",
  });
  if (sizes.stateBytes !== raw.stateBytes) {
    throw new VerificationError(`${targetName}: the map gives bench_state ${sizes.stateBytes} bytes, sizeof says ${raw.stateBytes}`);
  }

  const f = target.counter.instructionsPerTick;
  const perStep = (ticks: number) => Math.round((ticks * f) / raw.steps);
  return {
    target: targetName,
    instructionsPerTick: f,
    steps: raw.steps,
    instructionsPerStep: perStep(raw.stepTicks + raw.outputTicks),
    stepInstructions: perStep(raw.stepTicks),
    outputInstructions: perStep(raw.outputTicks),
    resetInstructions: Math.round(raw.resetTicks * f),
    minInstructionsPerStep: Math.round(raw.minTicks * f),
    maxInstructionsPerStep: Math.round(raw.maxTicks * f),
    instructionsPerPrediction: raw.predictTicks === null ? null : Math.round(raw.predictTicks * f),
    stackBytes: raw.stackBytes,
    stepStackBytes: raw.stepStackBytes,
    sizes,
    raw,
  };
}
