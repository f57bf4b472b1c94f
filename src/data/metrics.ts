/**
 * Accuracy in data units, and the baseline any forecaster must beat: persistence, which predicts
 * that the target at row j equals its last value the model could have seen, at row j-K.
 */
export interface Accuracy {
  rmse: number;
  mae: number;
}

export function accuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>): Accuracy {
  const n = predicted.length;
  let se = 0;
  let ae = 0;
  for (let k = 0; k < n; k++) {
    const e = predicted[k]! - actual[k]!;
    se += e * e;
    ae += Math.abs(e);
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n };
}

/** Persistence predictions for the given rows: the target's value `horizon` rows earlier. */
export function persistence(target: ArrayLike<number>, rows: readonly number[], horizon: number): Float64Array {
  return Float64Array.from(rows, (j) => target[j - horizon]!);
}
