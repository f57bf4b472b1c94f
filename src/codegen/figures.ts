/**
 * Size figures of the generated C, exact for the layout the templates emit (layout.ts): bytes of
 * constant data in flash, and RAM for the caller's state, the step's scratch and the window's
 * ring buffer. Code size depends on the compiler and its flags; `seqforge bench` measures it.
 */
import { TABLE_SIZE, type QuantModel } from "../model/quant-model-file.js";
import { integerFacts, isIntegerScheme, type Scheme } from "../model/schemes.js";

/**
 * Flash of the runtime's nonlinearity table (seqforge_runtime.c, int16 entries): one per firmware
 * image whatever the number of integer models, so no model's own figures count it.
 */
export const RUNTIME_TABLE_BYTES = 2 * TABLE_SIZE;

export interface SizeFigures {
  /** Weights, biases and multipliers (static const, in flash); the shared runtime table apart. */
  flashBytes: number;
  /** The state struct (h and c of every layer; a delta model's last observed values, int32 or float). */
  stateBytes: number;
  /** The step's scratch on the stack: the new h of one layer. */
  scratchBytes: number;
  /** stateBytes + scratchBytes. */
  ramBytes: number;
  /** The window's ring buffer (window mode; 0 in stream mode), counted apart from ramBytes. */
  windowBytes: number;
  /** Multiply-accumulates of one step through every layer. */
  macsPerStep: number;
  /** Multiply-accumulates of one output of the head. */
  macsPerOutput: number;
}

/** Bytes of one element of each tensor, by scheme. */
export function elementBytes(scheme: Scheme): { w: number; x: number; h: number; c: number; y: number } {
  if (!isIntegerScheme(scheme)) return { w: 4, x: 4, h: 4, c: 4, y: 4 };
  const f = integerFacts(scheme);
  // c and y stay int16 in every integer scheme (docs/fixed-point.md, formats).
  return { w: f.weightBits / 8, x: f.activationBits / 8, h: f.activationBits / 8, c: 2, y: 2 };
}

function roundUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** Size in bytes of `{ T x[N][I]; uint16_t next; uint16_t count; }` with T of `x` bytes. */
function windowStructBytes(n: number, inputs: number, x: number): number {
  return roundUp(n * inputs * x + 4, Math.max(2, x));
}

export function sizeFigures(model: QuantModel): SizeFigures {
  const a = model.architecture;
  const H = a.hiddenSize;
  const O = a.outputSize;
  const e = elementBytes(model.scheme);
  const integer = model.scheme !== "f32";
  let flash = 0;
  let macs = 0;
  for (let l = 0; l < a.layers; l++) {
    const I = l === 0 ? a.inputSize : H;
    macs += 4 * H * (I + H);
    flash += 4 * H * (I + H) * e.w;
    // Per row: the bias; integer schemes also the two multipliers (int32 each).
    flash += 4 * H * (integer ? 12 : 4);
  }
  flash += O * H * e.w + O * (integer ? 8 : 4);
  // c before h in the struct, so an int8 h (w8a8) adds at most trailing padding; a delta model's
  // last observed values (4 bytes each) come last, aligned to 4.
  const cAndH = roundUp(a.layers * H * (e.h + e.c), Math.max(e.h, e.c));
  const stateBytes = a.delta ? roundUp(cAndH, 4) + 4 * O : cAndH;
  const scratchBytes = H * e.h;
  return {
    flashBytes: flash,
    stateBytes,
    scratchBytes,
    ramBytes: stateBytes + scratchBytes,
    windowBytes: a.mode === "window" ? windowStructBytes(a.window, a.inputSize, e.x) : 0,
    macsPerStep: macs,
    macsPerOutput: O * H,
  };
}
