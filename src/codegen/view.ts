/**
 * The data the C templates are filled with, built from a quantized model. Every number the C
 * contains is copied from the model file (docs/fixed-point.md: the generator computes nothing
 * numeric); this module only reorders rows (layout.ts), formats literals and names things.
 */
import { InputError } from "../errors.js";
import { buildTanhTable } from "../quant/nonlinearity.js";
import { CELL_NAMES, type CellKind } from "../model/cells.js";
import type { FixedPoint, IntLayer, QuantModel } from "../model/quant-model-file.js";
import { integerFacts, isIntegerScheme, type IntegerScheme, type Scheme } from "../model/schemes.js";
import { commentSafe, doubleLiteral, floatLiteral, formatValues, intLiteral, perLineFor } from "./c-format.js";
import { elementBytes, sizeFigures, type SizeFigures } from "./figures.js";
import { macroPrefix } from "./identifier.js";
import { blockOrderComment, packUnitBlocks, unitGateTriples, unitMajorLabel, unitMajorRows } from "./layout.js";

const INDENT = "    ";

/** `#define P_NAME value  /* comment *\/` lines, values and comments in aligned columns. */
function figureMacros(P: string, prefix: string, f: SizeFigures, windowMode: boolean, integer: boolean): string {
  const rows: [string, number, string][] = [
    ["MACS_PER_STEP", f.macsPerStep, `${prefix}_step, every layer`],
    ["MACS_PER_OUTPUT", f.macsPerOutput, `${prefix}_output, the head`],
    ["FLASH_BYTES", f.flashBytes, integer ? "constant data; code and the runtime's shared table not included" : "constant data; code not included"],
    ["RAM_BYTES", f.ramBytes, "state + step scratch"],
    ["STATE_BYTES", f.stateBytes, `sizeof(${prefix}_state_t)`],
  ];
  if (windowMode) rows.push(["WINDOW_BYTES", f.windowBytes, `sizeof(${prefix}_window_t)`]);
  const names = rows.map(([n]) => `#define ${P}_${n}`);
  const nameWidth = Math.max(...names.map((n) => n.length));
  const valueWidth = Math.max(...rows.map(([, v]) => String(v).length));
  return rows.map(([, v, why], i) => `${names[i]!.padEnd(nameWidth)} ${String(v).padEnd(valueWidth)} /* ${why} */`).join("\n");
}

/**
 * The normalisation as initialiser macros in the header, so firmware that feeds raw sensor values
 * has the per-feature mean and scale beside the model (the model file's doubles, shortest
 * round-trip literals): `static const double mean[P_INPUT_SIZE] = P_IN_MEAN;`.
 */
function normalisationMacros(P: string, model: QuantModel): string {
  const n = model.normalization;
  const rows: [string, number[]][] = [
    ["IN_MEAN", n.input.mean],
    ["IN_SCALE", n.input.scale],
    ["OUT_MEAN", n.output.mean],
    ["OUT_SCALE", n.output.scale],
  ];
  const width = Math.max(...rows.map(([name]) => `#define ${P}_${name}`.length));
  const macro = ([name, values]: [string, number[]]) => {
    const head = `#define ${P}_${name}`.padEnd(width);
    const texts = values.map(doubleLiteral);
    const oneLine = `${head} { ${texts.join(", ")} }`;
    if (oneLine.length <= 100) return oneLine;
    // Long lists: continued lines (a backslash ends each), a few values to a line.
    const lines: string[] = [];
    const per = perLineFor(texts, INDENT.length);
    for (let i = 0; i < texts.length; i += per) lines.push(`${INDENT}${texts.slice(i, i + per).join(", ")}${i + per < texts.length ? "," : ""}`);
    return [`${head} {`, ...lines, "}"].join(" \\\n");
  };
  const names = (list: string[]) => commentSafe(list.join(", "));
  return [
    "/*",
    " * Normalisation, as trained: x_norm[k] = (raw[k] - IN_MEAN[k]) / IN_SCALE[k] for the inputs,",
    " * raw[o] = y_norm[o] * OUT_SCALE[o] + OUT_MEAN[o] for the outputs; initialisers, used as",
    ` * \`static const double in_mean[${P}_INPUT_SIZE] = ${P}_IN_MEAN;\`.`,
    ` *   inputs   ${names(model.features)}`,
    ` *   outputs  ${names(model.targets)}`,
    " */",
    ...rows.map(macro),
  ].join("\n");
}

export interface CommonView {
  p: string;
  P: string;
  headerFile: string;
  guard: string;
  generatorVersion: string;
  runtimeVersion: number;
  integer: boolean;
  windowMode: boolean;
  /** One flag per cell (model/cells.ts), true for the model's. */
  cell: Record<CellKind, boolean>;
  inputSize: number;
  outputSize: number;
  outputPlural: boolean;
  hidden: number;
  /** An odd hidden size: the pairwise loops (templates/model/model-int.c.hbs) end with one element. */
  hiddenOdd: boolean;
  hiddenX2: number;
  hiddenX3: number;
  window: number;
  inType: string;
  outType: string;
  hType: string;
  cType: string;
  figures: SizeFigures;
  figureMacros: string;
  normalisationMacros: string;
  /** A delta model's outputs (docs/fixed-point.md "Delta outputs"), or null for a level model. */
  delta: DeltaOutput[] | null;
}

/** One delta output: the input feature whose last value the output adds back. */
export interface DeltaOutput {
  o: number;
  /** `CO2 (input 0) -> CO2`, for the comment of the line that stores it. */
  note: string;
  /** The C expression that stores it in the state: x[k], in y's format for the integer schemes. */
  store: string;
}

/**
 * x[k] (Q from) in y's Q to as a C int32 expression (int-ops.ts rescale): a multiplication by
 * 2^(to − from) when y's format is finer (exact: |x| ≤ 2^15, to − from ≤ 15), else rshr.
 */
function rescaleExpression(k: number, from: number, to: number): string {
  if (to === from) return `x[${k}]`;
  return to > from ? `(int32_t)x[${k}] * ${2 ** (to - from)}` : `seqforge_rshr32(x[${k}], ${from - to})`;
}

function deltaOutputs(model: QuantModel): DeltaOutput[] | null {
  const delta = model.architecture.delta;
  if (!delta) return null;
  const fixed = model.fixed;
  return delta.map((k, o) => {
    const formats = fixed ? ` (Q${fixed.x.fracs[k]} to Q${fixed.head.outFrac})` : "";
    return {
      o,
      note: commentSafe(`${model.features[k] ?? k} (input ${k}) -> ${model.targets[o] ?? o}${formats}`),
      store: fixed ? rescaleExpression(k, fixed.x.fracs[k]!, fixed.head.outFrac) : `x[${k}]`,
    };
  });
}

/** `const int8_t` / `int16_t` / `float` names of the C types of each tensor. */
function cTypes(scheme: Scheme): { w: string; x: string; h: string; c: string; y: string; acc: string } {
  const e = elementBytes(scheme);
  if (!isIntegerScheme(scheme)) return { w: "float", x: "float", h: "float", c: "float", y: "float", acc: "float" };
  const int = (bytes: number) => `int${8 * bytes}_t`;
  return { w: int(e.w), x: int(e.x), h: int(e.h), c: int(e.c), y: int(e.y), acc: `int${integerFacts(scheme).accumulatorBits}_t` };
}

/** Rows of a weight matrix as a C initialiser body, one labelled block per row. */
function matrix(values: ArrayLike<number>, rowLength: number, literal: (v: number) => string, label: (r: number) => string): string {
  const sample = Array.from(values, literal);
  return formatValues(values, { perLine: perLineFor(sample, 2 * INDENT.length + 4), indent: INDENT }, literal, { rowLength, label });
}

/** A flat C initialiser body. */
function vector(values: ArrayLike<number>, literal: (v: number) => string): string {
  const sample = Array.from(values, literal);
  return formatValues(values, { perLine: perLineFor(sample, INDENT.length), indent: INDENT }, literal);
}

/** Values on one line, for short per-feature constants. */
function inline(values: ArrayLike<number>, literal: (v: number) => string): string {
  return Array.from(values, literal).join(", ");
}

const int = (v: number) => intLiteral(v);

export function commonView(model: QuantModel, prefix: string, generatorVersion: string, runtimeVersion: number): CommonView {
  const a = model.architecture;
  if (a.mode === "window" && a.window > 65535) {
    throw new InputError("architecture.window", "", `${a.window} is more than the generated ring buffer indexes (65535)`);
  }
  const t = cTypes(model.scheme);
  const figures = sizeFigures(model);
  const P = macroPrefix(prefix);
  return {
    p: prefix,
    P,
    headerFile: `${prefix}.h`,
    guard: `${P}_H`,
    generatorVersion,
    runtimeVersion,
    integer: model.scheme !== "f32",
    windowMode: a.mode === "window",
    // One flag per cell: the templates hold one cell-update block per cell ({{#if cell.standard}}).
    cell: Object.fromEntries(CELL_NAMES.map((c) => [c, c === a.cell])) as Record<CellKind, boolean>,
    inputSize: a.inputSize,
    outputSize: a.outputSize,
    outputPlural: a.outputSize !== 1,
    hidden: a.hiddenSize,
    hiddenOdd: a.hiddenSize % 2 === 1,
    hiddenX2: 2 * a.hiddenSize,
    hiddenX3: 3 * a.hiddenSize,
    window: a.window,
    inType: t.x,
    outType: t.y,
    hType: t.h,
    cType: t.c,
    figures,
    figureMacros: figureMacros(P, prefix, figures, a.mode === "window", model.scheme !== "f32"),
    normalisationMacros: normalisationMacros(P, model),
    delta: deltaOutputs(model),
  };
}

/**
 * The kernel of a scheme in seqforge_runtime.h, seqforge_dot4_w<bits>_a<bits>: named by its widths;
 * `_offset` when the weights are stored offset (offsetWeightsApply).
 */
function kernelName(scheme: IntegerScheme, offset: boolean): string {
  const f = integerFacts(scheme);
  return `w${f.weightBits}_a${f.activationBits}${offset ? "_offset" : ""}`;
}

/**
 * The offset representation of a target's description (`offsetWeights`: each int8 weight w stored
 * as w + 128 in a uint8_t) applies to the w8a16 layer weights, the scheme with an offset kernel
 * (seqforge_dot4_w8_a16_offset); every other scheme, and the head, keep their signed weights.
 */
function offsetWeightsApply(scheme: Scheme, offsetWeights: boolean): boolean {
  return offsetWeights && scheme === "w8a16";
}

/**
 * Layer 0 of a model whose features have different formats: what the input weights' columns
 * carry (the quantizer folded 2^(frac - fracs[k]) into column k), or null when they share one.
 */
function foldNote(fixed: FixedPoint): string | null {
  const x = fixed.x;
  if (x.fracs.every((f) => f === x.frac)) return null;
  return `feature k in Q f[k] (${inputFormatsText(fixed)}); column k carries 2^(${x.frac} - f[k]), so every row sums in Q${x.frac}`;
}

function intLayerView(l: IntLayer, index: number, H: number, I: number, scheme: IntegerScheme, fixed: FixedPoint, offset: boolean) {
  const blocks = (v: number[], n: number) => matrix(packUnitBlocks(v, H, n, scheme, offset ? "offset" : "kernel"), 4 * n, int, (j) => `unit ${j}`);
  return {
    index,
    prev: index - 1,
    rowX: 4 * I,
    rowH: 4 * H,
    inputSize: I,
    inputPlural: I !== 1,
    inType: l.inBits === 8 ? "int8_t" : "int16_t",
    inFormat: layerInputText(fixed, index),
    fold: index === 0 ? foldNote(fixed) : null,
    cFrac: l.cFrac,
    hFrac: l.hFrac,
    shift: l.shift,
    shiftMinus1: l.shift - 1,
    accShiftX: l.accShiftX,
    accShiftH: l.accShiftH,
    igShift: 30 - l.cFrac,
    cToQ15Shift: 15 - l.cFrac,
    // Seed cell, a8: c' * o (Q fc+15) to h's own Q fh (docs/fixed-point.md step 3); 23 when fh = fc - 8.
    seedH8Shift: 15 + l.cFrac - l.hFrac,
    // c' * 2^(15 - fc) as an int32 expression (exact: |c'| < 2^15, fc >= 0).
    cToQ15: l.cFrac === 15 ? "cn" : `(int32_t)cn * ${2 ** (15 - l.cFrac)}`,
    wx: blocks(l.wx, I),
    wh: blocks(l.wh, H),
    wxOrder: blockOrderComment(scheme, I),
    whOrder: blockOrderComment(scheme, H),
    gates: matrix(unitGateTriples(l.mx, l.mh, l.bias, H), 12, int, (j) => `unit ${j}`),
  };
}

/**
 * Layer l's input format as a comment says it: `Q15`; for layer 0 of a model whose features have
 * different formats, `Q10, Q15, Q10 by feature, summed in Q15` (the folded weight columns).
 */
export function layerInputText(fixed: FixedPoint, l: number): string {
  const inFrac = fixed.layers[l]!.inFrac;
  if (l > 0 || fixed.x.fracs.every((f) => f === inFrac)) return `Q${inFrac}`;
  return `${inputFormatsText(fixed)}, summed in Q${inFrac}`;
}

/** The input formats as a comment says them: `Q7` when every feature shares it, else `Q7, Q7, Q3, Q6 by feature`. */
export function inputFormatsText(fixed: FixedPoint): string {
  const f = fixed.x.fracs;
  return f.every((v) => v === f[0]) ? `Q${f[0]}` : `Q${f.join(", Q")} by feature`;
}

export function integerView(model: QuantModel, fixed: FixedPoint, common: CommonView, floatIo: boolean, offsetWeights: boolean) {
  const a = model.architecture;
  const H = a.hiddenSize;
  const t = cTypes(model.scheme);
  const scheme = model.scheme as IntegerScheme;
  const offset = offsetWeightsApply(scheme, offsetWeights);
  const layers = fixed.layers.map((l, i) => intLayerView(l, i, H, i === 0 ? a.inputSize : H, scheme, fixed, offset));
  const head = fixed.head;
  const norm = model.normalization;
  const xMax = fixed.x.bits === 8 ? 127 : 32767;
  return {
    ...common,
    wType: t.w,
    accType: t.acc,
    offsetWeights: offset,
    layerWType: offset ? "uint8_t" : t.w,
    layerKernel: kernelName(scheme, offset),
    // Both w8a16 kernels start sums from -128 times a sum of the inputs (their weights carry +128:
    // layout.ts), which the layer computes once per step into a fifth element of the accumulator array.
    sumStart: scheme === "w8a16" ? (offset ? "seqforge_offset_start_a16" : "seqforge_ig_start_w8_a16") : null,
    accLength: scheme === "w8a16" ? 5 : 4,
    wide: integerFacts(scheme).accumulatorBits === 64,
    a8: integerFacts(scheme).activationBits === 8,
    inFormats: inputFormatsText(fixed),
    outFrac: head.outFrac,
    cFracs: fixed.layers.map((l) => l.cFrac).join(", Q"),
    hFracs: fixed.layers.map((l) => l.hFrac).join(", Q"),
    layers,
    head: {
      outFrac: head.outFrac,
      shift: head.shift,
      shiftMinus1: head.shift - 1,
      accShift: head.accShift,
      w: matrix(head.w, H, int, (o) => commentSafe(`output ${o}: ${model.targets[o] ?? o}`)),
      m: vector(head.m, int),
      bias: vector(head.bias, int),
    },
    floatIo: floatIo
      ? {
          inMean: inline(norm.input.mean, doubleLiteral),
          inScale: inline(norm.input.scale, doubleLiteral),
          outMean: inline(norm.output.mean, doubleLiteral),
          outScale: inline(norm.output.scale, doubleLiteral),
          // 2^fracs[k]: each feature's own input format (docs/fixed-point.md "Input and output").
          inStep: inline(fixed.x.fracs.map((f) => 2 ** f), doubleLiteral),
          outStep: doubleLiteral(2 ** -head.outFrac),
          inMax: xMax,
          inMin: -xMax - 1,
        }
      : null,
  };
}

/**
 * The nonlinearity table of the runtime (seqforge_runtime.c): the specification's (docs/fixed-point.md
 * step 2, src/quant/nonlinearity.ts, the function the quantizer writes into every model file), not a
 * model's, since one copy serves every model of a firmware image. So a model file must carry exactly
 * this table; checkModelTable refuses one that does not.
 */
function specTable(): number[] {
  return buildTanhTable();
}

/** Refuses a model file whose table is not the specification's: its C would read the runtime's table, not the file's. */
export function checkModelTable(fixed: FixedPoint): void {
  const spec = specTable();
  const t = fixed.nonlinearity.table;
  if (t.length !== spec.length) {
    throw new InputError("model", "field fixed.nonlinearity.table", `${t.length} entries, but the specification's table (docs/fixed-point.md step 2), the one seqforge_runtime.c holds for every model, has ${spec.length}`);
  }
  const k = spec.findIndex((v, i) => t[i] !== v);
  if (k >= 0) {
    throw new InputError(
      "model",
      `field fixed.nonlinearity.table[${k}]`,
      `${t[k]}, but the specification's table (docs/fixed-point.md step 2), the one seqforge_runtime.c holds for every model, has ${spec[k]}: the generated C would not compute what this file says (quantize the model again)`,
    );
  }
}

/** The runtime files' view: the same for every model. */
export function runtimeView(generatorVersion: string, runtimeVersion: number) {
  const table = specTable();
  return {
    generatorVersion,
    runtimeVersion,
    table: vector(table, int),
    tableLength: table.length,
    tableLast: table.length - 1,
    tableBytes: 2 * table.length,
  };
}

export function f32View(model: QuantModel, common: CommonView, floatIo: boolean) {
  const a = model.architecture;
  const H = a.hiddenSize;
  const w = model.float32;
  if (!w) throw new InputError("model", "field float32", "the float32 weights expected for scheme f32");
  const f = floatLiteral;
  const layers = w.layers.map((l, index) => {
    const I = index === 0 ? a.inputSize : H;
    return {
      index,
      prev: index - 1,
      rows: 4 * H,
      inputSize: I,
      inputPlural: I !== 1,
      inputSizeX2: 2 * I,
      inputSizeX3: 3 * I,
      wx: matrix(unitMajorRows(l.wx, H, I), I, f, unitMajorLabel),
      wh: matrix(unitMajorRows(l.wh, H, H), H, f, unitMajorLabel),
      bias: vector(unitMajorRows(l.b, H, 1), f),
    };
  });
  const norm = model.normalization;
  return {
    ...common,
    layers,
    head: {
      w: matrix(w.head.w, H, f, (o) => commentSafe(`output ${o}: ${model.targets[o] ?? o}`)),
      bias: vector(w.head.b, f),
    },
    floatIo: floatIo
      ? {
          inMean: inline(norm.input.mean, f),
          inScale: inline(norm.input.scale, f),
          outMean: inline(norm.output.mean, f),
          outScale: inline(norm.output.scale, f),
        }
      : null,
  };
}
