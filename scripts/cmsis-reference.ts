/**
 * CMSIS-NN beside seqforge in bench/results.md: the rows scripts/bench-cmsis-nn.sh measured
 * (bench/cmsis-nn.json, with the CMSIS-NN commit and the date), read when the file is there. No
 * figure is written here: without the file, the comparison says how to measure it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../src/errors.js";

/** The file scripts/bench-cmsis-nn.ts writes, in the bench folder. */
export const CMSIS_NN_FILE = "cmsis-nn.json";

/** One CMSIS-NN kernel on one reference size and one target. Counts are INSTRUCTIONS (QEMU -icount). */
export interface CmsisNnRow {
  target: string;
  kernel: "s8" | "s16";
  function: string;
  /** The code path CMSIS-NN compiled for the core: "mve" (Helium), "dsp", or "c". */
  path: string;
  /** S, M or L (scripts/reference-models.ts). */
  model: string;
  inputSize: number;
  hiddenSize: number;
  /** Mean instructions of one call with time_steps = 1 (one LSTM step, no dense head). */
  instructionsPerStep: number;
  minInstructionsPerStep: number;
  maxInstructionsPerStep: number;
  macsPerStep: number;
  instructionsPerMac: number;
  /** constBytes + codeBytes + libraryBytes. */
  flashBytes: number;
  /** The model's weights, biases and parameter struct. */
  constBytes: number;
  /** CMSIS-NN's code the step runs. */
  codeBytes: number;
  /** CMSIS-NN's tables and the C library routines it calls. */
  libraryBytes: number;
  libraryRoutines: string[];
  /** The CMSIS-NN objects the image took. */
  cmsisObjects: string[];
  ramBytes: number;
  stateBytes: number;
  scratchBytes: number;
  stackBytes: number;
  /** Largest |h − float64 h| over the run (dequantized), and the largest float64 |h|. */
  maxAbsErrorH: number;
  maxAbsH: number;
  steps: number;
  instructionsPerTick: number;
}

export interface CmsisNnBench {
  meta: { date: string; script: string; compiler: string; qemu: string; cmsisFlags: string; seed: number; countMethod: string };
  cmsisNN: { dir: string; commit: string; commitDate: string; localChanges: boolean };
  results: CmsisNnRow[];
}

/** bench/cmsis-nn.json when scripts/bench-cmsis-nn.sh has written it, else null. */
export function readCmsisNnBench(benchDir: string): CmsisNnBench | null {
  const file = join(benchDir, CMSIS_NN_FILE);
  if (!existsSync(file)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(file, "", `JSON written by scripts/bench-cmsis-nn.sh expected (${(err as Error).message})`);
  }
  const d = data as Partial<CmsisNnBench>;
  if (typeof d.cmsisNN?.commit !== "string" || !Array.isArray(d.results) || typeof d.meta?.date !== "string") {
    throw new InputError(file, "", "the fields meta.date, cmsisNN.commit and results (scripts/bench-cmsis-nn.sh writes them) expected");
  }
  return d as CmsisNnBench;
}

/** The size goal for M in stream mode (the issue's): the model's flash and its RAM (state + scratch). */
export const SIZE_GOAL = { model: "M", flashBytes: 9 * 1024, ramBytes: 256 } as const;
