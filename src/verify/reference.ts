/**
 * What the C driver must write, computed in TypeScript: the same records (output, then c and h of
 * every layer) for the same inputs, from the fixed-point simulator (integer schemes, to be
 * matched bit for bit) or the float64 reference on the f32 weights (f32, within a tolerance).
 * The driver makes one record per full window (window mode) or per row (stream mode).
 */
import { createFloatState, floatStep, resetFloatState } from "../model/float-lstm.js";
import { f32AsFloatModel } from "../quant/f32-engine.js";
import type { QuantModel } from "../quant/quant-model-file.js";
import { Simulator, satRecord } from "../quant/simulator.js";
import type { DriverRecord } from "./driver-io.js";

export interface ReferenceRun {
  records: DriverRecord[];
  /** Saturations the simulator counted (integer schemes; empty for f32). */
  saturations: Record<string, number>;
}

/** Index of the last row of each record's window (window mode) or the record's row (stream). */
export function recordRows(model: QuantModel, rows: number): number[] {
  const first = model.architecture.mode === "window" ? model.architecture.window - 1 : 0;
  return Array.from({ length: Math.max(0, rows - first) }, (_, r) => first + r);
}

/** The steps one record runs: [first row, last row] of its window, or its one row. */
export function recordSteps(model: QuantModel, record: number): [number, number] {
  const a = model.architecture;
  return a.mode === "window" ? [record, record + a.window - 1] : [record, record];
}

/** The simulator's records for quantized input rows. */
export function simulateRecords(model: QuantModel, xq: readonly ArrayLike<number>[]): ReferenceRun {
  const sim = new Simulator(model);
  const snapshot = (y: Int32Array): DriverRecord => ({
    y: Array.from(y),
    c: sim.state.c.map((v) => Array.from(v)),
    h: sim.state.h.map((v) => Array.from(v)),
  });
  const records: DriverRecord[] = [];
  if (model.architecture.mode === "window") {
    const N = model.architecture.window;
    for (const last of recordRows(model, xq.length)) {
      sim.reset();
      let y: Int32Array | undefined;
      for (let t = last - N + 1; t <= last; t++) y = sim.step(xq[t]!);
      records.push(snapshot(y!));
    }
  } else {
    sim.reset();
    for (const x of xq) records.push(snapshot(sim.step(x)));
  }
  return { records, saturations: satRecord(sim.sats) };
}

/** The float64 reference on the f32 model's weights: records for normalised float inputs. */
export function floatRecords(model: QuantModel, x: readonly ArrayLike<number>[]): ReferenceRun {
  const fm = f32AsFloatModel(model);
  const state = createFloatState(fm.architecture);
  const y = new Float64Array(fm.architecture.outputSize);
  // The C reads float32 inputs: the reference sees the same values.
  const x32 = x.map((row) => Float64Array.from(row, Math.fround));
  const snapshot = (): DriverRecord => ({
    y: Array.from(y),
    c: state.c.map((v) => Array.from(v)),
    h: state.h.map((v) => Array.from(v)),
  });
  const records: DriverRecord[] = [];
  if (fm.architecture.mode === "window") {
    const N = fm.architecture.window;
    for (const last of recordRows(model, x32.length)) {
      resetFloatState(state);
      for (let t = last - N + 1; t <= last; t++) floatStep(fm, state, x32[t]!, y);
      records.push(snapshot());
    }
  } else {
    resetFloatState(state);
    for (const row of x32) {
      floatStep(fm, state, row, y);
      records.push(snapshot());
    }
  }
  return { records, saturations: {} };
}
