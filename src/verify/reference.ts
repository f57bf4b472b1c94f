/**
 * What the C driver must write, computed in TypeScript: the same records (output, then c and h of
 * every layer) for the same inputs, from the fixed-point simulator (integer schemes, to be
 * matched bit for bit) or the float64 reference on the f32 weights (f32, within a tolerance).
 * The driver makes one record per full window (window mode) or per row (stream mode).
 */
import { floatEngine } from "../model/float-engine.js";
import { f32AsFloatModel } from "../quant/f32-engine.js";
import type { QuantModel } from "../model/quant-model-file.js";
import { Simulator, satRecord } from "../quant/simulator.js";
import type { DriverRecord } from "./driver-io.js";
import { firstPredictedRow, predictionInputRows, runSequence, type SequenceSpec, type Stepper } from "../model/sequence.js";

export interface ReferenceRun {
  records: DriverRecord[];
  /** Saturations the simulator counted (integer schemes; empty for f32). */
  saturations: Record<string, number>;
}

/**
 * How the driver runs the data: in the model's run mode with no horizon (it never reads the
 * targets), so record r is the r-th prediction and ends at input row firstPredictedRow + r.
 */
function driverSpec(model: QuantModel): SequenceSpec {
  return { ...model.architecture, horizon: 0 };
}

/** The input rows one record ran: [first row, last row] of its window, or its one row. */
export function recordSteps(model: QuantModel, record: number): [number, number] {
  const spec = driverSpec(model);
  return predictionInputRows(spec, firstPredictedRow(spec) + record);
}

/** Records from any stepper whose state is read as c and h of every layer. */
function recordsOf<X, Y extends ArrayLike<number>>(
  model: QuantModel,
  stepper: Stepper<X, Y>,
  state: { c: ArrayLike<number>[]; h: ArrayLike<number>[] },
  inputs: readonly X[],
): DriverRecord[] {
  const records: DriverRecord[] = [];
  runSequence(stepper, driverSpec(model), inputs, (_, y) =>
    records.push({ y: Array.from(y), c: state.c.map((v) => Array.from(v)), h: state.h.map((v) => Array.from(v)) }),
  );
  return records;
}

/** The simulator's records for quantized input rows. */
export function simulateRecords(model: QuantModel, xq: readonly ArrayLike<number>[]): ReferenceRun {
  const sim = new Simulator(model);
  return { records: recordsOf(model, sim, sim.state, xq), saturations: satRecord(sim.sats) };
}

/** The float64 reference on the f32 model's weights: records for normalised float inputs. */
export function floatRecords(model: QuantModel, x: readonly ArrayLike<number>[]): ReferenceRun {
  const engine = floatEngine(f32AsFloatModel(model));
  // The C reads float32 inputs: the reference sees the same values.
  const x32 = x.map((row) => Float64Array.from(row, Math.fround));
  return { records: recordsOf(model, engine, engine.state, x32), saturations: {} };
}
