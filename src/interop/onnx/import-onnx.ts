/**
 * An ONNX graph of an LSTM stack and a linear head, as torch.onnx.export writes nn.LSTM followed
 * by nn.Linear (opsets 13–17), read into seqforge's layout. The graph is walked as one chain from
 * its input to its output; every node on it must be one of these, in this order:
 *
 *   [Sub mean] [Div scale]            input normalisation (seqforge export writes these)
 *   Transpose perm [1,0,2]            batch_first: [B,T,F] ↔ [T,B,F], anywhere on rank-3 values
 *   LSTM, Squeeze axes [1]            one pair per layer; Y [T,1,B,H] → [T,B,H]
 *   Gather index -1 on the time axis  last step only (window mode)
 *   Gemm, or MatMul [Add bias]        the head (on the last step, or on every step: stream mode)
 *   [Mul scale] [Add mean]            output denormalisation (seqforge export writes these)
 *   Identity                          anywhere
 *
 * Everything off the chain must fold to constants (./fold.ts): weights, axes, indices, and the
 * zero initial state. ONNX's gate blocks are i, o, f, c (seqforge's i, f, g, o), and B is
 * [Wb; Rb], whose sum is seqforge's one bias. Anything else is refused with an InputError naming
 * the node and the attribute.
 */
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { HeadWeights, LayerWeights, Normalization } from "../../model/model-file.js";
import { CELL_NAMES, type CellKind } from "../../model/cells.js";
import { RunModeEnum } from "../../model/sequence.js";
import { GATE_ORDER, reorderGates, transpose, type ImportedNetwork, type RecordedFacts } from "../network.js";
import { foldConstants } from "./fold.js";
import {
  attribute,
  consumers,
  declaredDims,
  floatAttribute,
  intAttribute,
  intsAttribute,
  nodeLabel,
  stringAttribute,
  stringsAttribute,
} from "./graph.js";
import { decodeModel, type OnnxModel, type OnnxNode } from "./proto.js";
import type { Tensor } from "./tensor.js";

/** The opsets of the default domain accepted: those torch.onnx.export writes LSTMs in, 13 … 17. */
export const OPSETS = { min: 13, max: 17 } as const;

/** The metadata key under which seqforge export records the model's columns and run mode. */
export const METADATA_KEY = "seqforge";
const RecordedFactsSchema = z.object({
  features: z.array(z.string()).optional(),
  targets: z.array(z.string()).optional(),
  window: z.number().int().positive().optional(),
  horizon: z.number().int().nonnegative().optional(),
  mode: RunModeEnum.optional(),
});

/** The ops on the chain, for the message that refuses any other. */
const CHAIN_OPS = "Sub, Div, Transpose, LSTM, Squeeze, Gather, Gemm, MatMul, Add, Mul, Identity";
/** Recurrent layers that are not LSTMs, refused by name. */
const OTHER_RNNS = new Set(["GRU", "RNN"]);
/** Activations, refused after the LSTM as a head that is not linear. */
const NONLINEAR = new Set(["Relu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "Softplus", "Gelu", "Clip"]);

function defaultOpset(model: OnnxModel, file: string): number {
  const entry = model.opsetImport?.find((o) => !o.domain || o.domain === "ai.onnx");
  const v = entry?.version;
  if (v === undefined) throw new InputError(file, "opset_import", "no opset for the default ONNX domain");
  if (v < OPSETS.min || v > OPSETS.max) {
    throw new InputError(file, "opset_import", `opset ${v} is not one seqforge reads; ${OPSETS.min}–${OPSETS.max} expected (torch.onnx.export opset_version)`);
  }
  return v;
}

function recordedFacts(model: OnnxModel, file: string): RecordedFacts {
  const text = model.metadataProps?.find((p) => p.key === METADATA_KEY)?.value;
  if (text === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError(file, `metadata_props ${METADATA_KEY}`, "not valid JSON");
  }
  const res = RecordedFactsSchema.safeParse(raw);
  if (!res.success) throw new InputError(file, `metadata_props ${METADATA_KEY}`, res.error.issues[0]!.message);
  return res.data;
}

/**
 * The LSTM operator's activations (f, g, h) and their parameters for each seqforge cell: the
 * standard cell is the operator's default; the seed cell's h = o·c is h = Affine(c) with
 * alpha 1 and beta 0, the identity. Any other activations are refused.
 */
export const CELL_ACTIVATIONS: Record<CellKind, { activations: string[]; alpha?: number[]; beta?: number[] }> = {
  standard: { activations: ["Sigmoid", "Tanh", "Tanh"] },
  seed: { activations: ["Sigmoid", "Tanh", "Affine"], alpha: [1], beta: [0] },
};

function cellOf(node: OnnxNode, fail: (place: string, what: string) => never): CellKind {
  const activations = stringsAttribute(node, "activations") ?? CELL_ACTIVATIONS.standard.activations;
  const alpha = attribute(node, "activation_alpha")?.floats;
  const beta = attribute(node, "activation_beta")?.floats;
  const same = (a: number[] | undefined, b: number[] | undefined) => (a ?? []).join() === (b ?? []).join();
  for (const cell of CELL_NAMES) {
    const want = CELL_ACTIVATIONS[cell];
    if (activations.join() === want.activations.join() && same(alpha, want.alpha) && same(beta, want.beta)) return cell;
  }
  const params = alpha || beta ? ` (alpha [${alpha?.join(", ") ?? ""}], beta [${beta?.join(", ") ?? ""}])` : "";
  return fail(
    nodeLabel(node),
    `activations [${activations.join(", ")}]${params}; the default [Sigmoid, Tanh, Tanh] expected (or [Sigmoid, Tanh, Affine] with alpha [1], beta [0]: the seed cell)`,
  );
}

/** Where the walk is on the chain: which nodes may come next. */
type Stage = "input" | "lstm" | "sequence" | "last" | "linear" | "head" | "scaled" | "shifted";

interface Chain {
  layers: LayerWeights[];
  hidden: number[];
  cells: CellKind[];
  head: HeadWeights | null;
  lastStep: boolean;
  /** Whether the graph input is batch-major (batch_first: a Transpose before the first LSTM). */
  batchFirst: boolean;
  inMean: number[] | null;
  inScale: number[] | null;
  outScale: number[] | null;
  outMean: number[] | null;
  notes: string[];
}

/** Reads an ONNX file's bytes as an LSTM stack and head; `file` names it in errors. */
export function importOnnx(bytes: Uint8Array, file: string): ImportedNetwork {
  const model = decodeModel(bytes, file);
  const opset = defaultOpset(model, file);
  const graph = model.graph!;
  const fail = (place: string, what: string): never => {
    throw new InputError(file, place, what);
  };

  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ""));
  const uses = consumers(graph);
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ""));
  // A graph input read only as an LSTM's initial_h or initial_c (inputs 5 and 6) is a state input.
  const isStateInput = (name: string) =>
    (uses.get(name) ?? []).every((n) => n.opType === "LSTM" && [5, 6].includes(n.input!.indexOf(name)));
  const dataInputs = inputs.filter((v) => !isStateInput(v.name ?? ""));
  if (dataInputs.length !== 1) {
    fail("graph inputs", `${dataInputs.length} sequence inputs (${dataInputs.map((v) => v.name).join(", ")}); one expected, [T, B, F] or [B, T, F]`);
  }
  const x = dataInputs[0]!;
  const xName = x.name ?? "";
  const xDims = declaredDims(x);
  if (xDims !== null && xDims.length !== 3) fail(`input ${JSON.stringify(xName)}`, `rank ${xDims.length}; rank 3 expected ([T, B, F] or [B, T, F])`);
  if ((graph.output ?? []).length !== 1) fail("graph outputs", `${graph.output?.length ?? 0} outputs; one expected (the head's)`);
  const yName = graph.output![0]!.name ?? "";

  // Dynamic axes read as 1 (see fold.ts): only the zero state's shape depends on them.
  const shapes = new Map<string, number[]>();
  if (xDims !== null) shapes.set(xName, xDims.map((d) => (typeof d === "number" ? d : 1)));
  const known = foldConstants(graph, shapes, file);

  const constant = (node: OnnxNode, k: number, what: string): Tensor => {
    const name = node.input?.[k] ?? "";
    const t = name ? known.get(name) : undefined;
    if (!t) fail(nodeLabel(node), `${what} (input ${k}) is not a constant; an initializer or a constant sub-graph expected`);
    return t!;
  };
  const vector = (node: OnnxNode, k: number, what: string): number[] => {
    const t = constant(node, k, what);
    const n = t.data.length;
    if (t.dims.length > 0 && t.dims[t.dims.length - 1] !== n) fail(nodeLabel(node), `${what} has shape [${t.dims.join(", ")}]; one value per column expected`);
    return Array.from(t.data);
  };

  const chain: Chain = { layers: [], hidden: [], cells: [], head: null, lastStep: false, batchFirst: false, inMean: null, inScale: null, outScale: null, outMean: null, notes: [] };
  let stage: Stage = "input";
  let batchMajor = false;
  let cur = xName;
  const onChain = (node: OnnxNode, k: number) => {
    if (node.input?.[k] !== cur) fail(nodeLabel(node), `reads the sequence as input ${node.input?.indexOf(cur)}; input ${k} expected`);
  };
  const expectStage = (node: OnnxNode, allowed: Stage[], where: string) => {
    if (!allowed.includes(stage)) fail(nodeLabel(node), `${where}; found after ${STAGE_NAMES[stage]}`);
  };

  while (cur !== yName) {
    // A Shape reads only the value's shape (for a zero state), which fold.ts evaluated.
    const next = (uses.get(cur) ?? []).filter((n) => !(n.opType === "Shape" && known.has(n.output?.[0] ?? "")));
    if (next.length === 0) fail(`value ${JSON.stringify(cur)}`, `does not lead to the graph output ${JSON.stringify(yName)}`);
    if (next.length > 1) {
      fail(`value ${JSON.stringify(cur)}`, `read by ${next.length} nodes (${next.map(nodeLabel).join(", ")}); one chain from the input to the output expected`);
    }
    const node = next[0]!;
    const op = node.opType ?? "";
    const label = nodeLabel(node);
    if (node.domain && node.domain !== "ai.onnx") fail(label, `domain ${JSON.stringify(node.domain)}; the default ONNX domain expected`);
    switch (op) {
      case "Identity":
        break;
      case "Transpose": {
        const perm = intsAttribute(node, "perm");
        if (!perm || perm.join() !== "1,0,2") fail(label, `perm [${perm?.join(", ") ?? ""}]; [1, 0, 2] expected (batch_first)`);
        expectStage(node, ["input", "sequence", "head", "scaled", "shifted"], "a Transpose swaps the time and batch axes of a sequence");
        batchMajor = !batchMajor;
        break;
      }
      case "Sub":
        expectStage(node, ["input"], "Sub (the input normalisation's mean) comes before the first LSTM");
        onChain(node, 0);
        if (chain.inMean || chain.inScale) fail(label, "a second Sub or a Sub after Div; Sub mean then Div scale expected");
        chain.inMean = vector(node, 1, "the mean");
        break;
      case "Div":
        expectStage(node, ["input"], "Div (the input normalisation's scale) comes before the first LSTM");
        onChain(node, 0);
        if (chain.inScale) fail(label, "a second Div; Sub mean then Div scale expected");
        chain.inScale = vector(node, 1, "the scale");
        if (chain.inScale.some((v) => v === 0)) fail(label, "a scale of 0");
        break;
      case "LSTM": {
        expectStage(node, ["input", "sequence"], "an LSTM reads the input or the previous LSTM's squeezed output");
        onChain(node, 0);
        // The LSTM fixes the layout: the graph input is batch-major (batch_first) when an odd
        // number of Transposes lies before the first LSTM; between LSTMs there must be an even one.
        if (chain.layers.length === 0) chain.batchFirst = batchMajor;
        else if (batchMajor) fail(label, "reads a batch-major sequence [B, T, H]; the previous LSTM's time-major output expected");
        batchMajor = false;
        const layer = lstmLayer(node, constant, inputs.map((v) => v.name ?? ""), uses, yName, fail);
        chain.layers.push(layer.weights);
        chain.hidden.push(layer.hidden);
        chain.cells.push(layer.cell);
        if (layer.note) chain.notes.push(layer.note);
        stage = "lstm";
        break;
      }
      case "Squeeze": {
        expectStage(node, ["lstm"], "a Squeeze removes the LSTM output's direction axis");
        onChain(node, 0);
        const axes = node.input?.[1] ? Array.from(constant(node, 1, "axes").data) : (intsAttribute(node, "axes") ?? []);
        if (axes.join() !== "1") fail(label, `axes [${axes.join(", ")}]; [1] expected (the LSTM output's num_directions axis)`);
        stage = "sequence";
        break;
      }
      case "Gather": {
        expectStage(node, ["sequence"], "Gather picks the last LSTM's last step");
        onChain(node, 0);
        const axis = intAttribute(node, "axis") ?? 0;
        const timeAxis = batchMajor ? 1 : 0;
        if (axis !== timeAxis) fail(label, `axis ${axis}; the time axis ${timeAxis} expected`);
        const index = constant(node, 1, "indices");
        if (index.dims.length !== 0 || index.data[0] !== -1) fail(label, `indices [${Array.from(index.data).join(", ")}]; the scalar -1 (the last step) expected`);
        chain.lastStep = true;
        stage = "last";
        break;
      }
      case "Gemm": {
        expectStage(node, ["last"], "the Gemm head reads the last step");
        onChain(node, 0);
        if ((intAttribute(node, "transA") ?? 0) !== 0) fail(label, "transA 1; 0 expected");
        for (const a of ["alpha", "beta"]) {
          const v = floatAttribute(node, a);
          if (v !== undefined && v !== 1) fail(label, `${a} ${v}; 1 expected`);
        }
        const w = constant(node, 1, "the weight");
        if (w.dims.length !== 2) fail(label, `weight of shape [${w.dims.join(", ")}]; a matrix expected`);
        const transB = (intAttribute(node, "transB") ?? 0) === 1;
        const [O, H] = transB ? [w.dims[0]!, w.dims[1]!] : [w.dims[1]!, w.dims[0]!];
        const b = node.input?.[2] ? vector(node, 2, "the bias") : new Array<number>(O).fill(0);
        if (b.length !== O) fail(label, `${b.length} bias values for ${O} outputs`);
        chain.head = { w: transB ? Array.from(w.data) : transpose(w.data, H, O), b };
        stage = "head";
        break;
      }
      case "MatMul": {
        expectStage(node, ["last", "sequence"], "the MatMul head reads the last LSTM's output");
        onChain(node, 0);
        const w = constant(node, 1, "the weight");
        if (w.dims.length !== 2) fail(label, `weight of shape [${w.dims.join(", ")}]; a matrix [H, O] expected`);
        chain.head = { w: transpose(w.data, w.dims[0]!, w.dims[1]!), b: new Array<number>(w.dims[1]!).fill(0) };
        stage = "linear";
        break;
      }
      case "Add": {
        expectStage(node, ["linear", "head", "scaled"], "Add is the head's bias (after MatMul) or the output normalisation's mean");
        const k = node.input?.indexOf(cur) ?? -1;
        const values = vector(node, 1 - k, stage === "linear" ? "the bias" : "the mean");
        if (values.length !== chain.head!.b.length) fail(label, `${values.length} values for ${chain.head!.b.length} outputs`);
        if (stage === "linear") {
          chain.head!.b = values;
          stage = "head";
        } else {
          chain.outMean = values;
          stage = "shifted";
        }
        break;
      }
      case "Mul": {
        expectStage(node, ["linear", "head"], "Mul (the output normalisation's scale) comes right after the head");
        const k = node.input?.indexOf(cur) ?? -1;
        chain.outScale = vector(node, 1 - k, "the scale");
        if (chain.outScale.length !== chain.head!.b.length) fail(label, `${chain.outScale.length} values for ${chain.head!.b.length} outputs`);
        stage = "scaled";
        break;
      }
      default:
        if (OTHER_RNNS.has(op)) fail(label, `${op} layers cannot be imported; seqforge runs LSTM cells (nn.LSTM)`);
        if (NONLINEAR.has(op) && stage !== "input") {
          fail(label, `${op} after the LSTM: the head must be linear (nn.Linear: Gemm, or MatMul then Add), with nothing after it`);
        }
        fail(label, `op ${op} is not one seqforge maps; the chain from input to output may hold ${CHAIN_OPS}`);
    }
    cur = node.output![0]!;
  }
  if (!["linear", "head", "scaled", "shifted"].includes(stage)) {
    fail(`output ${JSON.stringify(yName)}`, `comes after ${STAGE_NAMES[stage]}; an LSTM then a linear head (nn.Linear) expected`);
  }
  return network(model, opset, chain, xDims, file);
}

const STAGE_NAMES: Record<Stage, string> = {
  input: "the input",
  lstm: "an LSTM (whose output needs its Squeeze)",
  sequence: "an LSTM's squeezed output",
  last: "the last step's Gather",
  linear: "the head's MatMul",
  head: "the head",
  scaled: "the output normalisation's Mul",
  shifted: "the output normalisation's Add",
};

function lstmLayer(
  node: OnnxNode,
  constant: (node: OnnxNode, k: number, what: string) => Tensor,
  graphInputs: string[],
  uses: Map<string, OnnxNode[]>,
  yName: string,
  fail: (place: string, what: string) => never,
): { weights: LayerWeights; hidden: number; cell: CellKind; note: string | null } {
  const label = nodeLabel(node);
  const direction = stringAttribute(node, "direction") ?? "forward";
  if (direction !== "forward") fail(label, `direction ${direction}; forward expected (seqforge runs one direction)`);
  if (floatAttribute(node, "clip") !== undefined) fail(label, `clip ${floatAttribute(node, "clip")}; no cell clip expected (seqforge's cell does not clip)`);
  if ((intAttribute(node, "input_forget") ?? 0) !== 0) fail(label, "input_forget 1 (coupled input and forget gates); 0 expected");
  if ((intAttribute(node, "layout") ?? 0) !== 0) fail(label, `layout ${intAttribute(node, "layout")}; 0 expected (time-major)`);
  const cell = cellOf(node, fail);
  const inputs = node.input ?? [];
  if (inputs[4]) fail(label, `sequence_lens given (input 4, ${JSON.stringify(inputs[4])}); every sequence runs all steps in seqforge`);
  if (inputs[7]) fail(label, `peephole weights P given (input 7, ${JSON.stringify(inputs[7])}); seqforge's cell has no peepholes`);
  for (const k of [1, 2]) {
    for (const use of uses.get(node.output?.[k] ?? "") ?? []) fail(label, `output ${k === 1 ? "Y_h" : "Y_c"} is read by ${nodeLabel(use)}; only Y is mapped`);
    if (node.output?.[k] && node.output[k] === yName) fail(label, `output ${k === 1 ? "Y_h" : "Y_c"} is the graph output; only Y is mapped`);
  }

  const W = constant(node, 1, "W");
  const R = constant(node, 2, "R");
  if (W.dims.length !== 3 || W.dims[0] !== 1) fail(label, `W of shape [${W.dims.join(", ")}]; [1, 4H, I] expected (one direction)`);
  const H4 = W.dims[1]!;
  const I = W.dims[2]!;
  const H = H4 / 4;
  const hiddenSize = intAttribute(node, "hidden_size");
  if (hiddenSize !== undefined && hiddenSize * 4 !== H4) fail(label, `hidden_size ${hiddenSize} but W has ${H4} rows; 4 × hidden_size expected`);
  if (!Number.isInteger(H) || H < 1) fail(label, `W has ${H4} rows; a multiple of 4 expected`);
  if (R.dims.join() !== `1,${H4},${H}`) fail(label, `R of shape [${R.dims.join(", ")}]; [1, ${H4}, ${H}] expected`);
  const bias = new Array<number>(H4).fill(0);
  if (inputs[3]) {
    const B = constant(node, 3, "B");
    if (B.dims.join() !== `1,${2 * H4}`) fail(label, `B of shape [${B.dims.join(", ")}]; [1, ${2 * H4}] expected ([Wb; Rb])`);
    // seqforge's one bias is Wb + Rb.
    for (let r = 0; r < H4; r++) bias[r] = B.data[r]! + B.data[H4 + r]!;
  }

  let note: string | null = null;
  for (const [k, name] of [[5, "initial_h"], [6, "initial_c"]] as const) {
    const value = inputs[k];
    if (!value) continue;
    if (graphInputs.includes(value)) {
      note = `${label}: the initial state inputs (${[inputs[5], inputs[6]].filter(Boolean).join(", ")}) are read as the reset state, zeros`;
      continue;
    }
    const t = constant(node, k, name);
    if (t.data.some((v) => v !== 0)) fail(label, `${name} holds non-zero values; a zero initial state expected (seqforge resets h and c to 0)`);
  }

  const { onnx, seqforge } = GATE_ORDER;
  return {
    weights: {
      wx: reorderGates(W.data, H, I, onnx, seqforge),
      wh: reorderGates(R.data, H, H, onnx, seqforge),
      b: reorderGates(bias, H, 1, onnx, seqforge),
    },
    hidden: H,
    cell,
    note,
  };
}

/** Checks the stack fits one seqforge architecture and puts the network together. */
function network(model: OnnxModel, opset: number, chain: Chain, xDims: (number | string | null)[] | null, file: string): ImportedNetwork {
  const H = chain.hidden[0]!;
  chain.hidden.forEach((h, l) => {
    if (chain.cells[l] !== chain.cells[0]) throw new InputError(file, `LSTM layer ${l}`, `the ${chain.cells[l]} cell, but layer 0 has the ${chain.cells[0]} cell; one cell for all layers expected`);
    if (h !== H) throw new InputError(file, `LSTM layer ${l}`, `hidden size ${h}, but layer 0 has ${H}; seqforge models have one hidden size`);
    const I = chain.layers[l]!.wx.length / (4 * h);
    if (l > 0 && I !== H) throw new InputError(file, `LSTM layer ${l}`, `${I} inputs; the previous layer's ${H} outputs expected`);
  });
  const head = chain.head!;
  const O = head.b.length;
  if (head.w.length !== O * H) throw new InputError(file, "the head", `a weight of ${head.w.length / O} columns; the LSTM's ${H} outputs expected`);
  const F = chain.layers[0]!.wx.length / (4 * H);
  const timeAxis = chain.batchFirst ? 1 : 0;
  if (xDims !== null && typeof xDims[2] === "number" && xDims[2] !== F) {
    throw new InputError(file, "graph input", `${xDims[2]} features, but the first LSTM reads ${F}`);
  }
  const steps = xDims !== null && typeof xDims[timeAxis] === "number" ? (xDims[timeAxis] as number) : null;
  const norm = (mean: number[] | null, scale: number[] | null, n: number, what: string): Normalization => {
    for (const [v, name] of [[mean, "mean"], [scale, "scale"]] as const) {
      if (v !== null && v.length !== n) throw new InputError(file, `${what} normalisation`, `${v.length} ${name} values; ${n} expected`);
    }
    return { mean: mean ?? new Array<number>(n).fill(0), scale: scale ?? new Array<number>(n).fill(1) };
  };
  const hasNorm = chain.inMean || chain.inScale || chain.outMean || chain.outScale;
  return {
    format: "onnx",
    cell: chain.cells[0]!,
    producer: `${model.producerName ?? ""} ${model.producerVersion ?? ""}`.trim() || "unknown",
    opset,
    inputSize: F,
    hiddenSize: H,
    outputSize: O,
    layers: chain.layers,
    head,
    mode: chain.lastStep ? "window" : "stream",
    steps,
    normalization: hasNorm ? { input: norm(chain.inMean, chain.inScale, F, "input"), output: norm(chain.outMean, chain.outScale, O, "output") } : null,
    recorded: recordedFacts(model, file),
    notes: chain.notes,
  };
}
