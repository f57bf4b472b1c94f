/**
 * Comparing the driver's records with the reference: exactly (integer schemes: any difference is
 * a failure) or within tolerances on the outputs and the state (f32). The first difference is located by record,
 * then by tensor in the order a step computes them (c, h of layer 0, 1, …, then y), so that it
 * names the earliest stage that diverged.
 */
import type { DriverRecord } from "./driver-io.js";

export interface Difference {
  /** Index of the record (window or row) where the first difference is. */
  record: number;
  /** `y`, `layer0.c`, `layer1.h`, … */
  tensor: string;
  index: number;
  expected: number;
  actual: number;
}

export interface Comparison {
  records: number;
  /** The first difference (exact) or the first output beyond tolerance (f32); null when none. */
  first: Difference | null;
  /** Max |actual - expected| over outputs, and over the state. */
  maxAbsOutput: number;
  maxAbsState: number;
  /** Record counts differ: the driver stopped early or ran too long. */
  countMismatch: { expected: number; actual: number } | null;
}

/**
 * `tolerance` 0: bit for bit on outputs and state. Otherwise: outputs within `tolerance`
 * (absolute), and c and h within `stateTolerance` relative to their size where it exceeds 1
 * (|Δ| ≤ stateTolerance · max(1, |expected|)).
 */
export function compareRecords(expected: DriverRecord[], actual: DriverRecord[], tolerance = 0, stateTolerance = tolerance): Comparison {
  let first: Difference | null = null;
  let maxAbsOutput = 0;
  let maxAbsState = 0;
  const n = Math.min(expected.length, actual.length);
  for (let r = 0; r < n; r++) {
    const e = expected[r]!;
    const a = actual[r]!;
    const check = (tensor: string, ev: number[], av: number[], state: boolean) => {
      for (let k = 0; k < ev.length; k++) {
        const d = Math.abs(av[k]! - ev[k]!);
        if (state) maxAbsState = Math.max(maxAbsState, d);
        else maxAbsOutput = Math.max(maxAbsOutput, d);
        const allowed = state ? stateTolerance * Math.max(1, Math.abs(ev[k]!)) : tolerance;
        const bad = tolerance === 0 ? !Object.is(av[k], ev[k]) && av[k] !== ev[k] : !(d <= allowed);
        if (bad && first === null) first = { record: r, tensor, index: k, expected: ev[k]!, actual: av[k]! };
      }
    };
    e.c.forEach((_, l) => {
      check(`layer${l}.c`, e.c[l]!, a.c[l]!, true);
      check(`layer${l}.h`, e.h[l]!, a.h[l]!, true);
    });
    check("y", e.y, a.y, false);
  }
  return {
    records: actual.length,
    first,
    maxAbsOutput,
    maxAbsState,
    countMismatch: expected.length === actual.length ? null : { expected: expected.length, actual: actual.length },
  };
}
