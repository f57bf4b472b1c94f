/**
 * A Keras model in TensorFlow.js's layers format (model.json with its weight files, as
 * `tensorflowjs_converter` or `model.save()` in @tensorflow/tfjs writes it) read into seqforge's
 * layout. Accepted: a Sequential model of LSTM layers (stacked with return_sequences) and one
 * Dense head with a linear activation, optionally InputLayer and Dropout layers (identities at
 * inference). Keras's kernel is [I, 4H] and its recurrent kernel [H, 4H], columns in gate blocks
 * i, f, c, o; seqforge's wx is [4H × I] with rows in blocks i, f, g, o: a transpose, same order.
 * Anything else is refused with an InputError naming the layer and the option.
 */
import { dirname, join } from "node:path";
import { InputError } from "../../errors.js";
import type { HeadWeights, LayerWeights } from "../../model/model-file.js";
import { readInputBytes } from "../../util/read-input-file.js";
import { sha256 } from "../../util/hash.js";
import { GATE_ORDER, reorderGates, transpose, type ImportedNetwork } from "../network.js";

interface KerasLayer {
  class_name?: string;
  config?: Record<string, unknown>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}

/** The LSTM options that change what the layer computes, and the value seqforge's cell has. */
const LSTM_OPTIONS: [option: string, wanted: unknown, why: string][] = [
  ["activation", "tanh", "seqforge's cell uses tanh"],
  ["go_backwards", false, "seqforge runs forward in time"],
  ["return_state", false, "only the output sequence is mapped"],
  ["time_major", false, "Keras's batch-major input expected"],
];

/** Layers refused by name, with the reason. */
const REFUSED_LAYERS: Record<string, string> = {
  GRU: "GRU layers cannot be imported; seqforge runs LSTM cells",
  SimpleRNN: "SimpleRNN layers cannot be imported; seqforge runs LSTM cells",
  Bidirectional: "bidirectional layers cannot be imported; seqforge runs one direction",
  ConvLSTM2D: "ConvLSTM2D layers cannot be imported; seqforge runs LSTM cells on vectors",
  TimeDistributed: "TimeDistributed cannot be imported; a Dense layer after an LSTM with return_sequences runs on every step by itself",
};

function layerLabel(layer: KerasLayer, k: number): string {
  const name = layer.config?.name;
  return `layer ${k} ${JSON.stringify(typeof name === "string" ? name : "")} (${layer.class_name ?? "?"})`;
}

/** The model.json's layer list: a Sequential model's config, as Keras 2 (object) or older (array) writes it. */
function sequentialLayers(json: Record<string, unknown>, file: string): KerasLayer[] {
  const topology = json.modelTopology as Record<string, unknown> | undefined;
  if (!topology || typeof topology !== "object") throw new InputError(file, "field modelTopology", "missing; a TensorFlow.js layers model (model.json) expected");
  // tensorflowjs_converter nests the Keras model under model_config; model.save() does not.
  const model = (topology.model_config ?? topology) as KerasLayer;
  if (model.class_name !== "Sequential") {
    throw new InputError(file, "field modelTopology.class_name", `${JSON.stringify(model.class_name)}; a Sequential model expected (LSTM layers, then a Dense head)`);
  }
  const config = model.config as unknown;
  const layers = Array.isArray(config) ? config : (config as { layers?: unknown })?.layers;
  if (!Array.isArray(layers)) throw new InputError(file, "field modelTopology.config.layers", "a list of layers expected");
  return layers as KerasLayer[];
}

/** The weight files of the manifest, each weight's values by name (float32 only). */
function readWeights(json: Record<string, unknown>, file: string): { values: Map<string, { shape: number[]; data: Float32Array }>; bytes: Uint8Array[] } {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new InputError(file, "field weightsManifest", "a list of weight groups expected");
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  const bytes: Uint8Array[] = [];
  manifest.forEach((group: { paths?: string[]; weights?: WeightSpec[] }, g) => {
    const shards = (group.paths ?? []).map((p) => {
      const b = readInputBytes(join(dirname(file), p), "weight file");
      bytes.push(b);
      return b;
    });
    const buffer = Buffer.concat(shards);
    let offset = 0;
    for (const spec of group.weights ?? []) {
      const place = `weightsManifest[${g}] weight ${JSON.stringify(spec.name)}`;
      if (spec.quantization) throw new InputError(file, place, "quantized weights; float32 weights expected (convert without --quantize_*)");
      if ((spec.dtype ?? "float32") !== "float32") throw new InputError(file, place, `dtype ${spec.dtype}; float32 expected`);
      const n = spec.shape.reduce((a, d) => a * d, 1);
      if (offset + 4 * n > buffer.length) {
        throw new InputError(file, place, `the weight files hold ${buffer.length} bytes, fewer than the manifest describes (${offset + 4 * n} by this weight): a truncated weight file`);
      }
      const data = new Float32Array(n);
      const view = new DataView(buffer.buffer, buffer.byteOffset + offset, 4 * n);
      for (let k = 0; k < n; k++) data[k] = view.getFloat32(4 * k, true);
      values.set(spec.name, { shape: spec.shape, data });
      offset += 4 * n;
    }
    if (offset !== buffer.length) throw new InputError(file, `weightsManifest[${g}]`, `the weight files hold ${buffer.length} bytes; the manifest describes ${offset}`);
  });
  return { values, bytes };
}

/** Reads model.json (`file`) and its weight files. */
export function importKeras(text: string, file: string): { network: ImportedNetwork; hash: string } {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(file, "", `not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InputError(file, "", "a JSON object expected (a TensorFlow.js model.json)");
  if (json.format !== undefined && json.format !== "layers-model") {
    throw new InputError(file, "field format", `${JSON.stringify(json.format)}; "layers-model" expected (a Keras model; a graph model cannot be mapped)`);
  }
  const layers = sequentialLayers(json, file);
  const { values, bytes } = readWeights(json, file);

  /** The weight of a layer by its last name part (kernel, recurrent_kernel, bias), with the shape expected. */
  const weight = (layer: KerasLayer, k: number, part: string, shape: number[]): Float32Array => {
    const name = String(layer.config?.name ?? "");
    const found = [...values.entries()].filter(([n]) => n.startsWith(`${name}/`) && n.replace(/:\d+$/, "").split("/").pop() === part);
    if (found.length !== 1) throw new InputError(file, layerLabel(layer, k), `${found.length} weights named ${name}/…/${part}; one expected`);
    const [n, w] = found[0]!;
    if (w.shape.join() !== shape.join()) throw new InputError(file, layerLabel(layer, k), `${n} has shape [${w.shape.join(", ")}]; [${shape.join(", ")}] expected`);
    return w.data;
  };

  const lstm: LayerWeights[] = [];
  let H = 0;
  let F = 0;
  let steps: number | null = null;
  let sequences = false;
  let head: HeadWeights | null = null;
  layers.forEach((layer, k) => {
    const label = layerLabel(layer, k);
    const c = layer.config ?? {};
    const cls = layer.class_name ?? "";
    if (head) throw new InputError(file, label, "after the Dense head; the head must be the last layer");
    // Keras 2 writes batch_input_shape, Keras 3 batch_shape.
    const inputShape = (c.batch_input_shape ?? c.batch_shape) as (number | null)[] | undefined;
    if (inputShape && lstm.length === 0) {
      if (inputShape.length !== 3) throw new InputError(file, label, `input shape [${inputShape.join(", ")}]; [batch, time, features] expected`);
      steps = inputShape[1] ?? null;
      F = inputShape[2] ?? 0;
    }
    if (cls === "InputLayer" || cls === "Dropout") return;
    if (REFUSED_LAYERS[cls]) throw new InputError(file, label, REFUSED_LAYERS[cls]);
    if (cls === "LSTM") {
      if (lstm.length > 0 && !sequences) throw new InputError(file, label, "the previous LSTM has return_sequences false; a stacked LSTM reads a sequence");
      const units = c.units as number;
      if (lstm.length > 0 && units !== H) throw new InputError(file, label, `units ${units}, but the first LSTM has ${H}; seqforge models have one hidden size`);
      const recurrent = c.recurrent_activation;
      if (recurrent !== "sigmoid") {
        throw new InputError(file, label, `recurrent_activation ${String(recurrent)}; sigmoid expected (seqforge's gates are sigmoids; TensorFlow.js defaults to hard_sigmoid: build the layer with recurrentActivation 'sigmoid')`);
      }
      for (const [option, wanted, why] of LSTM_OPTIONS) {
        if (c[option] !== undefined && c[option] !== wanted) throw new InputError(file, label, `${option} ${JSON.stringify(c[option])}; ${JSON.stringify(wanted)} expected (${why})`);
      }
      const I = lstm.length === 0 ? F : H;
      if (lstm.length === 0 && !I) throw new InputError(file, label, "no input shape; batch_input_shape [batch, time, features] expected on the first layer");
      H = units;
      const kernel = weight(layer, k, "kernel", [I, 4 * H]);
      const recurrentKernel = weight(layer, k, "recurrent_kernel", [H, 4 * H]);
      const bias = c.use_bias === false ? new Float32Array(4 * H) : weight(layer, k, "bias", [4 * H]);
      const { keras, seqforge } = GATE_ORDER;
      lstm.push({
        wx: reorderGates(transpose(kernel, I, 4 * H), H, I, keras, seqforge),
        wh: reorderGates(transpose(recurrentKernel, H, 4 * H), H, H, keras, seqforge),
        b: reorderGates(bias, H, 1, keras, seqforge),
      });
      sequences = c.return_sequences === true;
      return;
    }
    if (cls === "Dense") {
      if (lstm.length === 0) throw new InputError(file, label, "before any LSTM; LSTM layers then a Dense head expected");
      const activation = c.activation ?? "linear";
      if (activation !== "linear") throw new InputError(file, label, `activation ${String(activation)}; linear expected (the head must be linear)`);
      const O = c.units as number;
      const kernel = weight(layer, k, "kernel", [H, O]);
      head = { w: transpose(kernel, H, O), b: c.use_bias === false ? new Array<number>(O).fill(0) : Array.from(weight(layer, k, "bias", [O])) };
      return;
    }
    throw new InputError(file, label, `${cls} layers are not mapped; LSTM layers, a Dense head, InputLayer and Dropout expected`);
  });
  if (lstm.length === 0) throw new InputError(file, "field modelTopology", "no LSTM layer");
  if (!head) throw new InputError(file, "field modelTopology", "no Dense head after the LSTM layers; a linear Dense layer expected last");
  const h = head as HeadWeights;

  const hash = sha256(Buffer.concat([Buffer.from(text, "utf8"), ...bytes]));
  const producer = [json.generatedBy, json.convertedBy ? `converted by ${String(json.convertedBy)}` : ""].filter(Boolean).join(", ") || "unknown";
  return {
    hash,
    network: {
      format: "tfjs-layers",
      cell: "standard",
      producer,
      opset: null,
      inputSize: F,
      hiddenSize: H,
      outputSize: h.b.length,
      layers: lstm,
      head: h,
      mode: sequences ? "stream" : "window",
      steps,
      normalization: null,
      recorded: {},
      notes: [],
    },
  };
}
