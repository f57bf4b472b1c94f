import { createFloatState, floatStep, resetFloatState } from "./float-lstm.js";
import type { FloatModel } from "./model-file.js";
import type { StepEngine } from "./run-series.js";

/** The float64 reference as a StepEngine. */
export function floatEngine(model: FloatModel): StepEngine {
  const state = createFloatState(model.architecture);
  const y = new Float64Array(model.architecture.outputSize);
  return {
    reset: () => resetFloatState(state),
    step: (x) => {
      floatStep(model, state, x, y);
      return y;
    },
  };
}
