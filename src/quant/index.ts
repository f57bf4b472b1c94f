/**
 * The quantization stage's public surface (for predict, generate, verify, bench):
 * the file, the simulator, and the StepEngine over normalised floats.
 */
export {
  QUANT_FORMAT,
  loadQuantModel,
  parseQuantModel,
  saveQuantModel,
  type QuantModel,
  type FixedPoint,
  type IntLayer,
  type IntHead,
} from "../model/quant-model-file.js";
export { fixedEngine, type QuantEngine } from "./fixed-engine.js";
export {
  Simulator,
  simulateSeries,
  quantizeInputs,
  fixedStep,
  gatesStage,
  activateStage,
  cellStage,
  headStage,
  createFixedState,
  resetFixedState,
  createSatCounts,
  satRecord,
  type FixedState,
  type SatCounts,
  type StepTrace,
  type IntegerSeriesOutput,
} from "./simulator.js";
export { tanhQ15, sigmoidQ15, buildTanhTable } from "./nonlinearity.js";
export { quantizeModel } from "./quantize.js";
