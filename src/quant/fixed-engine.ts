/**
 * The quantized model as a StepEngine over normalised floats (what `predict --engine fixed`
 * and the accuracy report drive through src/model/sequence.ts): each step quantizes the input
 * exactly as the C test driver does (docs/fixed-point.md "Input and output"), runs the integer
 * step, and returns y_q · 2^-fy. For the f32 scheme, the float32 engine (f32-engine.ts).
 */
import type { StepEngine } from "../model/sequence.js";
import type { QuantModel } from "../model/quant-model-file.js";
import { f32Engine } from "./f32-engine.js";
import { Simulator, satRecord } from "./simulator.js";

export interface QuantEngine extends StepEngine {
  /** Saturations counted since the engine was made (empty for f32, which does not saturate). */
  saturations(): Record<string, number>;
}

export function fixedEngine(model: QuantModel): QuantEngine {
  if (model.scheme === "f32") {
    const e = f32Engine(model);
    return { ...e, saturations: () => ({}) };
  }
  const sim = new Simulator(model);
  const unit = 2 ** -model.fixed!.head.outFrac;
  const y = new Float64Array(model.architecture.outputSize);
  return {
    reset: () => sim.reset(),
    step: (x) => {
      const yq = sim.step(sim.quantizeInput(x));
      for (let o = 0; o < y.length; o++) y[o] = yq[o]! * unit;
      return y;
    },
    saturations: () => satRecord(sim.sats),
  };
}
