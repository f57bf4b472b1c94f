/**
 * A seqforge float model as an ONNX graph (opset 17) that takes raw sensor units:
 *
 *   x [T, B, F] → Sub mean → Div scale → (LSTM → Squeeze axes [1]) per layer
 *     window: → Gather index -1 (the last step) → Gemm transB 1 → [B, O]
 *     stream: → MatMul [H, O] → Add bias            → [T, B, O]
 *   → Mul scale → Add mean → y (raw units)
 *
 * The same node patterns torch.onnx.export writes, so `seqforge import` reads the file back (the
 * normalisation nodes as the model's normalisation). LSTM weights are reordered to ONNX's gate
 * blocks i, o, f, c; B is [b; 0] (seqforge has one bias); the seed cell's h = o·c is the
 * activations [Sigmoid, Tanh, Affine] with alpha 1, beta 0; the initial state is left out, which
 * the operator defines as zeros, the state every prediction (window) or stream starts from. All
 * values are stored as float32, as ONNX runtimes expect them. The model's columns, window,
 * horizon and run mode go into metadata_props, for import to restore.
 */
import { InputError } from "../../errors.js";
import type { FloatModel } from "../../model/model-file.js";
import { packageVersion } from "../../util/package-root.js";
import { GATE_ORDER, reorderGates, transpose } from "../network.js";
import { attr } from "./graph.js";
import { CELL_ACTIVATIONS, METADATA_KEY } from "./import-onnx.js";
import type { CellKind } from "../../model/cells.js";
import { DataType, encodeModel, type OnnxDim, type OnnxAttribute, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from "./proto.js";
import { floatTensor, int64Tensor } from "./tensor.js";

/** The opset written: the newest of those import reads; every op used is unchanged since 14. */
export const EXPORT_OPSET = 17;
/** IR version 8 is the one that goes with opset 17. */
const IR_VERSION = 8;

function valueInfo(name: string, dims: (number | string)[]): OnnxValueInfo {
  const dim: OnnxDim[] = dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

function node(opType: string, name: string, input: string[], output: string[], attribute = [] as OnnxNode["attribute"]): OnnxNode {
  return { opType, name, input, output, attribute };
}

/** The LSTM node's activation attributes for the model's cell (the standard cell: none, the operator's default). */
function cellAttributes(cell: CellKind): OnnxAttribute[] {
  if (cell === "standard") return [];
  const { activations, alpha, beta } = CELL_ACTIVATIONS[cell];
  return [attr.strings("activations", activations), attr.floats("activation_alpha", alpha ?? []), attr.floats("activation_beta", beta ?? [])];
}

/**
 * The ONNX file's bytes for a float model. A delta model (train --delta) is refused, `file` named:
 * its output adds the last input's feature, which this graph has no node for and import would not
 * read back.
 */
export function exportOnnx(model: FloatModel, file = "model"): Uint8Array {
  const a = model.architecture;
  if (a.delta) {
    throw new InputError(file, "field architecture.delta", "a delta model (train --delta) is not exported to ONNX: its output adds the last input's feature back, which the exported graph does not do; a level model expected");
  }
  const { inputSize: F, hiddenSize: H, outputSize: O } = a;
  const { seqforge, onnx } = GATE_ORDER;
  const init: OnnxTensor[] = [];
  const nodes: OnnxNode[] = [];
  const n = model.normalization;

  init.push(floatTensor("input_mean", [F], n.input.mean), floatTensor("input_scale", [F], n.input.scale));
  nodes.push(node("Sub", "input_centre", ["x", "input_mean"], ["x_centred"]), node("Div", "input_scale", ["x_centred", "input_scale"], ["x_normalised"]));

  init.push(int64Tensor("direction_axis", [1], [1]));
  let seq = "x_normalised";
  model.weights.layers.forEach((w, l) => {
    const I = l === 0 ? F : H;
    const bias = [...reorderGates(w.b, H, 1, seqforge, onnx), ...new Array<number>(4 * H).fill(0)];
    init.push(
      floatTensor(`lstm${l}_W`, [1, 4 * H, I], reorderGates(w.wx, H, I, seqforge, onnx)),
      floatTensor(`lstm${l}_R`, [1, 4 * H, H], reorderGates(w.wh, H, H, seqforge, onnx)),
      floatTensor(`lstm${l}_B`, [1, 8 * H], bias),
    );
    nodes.push(
      node("LSTM", `lstm${l}`, [seq, `lstm${l}_W`, `lstm${l}_R`, `lstm${l}_B`], [`lstm${l}_Y`], [attr.int("hidden_size", H), ...cellAttributes(a.cell)]),
      node("Squeeze", `lstm${l}_squeeze`, [`lstm${l}_Y`, "direction_axis"], [`lstm${l}_h`]),
    );
    seq = `lstm${l}_h`;
  });

  const { w, b } = model.weights.head;
  if (a.mode === "window") {
    init.push(int64Tensor("last_step", [], [-1]), floatTensor("head_W", [O, H], w), floatTensor("head_b", [O], b));
    nodes.push(
      node("Gather", "last_step", [seq, "last_step"], ["h_last"], [attr.int("axis", 0)]),
      node("Gemm", "head", ["h_last", "head_W", "head_b"], ["y_normalised"], [attr.int("transB", 1)]),
    );
  } else {
    init.push(floatTensor("head_Wt", [H, O], transpose(w, O, H)), floatTensor("head_b", [O], b));
    nodes.push(node("MatMul", "head", [seq, "head_Wt"], ["head_product"]), node("Add", "head_bias", ["head_product", "head_b"], ["y_normalised"]));
  }

  init.push(floatTensor("output_scale", [O], n.output.scale), floatTensor("output_mean", [O], n.output.mean));
  nodes.push(node("Mul", "output_scale", ["y_normalised", "output_scale"], ["y_scaled"]), node("Add", "output_shift", ["y_scaled", "output_mean"], ["y"]));

  const recorded = { features: model.features, targets: model.targets, window: a.window, horizon: a.horizon, mode: a.mode };
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: EXPORT_OPSET }],
    producerName: "seqforge",
    producerVersion: packageVersion(),
    docString: `${a.layers}-layer LSTM (${H} units), ${a.mode} mode: x [T, B, ${F}] in raw units (${model.features.join(", ")}) → y ${a.mode === "window" ? `[B, ${O}]` : `[T, B, ${O}]`} (${model.targets.join(", ")})`,
    graph: {
      name: "seqforge",
      node: nodes,
      initializer: init,
      input: [valueInfo("x", ["T", "B", F])],
      output: [valueInfo("y", a.mode === "window" ? ["B", O] : ["T", "B", O])],
    },
    metadataProps: [{ key: METADATA_KEY, value: JSON.stringify(recorded) }],
  });
}
