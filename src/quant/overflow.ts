/**
 * The overflow proof of a quantized model (docs/fixed-point.md "Overflow, proved per model"):
 * interval analysis over the integer formats. For ANY representable input and state — every x
 * and h in its integer range, every c in int16, every gate in what the nonlinearities can return
 * — it bounds the magnitude of every accumulator and intermediate of the step, and compares each
 * bound with the C type that holds it. A bound above its type's limit is an overflow (undefined
 * behaviour in the C, a wrong answer in the simulator): the model is refused. A bound above a
 * saturating tensor's range (z, c, a8 h, y) is not an overflow, only a saturation the simulator
 * counts; the proof says which tensors can saturate.
 *
 * Bounds are computed exactly in BigInt: the int64 requantisation sums reach 2^62, beyond a
 * double's exact integers.
 */
import { InputError } from "../errors.js";
import type { FixedPoint, QuantModel } from "../model/quant-model-file.js";
import { CELLS } from "../model/cells.js";
import { rshr } from "./int-ops.js";
import { Simulator, type StepTrace } from "./simulator.js";

const GATES = ["i", "f", "g", "o"] as const;
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MAX = 2n ** 63n - 1n;
/** |gate| ≤ 32767: sigmoid_q15 and tanh_q15 return at most 32767 in magnitude (step 2). */
const GATE_MAX = 32767n;
/** |c| ≤ 32768: int16. */
const C_MAX = 32768n;

/** One bounded intermediate: where it is, its C type's limit and the largest magnitude it can reach. */
export interface Bound {
  /** `layer0.acc_x`, `layer1.requant`, `head.acc`, … */
  name: string;
  /** The C type that holds it. */
  type: "int32" | "int64";
  /** The largest magnitude it can reach, over every row. */
  bound: bigint;
  limit: bigint;
  /** The row that reaches it (gate rows: layer, gate and unit), for the refusal message. */
  where: string;
}

/** A saturating tensor: whether any representable input can drive it beyond its range. */
export interface Saturable {
  name: string;
  bound: bigint;
  range: bigint;
}

export interface OverflowProof {
  bounds: Bound[];
  saturable: Saturable[];
  /** The least headroom over every bound, in bits: log2(limit / bound). */
  headroomBits: number;
}

/** log2(limit / bound) in bits (bound 0: the full width). */
export function headroomBits(b: { bound: bigint; limit: bigint }): number {
  if (b.bound === 0n) return log2(b.limit);
  return log2(b.limit) - log2(b.bound);
}

function log2(v: bigint): number {
  // Exact enough for a report: the top 53 bits and the length.
  const bits = v.toString(2).length;
  const shift = Math.max(0, bits - 53);
  return Math.log2(Number(v >> BigInt(shift))) + shift;
}

/** rshr(v, n) applied to a magnitude bound: floor((v + 2^(n-1)) / 2^n) bounds |rshr(±v, n)|. */
function rshrBound(v: bigint, n: number): bigint {
  if (n === 0) return v;
  return (v + (1n << BigInt(n - 1))) >> BigInt(n);
}

/** The magnitude bound of rescale(v, from, to) (int-ops.ts) for |v| ≤ vMax. */
function rescaleBound(vMax: bigint, from: number, to: number): bigint {
  return to >= from ? vMax << BigInt(to - from) : rshrBound(vMax, from - to);
}

/** Σ_k |w[r,k]| · vMax for row r of a row-major matrix with `cols` columns. */
function rowSum(w: readonly number[], r: number, cols: number, vMax: bigint): bigint {
  let s = 0n;
  for (let k = 0; k < cols; k++) s += BigInt(Math.abs(w[r * cols + k]!));
  return s * vMax;
}

/** Magnitude bound of a signed integer type of `bits` bits: 2^(bits-1) (its minimum). */
const typeMax = (bits: number): bigint => 1n << BigInt(bits - 1);

/** Keeps the largest bound of each name. */
function keep(into: Map<string, Bound>, b: Bound): void {
  const old = into.get(b.name);
  if (!old || b.bound > old.bound) into.set(b.name, b);
}

/**
 * One dot product and its requantisation (a gate row or a head output): acc (int32 for the w8
 * schemes, int64 reduced by rshr(·, P) to int32 for w16a16), then acc·M summed in int64.
 */
function dotBounds(w: readonly number[], r: number, cols: number, vMax: bigint, accShift: number, wide: boolean): { raw: bigint; reduced: bigint } {
  const raw = rowSum(w, r, cols, vMax);
  return { raw, reduced: wide ? rshrBound(raw, accShift) : raw };
}

/**
 * The proof for a model of an integer scheme. Pure; throws nothing (see assertNoOverflow).
 */
export function proveOverflow(model: QuantModel, fx: FixedPoint = fixedPart(model)): OverflowProof {
  const a = model.architecture;
  const H = a.hiddenSize;
  const wide = fx.accumulatorBits === 64;
  const bounds = new Map<string, Bound>();
  const saturable: Saturable[] = [];
  const accType = (raw: boolean): "int32" | "int64" => (wide && raw ? "int64" : "int32");

  fx.layers.forEach((layer, l) => {
    const I = l === 0 ? a.inputSize : H;
    const xMax = typeMax(layer.inBits);
    const hMax = typeMax(layer.hBits);
    const half = 1n << BigInt(layer.shift - 1);
    let zMax = 0n;
    for (let r = 0; r < 4 * H; r++) {
      const where = `layer ${l}, gate ${GATES[Math.floor(r / H)]}, unit ${r % H}`;
      const x = dotBounds(layer.wx, r, I, xMax, layer.accShiftX, wide);
      const h = dotBounds(layer.wh, r, H, hMax, layer.accShiftH, wide);
      if (wide) {
        keep(bounds, { name: `layer${l}.acc_x (before the reduction)`, type: "int64", bound: x.raw, limit: INT64_MAX, where });
        keep(bounds, { name: `layer${l}.acc_h (before the reduction)`, type: "int64", bound: h.raw, limit: INT64_MAX, where });
      }
      keep(bounds, { name: `layer${l}.acc_x`, type: accType(false), bound: x.reduced, limit: INT32_MAX, where });
      keep(bounds, { name: `layer${l}.acc_h`, type: accType(false), bound: h.reduced, limit: INT32_MAX, where });
      const sum = x.reduced * BigInt(layer.mx[r]!) + h.reduced * BigInt(layer.mh[r]!) + half;
      keep(bounds, { name: `layer${l}.requant`, type: "int64", bound: sum, limit: INT64_MAX, where });
      const z = (sum >> BigInt(layer.shift)) + BigInt(Math.abs(layer.bias[r]!));
      if (z > zMax) zMax = z;
    }
    saturable.push({ name: `layer${l}.z`, bound: zMax, range: INT32_MAX });
    // The cell (step 3): every product is of two int16-sized values, at most 32768 · 32767.
    const where = `layer ${l}, cell update`;
    const fc = layer.cFrac;
    const fcProduct = C_MAX * GATE_MAX;
    const igProduct = GATE_MAX * GATE_MAX;
    keep(bounds, { name: `layer${l}.cell products`, type: "int32", bound: fcProduct + (1n << 14n), limit: INT32_MAX, where });
    const cNew = rshrBound(fcProduct, 15) + rshrBound(igProduct, 30 - fc);
    keep(bounds, { name: `layer${l}.c' before sat16`, type: "int32", bound: cNew, limit: INT32_MAX, where });
    saturable.push({ name: `layer${l}.c`, bound: cNew, range: 32767n });
    if (CELLS[a.cell].boundedH) {
      // tanh's input c'·2^(15-fc), c' ≤ 2^15 in magnitude after sat16.
      keep(bounds, { name: `layer${l}.tanh input`, type: "int32", bound: C_MAX << BigInt(15 - fc), limit: INT32_MAX, where });
    }
    if (layer.hBits === 8) {
      const hShift = CELLS[a.cell].boundedH ? 23 : 15 + fc - layer.hFrac;
      const hProduct = (CELLS[a.cell].boundedH ? GATE_MAX : C_MAX) * GATE_MAX;
      saturable.push({ name: `layer${l}.h`, bound: rshrBound(hProduct, hShift), range: 127n });
    }
  });

  const head = fx.head;
  const last = fx.layers[fx.layers.length - 1]!;
  const hMax = typeMax(last.hBits);
  const half = 1n << BigInt(head.shift - 1);
  let yMax = 0n;
  for (let o = 0; o < a.outputSize; o++) {
    const where = `head, output ${o}`;
    // A delta model adds its feature's last input, rescaled to y's format, to the bias (int32 in the C).
    const k = a.delta?.[o];
    const last = k === undefined ? 0n : rescaleBound(typeMax(fx.x.bits), fx.x.fracs[k]!, head.outFrac);
    if (k !== undefined) {
      keep(bounds, { name: "head.bias + last observed", type: "int32", bound: BigInt(Math.abs(head.bias[o]!)) + last, limit: INT32_MAX, where });
    }
    const acc = dotBounds(head.w, o, H, hMax, head.accShift, wide);
    if (wide) keep(bounds, { name: "head.acc (before the reduction)", type: "int64", bound: acc.raw, limit: INT64_MAX, where });
    keep(bounds, { name: "head.acc", type: "int32", bound: acc.reduced, limit: INT32_MAX, where });
    const sum = acc.reduced * BigInt(head.m[o]!) + half;
    keep(bounds, { name: "head.requant", type: "int64", bound: sum, limit: INT64_MAX, where });
    const y = (sum >> BigInt(head.shift)) + BigInt(Math.abs(head.bias[o]!)) + last;
    if (y > yMax) yMax = y;
  }
  saturable.push({ name: "y", bound: yMax, range: 32767n });

  const list = [...bounds.values()];
  return { bounds: list, saturable, headroomBits: Math.min(...list.map(headroomBits)) };
}

function fixedPart(model: QuantModel): FixedPoint {
  if (model.fixed === null) throw new Error(`scheme ${model.scheme} has no integer step to prove`);
  return model.fixed;
}

/** The bounds that break their limit (empty: proved). */
export function overflows(proof: OverflowProof): Bound[] {
  return proof.bounds.filter((b) => b.bound > b.limit);
}

/**
 * Refuses a model that could overflow (InputError, exit 2), naming the first offending
 * intermediate: layer, gate and unit (or head output), its bound and its type's limit. `file` is
 * the file the model came from. f32 models have no integer step and pass.
 */
export function assertNoOverflow(model: QuantModel, file: string): OverflowProof | null {
  if (model.fixed === null) return null;
  const proof = proveOverflow(model, model.fixed);
  const bad = overflows(proof)[0];
  if (bad) {
    throw new InputError(
      file,
      bad.where,
      `${bad.name} can reach ${bad.bound} in magnitude for a representable input, above the ${bad.type} limit ${bad.limit} ` +
        `(the ${model.scheme} step would overflow; ${model.fixed.accumulatorBits === 64 ? "re-run seqforge quantize, which chooses the accumulator reductions" : "use w16a16, fewer inputs or units, or smaller weights"})`,
    );
  }
  return proof;
}

/** `2^k.k` for a report: the bound's size at a glance. */
export function pow2(v: bigint): string {
  return v === 0n ? "0" : `2^${log2(v).toFixed(1)}`;
}

/** The proof as Markdown lines for the quantize report (docs/fixed-point.md explains the columns). */
export function proofTable(proof: OverflowProof): string[] {
  const lines = [
    `overflow proof (any representable input and state): least headroom ${proof.headroomBits.toFixed(1)} bits`,
    "",
    "| intermediate | C type | largest magnitude | limit | headroom (bits) |",
    "| --- | --- | ---: | ---: | ---: |",
  ];
  for (const b of proof.bounds) {
    lines.push(`| ${b.name} | ${b.type} | ${b.bound} (${pow2(b.bound)}) | 2^${(b.limit + 1n).toString(2).length - 1} - 1 | ${headroomBits(b).toFixed(1)} |`);
  }
  const sat = proof.saturable.filter((s) => s.bound > s.range).map((s) => s.name);
  lines.push("");
  lines.push(`can saturate (clamped and counted, never overflowing): ${sat.length ? sat.join(", ") : "none"}`);
  return lines;
}

/**
 * The proof checked against a run: a Stepper over the simulator that recomputes, at every step,
 * each accumulator the proof bounds (from the layer's input and the h before the step, exactly,
 * in doubles: every product is below 2^31 and every sum below 2^53) and keeps the largest
 * magnitude seen under the proof's names. `outside()` lists what went beyond its proved bound
 * (always empty when the proof is right).
 */
export class ProofObserver {
  readonly sim: Simulator;
  /** Largest |value| seen, by the proof's bound names. */
  readonly seen = new Map<string, number>();
  private readonly trace: StepTrace = { layers: [], y: new Int32Array(0) };
  private readonly prevH: Int32Array[];

  constructor(
    readonly model: QuantModel,
    readonly proof: OverflowProof = proveOverflow(model),
  ) {
    this.sim = new Simulator(model);
    this.prevH = this.sim.state.h.map((h) => new Int32Array(h.length));
  }

  reset(): void {
    this.sim.reset();
  }

  step(x: ArrayLike<number>): Int32Array {
    this.sim.state.h.forEach((h, l) => this.prevH[l]!.set(h));
    const y = this.sim.step(x, this.trace);
    const fx = this.model.fixed!;
    const wide = fx.accumulatorBits === 64;
    const H = this.model.architecture.hiddenSize;
    let input: ArrayLike<number> = x;
    fx.layers.forEach((layer, l) => {
      for (let r = 0; r < 4 * H; r++) {
        this.dot(`layer${l}.acc_x`, layer.wx, r, input, layer.accShiftX, wide);
        this.dot(`layer${l}.acc_h`, layer.wh, r, this.prevH[l]!, layer.accShiftH, wide);
      }
      input = this.trace.layers[l]!.h;
    });
    for (let o = 0; o < y.length; o++) this.dot("head.acc", fx.head.w, o, input, fx.head.accShift, wide);
    return y;
  }

  private dot(name: string, w: readonly number[], r: number, v: ArrayLike<number>, accShift: number, wide: boolean): void {
    let acc = 0;
    for (let k = 0; k < v.length; k++) acc += w[r * v.length + k]! * v[k]!;
    if (wide) this.note(`${name} (before the reduction)`, Math.abs(acc));
    this.note(name, Math.abs(rshr(acc, accShift)));
  }

  private note(name: string, v: number): void {
    if (v > (this.seen.get(name) ?? 0)) this.seen.set(name, v);
  }

  /** Intermediates seen beyond their proved bound, as `name: seen > bound`. */
  outside(): string[] {
    const bounds = new Map(this.proof.bounds.map((b) => [b.name, b.bound]));
    return [...this.seen].filter(([name, v]) => BigInt(v) > (bounds.get(name) ?? -1n)).map(([name, v]) => `${name}: ${v} > ${bounds.get(name)}`);
  }
}
