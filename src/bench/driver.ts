/**
 * The bench driver's C (targets/harness/bench_main.c.hbs), rendered for one model: its prefix,
 * its header, the inputs of every measured step as C literals.
 */
import { renderHarness } from "../toolchain/harness.js";

export interface DriverSpec {
  /** C prefix of the model's API (`PREFIX_step`, ...). */
  prefix: string;
  /** The model header, as #included. */
  header: string;
  /** One row per measured step: the input vector's elements. */
  inputs: ArrayLike<number>[];
  /** Inputs and outputs are float (f32 scheme) rather than integers. */
  float: boolean;
  /** The model has the window-mode API (PREFIX_window_t, PREFIX_predict): count a prediction too. */
  window?: boolean;
}

export function renderBenchDriver(spec: DriverSpec): string {
  if (spec.inputs.length === 0) throw new RangeError("the bench needs at least one step of input");
  return renderHarness("bench_main.c.hbs", {
    prefix: spec.prefix,
    PREFIX: spec.prefix.toUpperCase(),
    header: spec.header,
    steps: spec.inputs.length,
    inputRows: spec.inputs.map((row) => Array.from(row, (v) => cLiteral(v, spec.float)).join(", ")),
    floatOutput: spec.float,
    window: spec.window ?? false,
  });
}

/** A C literal of the input type: an integer, or a float with enough digits to round-trip float32. */
function cLiteral(v: number, float: boolean): string {
  if (!float) {
    if (!Number.isInteger(v)) throw new RangeError(`an integer input expected, found ${v}`);
    return String(v);
  }
  const s = Math.fround(v).toPrecision(9);
  return `${s.includes("e") || s.includes(".") ? s : `${s}.0`}f`;
}
