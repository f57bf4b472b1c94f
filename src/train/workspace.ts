/**
 * Every buffer one training run needs, allocated once for the largest chunk (B samples × T
 * steps) and reused by every forward and backward pass, so the inner loops never allocate. All
 * of them, with a copy of the parameters and the gradient, are views into one WebAssembly
 * memory: the kernels (./kernels.ts) address it by index.
 *
 * Legend: B samples (windows, or parallel streams), T steps, L layers, H hidden, I input size of
 * a layer, O outputs. A chunk of nb ≤ B samples and T' ≤ T steps is stored step-major with the
 * active count as stride: element (t, b) of a per-sample vector of length n is at (t·nb + b)·n.
 */
import { OptionError } from "../errors.js";
import { CELLS, type CellKind } from "../model/cells.js";
import { tsKernels, type KernelKind, type Kernels } from "./kernels.js";
import type { ParamLayout } from "./layout.js";
import { wasmKernels } from "./wasm/wasm-kernels.js";

export interface Workspace {
  lay: ParamLayout;
  cell: CellKind;
  maxBatch: number;
  maxSteps: number;
  /** The whole memory as doubles; every buffer below is a view into it. */
  mem: Float64Array;
  kernels: Kernels;
  /**
   * The parameters the kernels read, [lay.size]. A training step that owns its parameters keeps
   * them here; one given an outside array copies it in before each pass (and back after an update).
   */
  params: Float64Array;
  /** The gradient, [lay.size], in the parameters' layout. */
  grad: Float64Array;
  /** Input of layer 0: [T][B][I0]. */
  x: Float64Array;
  /** Targets: [T][B][O] for outputs at every step, [B][O] for the last step only. */
  target: Float64Array;
  /**
   * Per layer: h and c at [T+1][B][H]; slot 0 is the state entering the chunk (zero after a
   * reset, the previous chunk's last state in stream mode), slot t+1 the state after step t.
   */
  h: Float64Array[];
  c: Float64Array[];
  /** Per layer: activated gates [T][B][4H] in the order i, f, g, o. */
  act: Float64Array[];
  /** Per layer: tanh(c) [T][B][H] (standard cell; the seed cell has no tanh on c). */
  tanhC: Float64Array[];
  /** Head outputs [T][B][O] (only the rows the loss reads are computed). */
  y: Float64Array;
  /**
   * dL/dh arriving at a layer's output from above [T][B][H]: written by the loss for the last
   * layer, then overwritten in place by dL/dx of that layer, which is dL/dh of the layer below.
   */
  dh: Float64Array;
  /** dL/dz of the gate pre-activations [T][B][4H]; reused by every layer in turn. */
  dz: Float64Array;
  /** Gradients carried from step t+1 to step t: dL/dh_prev and dL/dc_prev, [B][H]. */
  dhNext: Float64Array;
  dcNext: Float64Array;
  /** True after a reset: h at slot 0 is zero, so step 0 skips the wh·h product. */
  stateIsZero: boolean;
}

/** Index (in doubles) of a view's first element in the workspace memory. */
export function at(v: Float64Array): number {
  return v.byteOffset >>> 3;
}

const PAGE = 65536;
/** wasm32 addresses at most 4 GiB. */
const MAX_PAGES = 65536;

/** The workspace's buffers in allocation order, in doubles, each rounded up to two so that every buffer starts on 16 bytes. */
function workspacePlan(lay: ParamLayout, cell: CellKind, B: number, T: number) {
  const { hidden: H, layers: L, outputSize: O, inputSize: I } = lay;
  const sizes: number[] = [];
  const want = (n: number) => {
    sizes.push(n + (n & 1));
    return sizes.length - 1;
  };
  const per = (n: number) => Array.from({ length: L }, () => want(n));
  const index = {
    params: want(lay.size),
    grad: want(lay.size),
    x: want(T * B * I),
    target: want(T * B * O),
    h: per((T + 1) * B * H),
    c: per((T + 1) * B * H),
    act: per(T * B * 4 * H),
    // tanh(c) of every step, kept for the backward pass of a cell with h = o·tanh(c).
    tanhC: CELLS[cell].boundedH ? per(T * B * H) : [],
    y: want(T * B * O),
    dh: want(T * B * H),
    dz: want(T * B * 4 * H),
    dhNext: want(B * H),
    dcNext: want(B * H),
  };
  const total = sizes.reduce((a, b) => a + b, 0);
  return { sizes, index, pages: Math.max(1, Math.ceil((total * 8) / PAGE)) };
}

/** Bytes of WebAssembly memory a workspace for chunks of B samples × T steps takes. */
export function workspaceBytes(lay: ParamLayout, cell: CellKind, maxBatch: number, maxSteps: number): number {
  return workspacePlan(lay, cell, maxBatch, maxSteps).pages * PAGE;
}

/** Bytes a wasm32 memory can hold: 4 GiB. */
export const MAX_WORKSPACE_BYTES = MAX_PAGES * PAGE;

export function createWorkspace(lay: ParamLayout, cell: CellKind, maxBatch: number, maxSteps: number, kernels: KernelKind = "wasm"): Workspace {
  const B = maxBatch;
  const T = maxSteps;
  const { sizes, index, pages } = workspacePlan(lay, cell, B, T);
  if (pages > MAX_PAGES) {
    throw new OptionError("batch", `${((pages * PAGE) / 2 ** 30).toFixed(1)} GiB of training buffers needed, at most 4 GiB possible: lower the batch, the window or the hidden size`);
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const mem = new Float64Array(memory.buffer);
  const starts: number[] = [];
  sizes.reduce((from, n) => (starts.push(from), from + n), 0);
  const view = (i: number) => mem.subarray(starts[i]!, starts[i]! + sizes[i]!);
  return {
    lay,
    cell,
    maxBatch: B,
    maxSteps: T,
    mem,
    kernels: kernels === "wasm" ? wasmKernels(memory) : tsKernels(mem),
    params: view(index.params).subarray(0, lay.size),
    grad: view(index.grad).subarray(0, lay.size),
    x: view(index.x),
    target: view(index.target),
    h: index.h.map(view),
    c: index.c.map(view),
    act: index.act.map(view),
    tanhC: index.tanhC.map(view),
    y: view(index.y),
    dh: view(index.dh),
    dz: view(index.dz),
    dhNext: view(index.dhNext),
    dcNext: view(index.dcNext),
    stateIsZero: true,
  };
}

/**
 * Index of the parameters `p` for the kernels: where they are, if they live in the workspace
 * memory, or else ws.params after copying them in.
 */
export function paramsIndex(ws: Workspace, p: Float64Array): number {
  if (p.buffer === ws.mem.buffer) return at(p);
  ws.params.set(p);
  return at(ws.params);
}

/** Zero state before the first chunk of a sequence. */
export function resetState(ws: Workspace, nb: number): void {
  const n = nb * ws.lay.hidden;
  for (let l = 0; l < ws.lay.layers; l++) {
    ws.h[l]!.fill(0, 0, n);
    ws.c[l]!.fill(0, 0, n);
  }
  ws.stateIsZero = true;
}

/** Stream mode: the state after the chunk's last step becomes the state entering the next chunk. */
export function carryState(ws: Workspace, nb: number, steps: number): void {
  const n = nb * ws.lay.hidden;
  const from = steps * n;
  for (let l = 0; l < ws.lay.layers; l++) {
    ws.h[l]!.copyWithin(0, from, from + n);
    ws.c[l]!.copyWithin(0, from, from + n);
  }
  ws.stateIsZero = false;
}
