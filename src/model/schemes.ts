/**
 * The schemes: one entry per way of storing and computing a model, with the facts every stage
 * reads from here (the quantizer's ranges, the file validator, the simulator's accumulator, the
 * C types, the banner, the command line's choices, the accuracy goal of the benchmarks).
 * docs/fixed-point.md specifies what the formats mean at run time; docs/architecture.md says
 * what else a new scheme needs (a dot-product kernel and its weight packing in the C).
 */
import { z } from "zod";

export interface IntegerSchemeFacts {
  integer: true;
  /** Storage width of weights (per-row scale). */
  weightBits: 8 | 16;
  /** Width of x and h, the values multiplied by the weights. c, the gates and y stay int16. */
  activationBits: 8 | 16;
  /**
   * Width of a row's dot-product accumulator. 64: the sum is reduced to int32 by an arithmetic
   * shift (accShift, docs/fixed-point.md step 1) before requantisation; 32: no reduction, the
   * quantizer bounds every partial sum below 2^31.
   */
  accumulatorBits: 32 | 64;
  /** One line for banners and help: what is stored how. */
  summary: string;
  /** l2r against float64 on the demo task that this scheme promises (bench/quant.md checks it). */
  l2rGoal: number;
}

export interface FloatSchemeFacts {
  integer: false;
  summary: string;
  l2rGoal: number;
}

export type SchemeFacts = IntegerSchemeFacts | FloatSchemeFacts;

export const SCHEMES = {
  w8a16: {
    integer: true,
    weightBits: 8,
    activationBits: 16,
    accumulatorBits: 32,
    summary: "int8 weights (per-row scale), int16 activations, int32 accumulators",
    l2rGoal: 5e-3,
  },
  w16a16: {
    integer: true,
    weightBits: 16,
    activationBits: 16,
    accumulatorBits: 64,
    summary: "int16 weights (per-row scale), int16 activations, int64 accumulators",
    l2rGoal: 5e-4,
  },
  w8a8: {
    integer: true,
    weightBits: 8,
    activationBits: 8,
    accumulatorBits: 32,
    summary: "int8 weights (per-row scale), int8 activations and h, int16 c and outputs",
    l2rGoal: 2e-2,
  },
  f32: {
    integer: false,
    summary: "float32 weights and activations (expf, tanhf from the C library)",
    l2rGoal: 1e-6,
  },
} as const satisfies Record<string, SchemeFacts>;

export type Scheme = keyof typeof SCHEMES;
export type IntegerScheme = { [K in Scheme]: (typeof SCHEMES)[K] extends { integer: true } ? K : never }[Scheme];

export const SCHEME_NAMES = Object.keys(SCHEMES) as [Scheme, ...Scheme[]];
export const INTEGER_SCHEMES = SCHEME_NAMES.filter((s): s is IntegerScheme => SCHEMES[s].integer);
export const DEFAULT_SCHEME: Scheme = "w8a16";
export const SchemeEnum = z.enum(SCHEME_NAMES);

export function isIntegerScheme(s: Scheme): s is IntegerScheme {
  return SCHEMES[s].integer;
}

/** The facts of an integer scheme. */
export function integerFacts(s: IntegerScheme): IntegerSchemeFacts {
  return SCHEMES[s];
}
