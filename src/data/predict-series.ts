/**
 * Runs any step engine over a loaded series in the model's run mode and returns predictions in
 * data units: normalise the feature rows, run src/model/sequence.ts, denormalise the outputs.
 * Engine-agnostic, so the float reference and the fixed-point simulator are driven the same way.
 */
import { denormalize } from "../model/normalize.js";
import { firstPredictedRow, runSequence, type StepEngine } from "../model/sequence.js";
import type { Series } from "./api.js";
import type { ModelColumns } from "./model-data.js";
import { accuracy, persistence, type Accuracy } from "./metrics.js";
import { normalizedRows } from "./normalization.js";

/** What running a model needs, whatever its file type. */
export interface RunnableModel extends ModelColumns {
  engine: StepEngine;
}

export interface Predictions {
  /** The 0-based data row each prediction is for, ascending. */
  rows: number[];
  /** One array per target (model order), aligned with rows, in data units. */
  values: Float64Array[];
}

/** `series` must hold the model's feature columns; predicts the rows from `fromRow` on. */
export function predictSeries(model: RunnableModel, series: Series, fromRow = 0): Predictions {
  const inputs = normalizedRows(series, model.features, model.normalization.input);
  const a = model.architecture;
  const count = Math.max(0, series.rows - Math.max(firstPredictedRow(a), fromRow));
  const rows: number[] = [];
  const values = model.targets.map(() => new Float64Array(count));
  const norm = model.normalization.output;
  // Written straight into one column per target: no array per prediction.
  runSequence(
    model.engine,
    a,
    inputs,
    (row, y) => {
      for (let o = 0; o < values.length; o++) values[o]![rows.length] = denormalize(y[o]!, norm, o);
      rows.push(row);
    },
    fromRow,
  );
  return { rows, values };
}

export interface TargetAccuracy extends Accuracy {
  target: string;
  /** Predictions scored. */
  count: number;
  /** Persistence (the target's value at row j-K); null when K = 0, where it would be the answer itself. */
  persistence: Accuracy | null;
  /**
   * The linear AR baseline (linear-baseline.ts) and the model, both over the rows the baseline
   * predicts (those with a whole window); null without a baseline.
   */
  linear: { baseline: Accuracy; model: Accuracy; count: number } | null;
}

/**
 * Scores predictions for rows ≥ fromRow against the target columns present in `series`
 * (targets absent from the data are skipped).
 */
export function scorePredictions(
  pred: Predictions,
  series: Series,
  targets: readonly string[],
  horizon: number,
  fromRow = 0,
  /** The linear baseline's predictions (data units), values[target][k] for rows[k]. */
  linear: Predictions | null = null,
): TargetAccuracy[] {
  const linearAt = new Map(linear?.rows.map((j, k) => [j, k]) ?? []);
  const keep = pred.rows.flatMap((j, k) => (j >= fromRow ? [k] : []));
  const rows = keep.map((k) => pred.rows[k]!);
  const scores: TargetAccuracy[] = [];
  targets.forEach((target, o) => {
    const actual = series.columns.get(target);
    if (!actual || rows.length === 0) return;
    const p = Float64Array.from(keep, (k) => pred.values[o]![k]!);
    const a = Float64Array.from(rows, (j) => actual[j]!);
    scores.push({
      target,
      count: rows.length,
      ...accuracy(p, a),
      persistence: horizon > 0 ? accuracy(persistence(actual, rows, horizon), a) : null,
      linear: linear ? againstLinear(keep.filter((k) => linearAt.has(pred.rows[k]!))) : null,
    });
    function againstLinear(both: number[]) {
      if (both.length === 0) return null;
      const truth = Float64Array.from(both, (k) => actual![pred.rows[k]!]!);
      return {
        baseline: accuracy(Float64Array.from(both, (k) => linear!.values[o]![linearAt.get(pred.rows[k]!)!]!), truth),
        model: accuracy(Float64Array.from(both, (k) => pred.values[o]![k]!), truth),
        count: both.length,
      };
    }
  });
  return scores;
}

/**
 * A score as the command line prints it: the model's RMSE beside persistence and the linear AR
 * baseline, and a plain sentence when the baseline does at least as well as the model.
 */
export function scoreLines(label: string, s: TargetAccuracy, window: number): string[] {
  const p4 = (v: number) => v.toPrecision(4);
  const others = [s.persistence ? `persistence ${p4(s.persistence.rmse)}` : null, s.linear ? `linear AR ${p4(s.linear.baseline.rmse)}` : null].filter(Boolean);
  const lines = [`${label}: RMSE ${p4(s.rmse)}${others.length ? ` (${others.join(", ")})` : ""}, MAE ${p4(s.mae)}, ${s.count} predictions`];
  if (s.linear && s.linear.baseline.rmse <= s.linear.model.rmse) {
    lines.push(
      `${s.target}: the LSTM does not beat a linear autoregressive model of the last ${window} rows (RMSE ${p4(s.linear.baseline.rmse)} against the LSTM's ${p4(s.linear.model.rmse)} on the same ${s.linear.count} rows): the linear model would do as well for a fraction of the flash`,
    );
  }
  return lines;
}
