import { createFloatState, floatStep, resetFloatState, type FloatState } from "./float-lstm.js";
import type { FloatModel } from "./model-file.js";
import type { StepEngine } from "./sequence.js";

/** The float64 reference as a StepEngine; its state (h and c of every layer) is readable. */
export interface FloatEngine extends StepEngine {
  readonly state: FloatState;
}

export function floatEngine(model: FloatModel): FloatEngine {
  const state = createFloatState(model.architecture);
  const y = new Float64Array(model.architecture.outputSize);
  return {
    state,
    reset: () => resetFloatState(state),
    step: (x) => {
      floatStep(model, state, x, y);
      return y;
    },
  };
}
