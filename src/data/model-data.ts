/**
 * A data file read for a model that already exists (predict, quantize, verify, bench): the
 * model's feature columns, its target columns where the file has them, and the check that the
 * file is long enough for one prediction. One reader, so every command accepts the same files.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError } from "../errors.js";
import type { FloatModel, Normalization } from "../model/model-file.js";
import { sha256 } from "../util/hash.js";
import { rowsForOnePrediction, type SequenceSpec } from "../model/sequence.js";
import type { Series } from "./api.js";
import { normalizedRows } from "./normalization.js";
import { readSeriesFile } from "./table.js";

/** What reading data for a model needs to know about it, whatever its file type. */
export interface ModelColumns {
  architecture: SequenceSpec;
  features: readonly string[];
  targets: readonly string[];
  normalization: { input: Normalization; output: Normalization };
}

export interface ModelSeries {
  series: Series;
  /** sha256 of the file's bytes. */
  hash: string;
  /** The model's targets that the file has (in model order); scored where present, else only predicted. */
  presentTargets: string[];
}

/** Reads the model's columns of `file`; targets are optional, features are not. */
export function loadModelSeries(file: string, model: ModelColumns): ModelSeries {
  let presentTargets: string[] = [];
  const { series, hash } = readSeriesFile(file, (header) => {
    presentTargets = model.targets.filter((t) => header.includes(t));
    return { names: [...new Set([...model.features, ...presentTargets])], what: "feature" };
  });
  const a = model.architecture;
  const need = rowsForOnePrediction(a);
  if (series.rows < need) {
    const because = a.mode === "window" ? `the model's window ${a.window} + horizon ${a.horizon}` : `stream mode: the model's horizon ${a.horizon} + 1`;
    throw new InputError(file, "", `${series.rows} data rows, fewer than one prediction needs: at least ${need} expected (${because})`);
  }
  return { series, hash, presentTargets };
}

/** A series as the quantizer and verify use it: normalised rows in the model's units. */
export interface NormalizedSeries {
  /** The file as given, and its sha256. */
  file: string;
  hash: string;
  rows: number;
  /** Normalised feature rows. */
  inputs: Float64Array[];
  /** Normalised target rows (same indices), or null unless the file has every target. */
  targets: Float64Array[] | null;
}

export function loadNormalizedSeries(file: string, model: ModelColumns): NormalizedSeries {
  return normalizeModelSeries(loadModelSeries(file, model), model);
}

/** A series already read for the model, normalised (for a caller that also needs its raw values). */
export function normalizeModelSeries({ series, hash, presentTargets }: ModelSeries, model: ModelColumns): NormalizedSeries {
  const withTargets = presentTargets.length === model.targets.length;
  return {
    file: series.file,
    hash,
    rows: series.rows,
    inputs: normalizedRows(series, model.features, model.normalization.input),
    targets: withTargets ? normalizedRows(series, model.targets, model.normalization.output) : null,
  };
}

/** A trained model's training data, found where training read it, or why it was not. */
export type TrainingData = { file: string; data: ModelSeries; val: number } | { note: string };

/**
 * The training data as training read it (the flags it recorded, the same bytes by hash): as given
 * (relative to the working folder), then beside the float model file.
 */
export function findTrainingData(model: FloatModel, floatFile: string): TrainingData {
  if (!model.training) return { note: "the float model was not trained by seqforge (imported): it records no training data" };
  const { flags, dataHash } = model.training;
  const given = flags.data;
  if (typeof given !== "string") return { note: "the float model records no training data file" };
  const val = typeof flags.val === "number" ? flags.val : 0;
  for (const file of [...new Set([resolve(given), resolve(dirname(floatFile), given)])]) {
    if (existsSync(file) && sha256(readFileSync(file)) === dataHash) return { file: given, data: loadModelSeries(file, model), val };
  }
  return { note: `the training data ${given} is not where training read it, or has changed since (hash differs)` };
}
