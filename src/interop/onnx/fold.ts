/**
 * Constant folding of the sub-graphs an exporter builds around an LSTM: the zero initial state
 * (torch.onnx.export writes Shape → Gather → Unsqueeze → Concat → Expand of a zeros Constant, or
 * ConstantOfShape then one Slice per layer) and the constant inputs of Squeeze, Gather and the
 * like. Every node whose inputs are all known is evaluated, in graph order (ONNX graphs are
 * topologically sorted). Shape reads the graph input's declared shape, with each dynamic axis
 * taken as 1: the state built from it then has batch 1, and its values — all that the import
 * reads of it — do not depend on the batch.
 */
import { InputError } from "../../errors.js";
import { attribute, intAttribute, intsAttribute, nodeLabel } from "./graph.js";
import type { OnnxGraph, OnnxNode } from "./proto.js";
import { elementCount, tensorValues, type Tensor } from "./tensor.js";

/** The ops folded when their inputs are known: the shape and zeros arithmetic of LSTM exports. */
const FOLDED_OPS = ["Constant", "Identity", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Expand", "ConstantOfShape", "Slice", "Cast"] as const;

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1]! * dims[k + 1]!;
  return s;
}

/** Calls `visit(flat, index)` for every position of a tensor of shape `dims`, in row-major order. */
function forEachIndex(dims: readonly number[], visit: (flat: number, index: number[]) => void): void {
  const n = elementCount(dims);
  const index = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    visit(flat, index);
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++index[k]! < dims[k]!) break;
      index[k] = 0;
    }
  }
}

function axisOf(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} outside rank ${rank}`);
  return a;
}

function ints(t: Tensor | undefined): number[] {
  return t ? Array.from(t.data) : [];
}

function constant(node: OnnxNode): Tensor {
  const value = attribute(node, "value")?.t;
  if (value) return tensorValues(value);
  const a = node.attribute?.[0];
  if (a?.name === "value_float") return { dims: [], data: Float64Array.of(a.f ?? 0), int: false };
  if (a?.name === "value_floats") return { dims: [a.floats?.length ?? 0], data: Float64Array.from(a.floats ?? []), int: false };
  if (a?.name === "value_int") return { dims: [], data: Float64Array.of(a.i ?? 0), int: true };
  if (a?.name === "value_ints") return { dims: [a.ints?.length ?? 0], data: Float64Array.from(a.ints ?? []), int: true };
  throw new Error(`a value attribute holding a tensor or numbers expected, found ${a?.name ?? "none"}`);
}

function gather(data: Tensor, indices: Tensor, axisAttr: number): Tensor {
  const axis = axisOf(axisAttr, data.dims.length);
  const outer = data.dims.slice(0, axis);
  const inner = data.dims.slice(axis + 1);
  const dims = [...outer, ...indices.dims, ...inner];
  const innerSize = elementCount(inner);
  const out = new Float64Array(elementCount(dims));
  const n = data.dims[axis]!;
  let k = 0;
  for (let o = 0; o < elementCount(outer); o++) {
    for (const raw of indices.data) {
      const i = raw < 0 ? raw + n : raw;
      if (i < 0 || i >= n) throw new Error(`index ${raw} outside axis ${axis} of size ${n}`);
      const from = (o * n + i) * innerSize;
      out.set(data.data.subarray(from, from + innerSize), k);
      k += innerSize;
    }
  }
  return { dims, data: out, int: data.int };
}

function unsqueeze(data: Tensor, axes: number[]): Tensor {
  const rank = data.dims.length + axes.length;
  const at = new Set(axes.map((a) => axisOf(a, rank)));
  const dims: number[] = [];
  let k = 0;
  for (let d = 0; d < rank; d++) dims.push(at.has(d) ? 1 : data.dims[k++]!);
  return { ...data, dims };
}

function squeeze(data: Tensor, axes: number[] | null): Tensor {
  const drop = new Set(axes === null ? data.dims.flatMap((d, k) => (d === 1 ? [k] : [])) : axes.map((a) => axisOf(a, data.dims.length)));
  for (const a of drop) if (data.dims[a] !== 1) throw new Error(`axis ${a} has size ${data.dims[a]}, not 1`);
  return { ...data, dims: data.dims.filter((_, k) => !drop.has(k)) };
}

function concat(parts: Tensor[], axisAttr: number): Tensor {
  const first = parts[0]!;
  const axis = axisOf(axisAttr, first.dims.length);
  const dims = [...first.dims];
  dims[axis] = parts.reduce((n, p) => n + p.dims[axis]!, 0);
  const outer = elementCount(first.dims.slice(0, axis));
  const out = new Float64Array(elementCount(dims));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const block = elementCount(p.dims.slice(axis));
      out.set(p.data.subarray(o * block, (o + 1) * block), k);
      k += block;
    }
  }
  return { dims, data: out, int: first.int };
}

/** numpy-style broadcast of `data` to `shape` (Expand: the result has the larger of each dimension). */
function expand(data: Tensor, shape: number[]): Tensor {
  const rank = Math.max(shape.length, data.dims.length);
  const a = [...new Array<number>(rank - data.dims.length).fill(1), ...data.dims];
  const b = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const dims = a.map((d, k) => {
    if (d !== b[k] && d !== 1 && b[k] !== 1) throw new Error(`cannot broadcast [${data.dims.join(", ")}] to [${shape.join(", ")}]`);
    return Math.max(d, b[k]!);
  });
  const s = strides(a);
  const out = new Float64Array(elementCount(dims));
  forEachIndex(dims, (flat, index) => {
    let from = 0;
    for (let k = 0; k < rank; k++) from += (a[k] === 1 ? 0 : index[k]!) * s[k]!;
    out[flat] = data.data[from]!;
  });
  return { dims, data: out, int: data.int };
}

function slice(data: Tensor, starts: number[], ends: number[], axesIn: number[] | null, stepsIn: number[] | null): Tensor {
  const rank = data.dims.length;
  const first = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const dims = [...data.dims];
  const axes = axesIn ?? starts.map((_, k) => k);
  axes.forEach((axisRaw, k) => {
    const axis = axisOf(axisRaw, rank);
    const n = data.dims[axis]!;
    const st = stepsIn?.[k] ?? 1;
    if (st === 0) throw new Error("a step of 0");
    const clampIndex = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const begin = st > 0 ? clampIndex(starts[k]!, 0, n) : clampIndex(starts[k]!, 0, n - 1);
    const end = st > 0 ? clampIndex(ends[k]!, 0, n) : clampIndex(ends[k]!, -1, n - 1);
    first[axis] = begin;
    step[axis] = st;
    dims[axis] = Math.max(0, Math.ceil((end - begin) / st));
  });
  const s = strides(data.dims);
  const out = new Float64Array(elementCount(dims));
  forEachIndex(dims, (flat, index) => {
    let from = 0;
    for (let k = 0; k < rank; k++) from += (first[k]! + index[k]! * step[k]!) * s[k]!;
    out[flat] = data.data[from]!;
  });
  return { dims, data: out, int: data.int };
}

/** ONNX integer element types, for Cast. */
const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 12, 13]);

/** Evaluates one node of FOLDED_OPS on known inputs (an empty name: an omitted optional input). */
function evaluate(node: OnnxNode, input: (k: number) => Tensor | undefined, shapeOf: (name: string) => number[] | undefined): Tensor {
  const x = input(0);
  switch (node.opType) {
    case "Constant":
      return constant(node);
    case "Identity":
      return x!;
    case "Shape": {
      const dims = shapeOf(node.input![0]!)!;
      const start = axisOf(intAttribute(node, "start") ?? 0, dims.length + 1);
      const end = intAttribute(node, "end");
      const picked = dims.slice(start, end === undefined ? undefined : end < 0 ? end + dims.length : end);
      return { dims: [picked.length], data: Float64Array.from(picked), int: true };
    }
    case "Gather":
      return gather(x!, input(1)!, intAttribute(node, "axis") ?? 0);
    case "Unsqueeze":
      return unsqueeze(x!, input(1) ? ints(input(1)) : (intsAttribute(node, "axes") ?? []));
    case "Squeeze":
      return squeeze(x!, input(1) ? ints(input(1)) : (intsAttribute(node, "axes") ?? null));
    case "Concat":
      return concat((node.input ?? []).map((_, k) => input(k)!), intAttribute(node, "axis") ?? 0);
    case "Expand":
      return expand(x!, ints(input(1)));
    case "ConstantOfShape": {
      const value = attribute(node, "value")?.t;
      const v = value ? tensorValues(value) : { dims: [1], data: Float64Array.of(0), int: false };
      const dims = ints(x);
      return { dims, data: new Float64Array(elementCount(dims)).fill(v.data[0] ?? 0), int: v.int };
    }
    case "Slice":
      return slice(x!, ints(input(1)), ints(input(2)), input(3) ? ints(input(3)) : null, input(4) ? ints(input(4)) : null);
    case "Cast": {
      const toInt = INTEGER_TYPES.has(intAttribute(node, "to") ?? 1);
      return { dims: x!.dims, data: toInt ? x!.data.map(Math.trunc) : Float64Array.from(x!.data), int: toInt };
    }
    default:
      throw new Error(`${node.opType} is not folded`);
  }
}

/** numpy-style broadcast of shapes (elementwise ops). */
function broadcastShape(shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((d) => d.length));
  return Array.from({ length: rank }, (_, k) => Math.max(...shapes.map((d) => d[d.length - rank + k] ?? 1)));
}

/**
 * The shapes of a node's outputs from its inputs' shapes, for the ops on an LSTM graph's data
 * path, so that a Shape of any value there folds (torch.onnx.export builds each layer's zero
 * state from the Shape of that layer's input). Undefined where an input's shape is unknown or the
 * op is not one of these; the walk in import-onnx.ts refuses such ops anyway.
 */
function inferShapes(node: OnnxNode, shapeOf: (k: number) => number[] | undefined, known: (k: number) => Tensor | undefined): (number[] | undefined)[] {
  const x = shapeOf(0);
  if (x === undefined) return [];
  switch (node.opType) {
    case "Identity":
    case "Relu":
    case "Sigmoid":
    case "Tanh":
      return [x];
    case "Sub":
    case "Div":
    case "Mul":
    case "Add": {
      const all = (node.input ?? []).map((_, k) => shapeOf(k));
      return all.every((d) => d !== undefined) ? [broadcastShape(all as number[][])] : [];
    }
    case "Transpose": {
      const perm = intsAttribute(node, "perm") ?? x.map((_, k) => x.length - 1 - k);
      return [perm.map((p) => x[p]!)];
    }
    case "LSTM":
    case "GRU":
    case "RNN": {
      const w = shapeOf(1);
      const hidden = intAttribute(node, "hidden_size") ?? (w ? w[1]! / ({ LSTM: 4, GRU: 3, RNN: 1 }[node.opType] ?? 1) : undefined);
      if (w === undefined || hidden === undefined || x.length !== 3) return [];
      const batchMajor = (intAttribute(node, "layout") ?? 0) === 1;
      const [T, B] = batchMajor ? [x[1]!, x[0]!] : [x[0]!, x[1]!];
      const D = w[0]!;
      const state = batchMajor ? [B, D, hidden] : [D, B, hidden];
      return [batchMajor ? [B, T, D, hidden] : [T, D, B, hidden], state, state];
    }
    case "Squeeze":
    case "Unsqueeze": {
      const axes = known(1) ? ints(known(1)) : intsAttribute(node, "axes");
      if (node.opType === "Squeeze") return [squeeze({ dims: x, data: new Float64Array(0), int: false }, axes ?? null).dims];
      return [unsqueeze({ dims: x, data: new Float64Array(0), int: false }, axes ?? []).dims];
    }
    case "Gather": {
      const indices = shapeOf(1);
      if (indices === undefined) return [];
      const axis = axisOf(intAttribute(node, "axis") ?? 0, x.length);
      return [[...x.slice(0, axis), ...indices, ...x.slice(axis + 1)]];
    }
    case "Gemm": {
      const b = shapeOf(1);
      if (b === undefined) return [];
      const rows = (intAttribute(node, "transA") ?? 0) === 1 ? x[1]! : x[0]!;
      const cols = (intAttribute(node, "transB") ?? 0) === 1 ? b[0]! : b[1]!;
      return [[rows, cols]];
    }
    case "MatMul": {
      const b = shapeOf(1);
      return b === undefined ? [] : [[...x.slice(0, -1), b[b.length - 1]!]];
    }
    default:
      return [];
  }
}

/**
 * The value of every tensor that does not depend on the input's values (initializers, and the
 * outputs of FOLDED_OPS nodes whose inputs are known), and on the way the shape of every value on
 * the data path. `inputShapes` gives the graph inputs' shapes (dynamic axes as 1).
 */
export function foldConstants(graph: OnnxGraph, inputShapes: ReadonlyMap<string, number[]>, file: string): Map<string, Tensor> {
  const known = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) {
    try {
      known.set(t.name ?? "", tensorValues(t));
    } catch (err) {
      throw new InputError(file, `initializer ${JSON.stringify(t.name ?? "")}`, (err as Error).message);
    }
  }
  const shapes = new Map(inputShapes);
  const shapeOf = (name: string) => shapes.get(name) ?? known.get(name)?.dims;
  const folded = new Set<string>(FOLDED_OPS);
  for (const node of graph.node ?? []) {
    const inputs = node.input ?? [];
    const input = (k: number) => (inputs[k] ? known.get(inputs[k]) : undefined);
    const foldable = folded.has(node.opType ?? "") && !node.domain;
    const ready = node.opType === "Shape" ? shapeOf(inputs[0] ?? "") !== undefined : inputs.every((name) => name === "" || known.has(name));
    if (foldable && ready) {
      let value: Tensor;
      try {
        value = evaluate(node, input, shapeOf);
      } catch (err) {
        throw new InputError(file, nodeLabel(node), `cannot evaluate this constant sub-graph: ${(err as Error).message}`);
      }
      known.set(node.output?.[0] ?? "", value);
      continue;
    }
    let outputs: (number[] | undefined)[] = [];
    try {
      outputs = inferShapes(node, (k) => (inputs[k] ? shapeOf(inputs[k]) : undefined), input);
    } catch {
      // A shape that does not work out: the walk in import-onnx.ts names what is wrong with the node.
    }
    outputs.forEach((dims, k) => {
      const name = node.output?.[k];
      if (dims !== undefined && name) shapes.set(name, dims);
    });
  }
  return known;
}
