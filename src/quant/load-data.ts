/**
 * A data file as the quantizer needs it: the model's feature columns normalised, and its target
 * columns normalised when the file has them (for the task RMSE). File I/O at the edge: used by
 * the quantize command and the benchmark, never by the pure stages.
 */
import { InputError } from "../errors.js";
import type { FloatModel } from "../model/model-file.js";
import { selectColumns } from "../data/series.js";
import { normalizedRows } from "../data/normalization.js";
import { parseTable, readDataFile } from "../data/table.js";
import { rowsForOnePrediction } from "../model/sequence.js";
import { sha256 } from "../util/hash.js";
import type { SeriesData } from "./quantize.js";

export function loadSeriesData(file: string, model: Pick<FloatModel, "features" | "targets" | "normalization" | "architecture">): SeriesData {
  const bytes = readDataFile(file);
  const table = parseTable(bytes, file);
  const withTargets = model.targets.every((t) => table.header.includes(t));
  const columns = [...new Set([...model.features, ...(withTargets ? model.targets : [])])];
  const series = selectColumns(table, columns, "feature");
  const a = model.architecture;
  const need = rowsForOnePrediction(a);
  if (series.rows < need) {
    throw new InputError(file, "", `${series.rows} data rows; at least ${need} expected for one prediction (window ${a.window}, horizon ${a.horizon})`);
  }
  return {
    file,
    hash: sha256(bytes),
    rows: series.rows,
    inputs: normalizedRows(series, model.features, model.normalization.input),
    targets: withTargets ? normalizedRows(series, model.targets, model.normalization.output) : null,
  };
}
