/**
 * ONNX files through protobufjs and the ONNX schema itself (schema/onnx.proto, as the onnx
 * package ships it): decoding and encoding are the library's, from the format's own definition.
 * The interfaces below type the part of ModelProto that seqforge reads and writes, in
 * protobufjs's field names (camelCase); int64 fields arrive as numbers (every int64 an LSTM graph
 * holds, a dimension, an axis or an index, is far below 2^53).
 */
import { join } from "node:path";
import protobuf from "protobufjs";
import { InputError } from "../../errors.js";
import { PACKAGE_ROOT } from "../../util/package-root.js";

/** TensorProto.DataType values seqforge reads or writes. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values seqforge reads or writes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface OnnxTensor {
  name?: string;
  dims?: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  doubleData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  /** 1: the values live in another file. */
  dataLocation?: number;
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface OnnxNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
}

export interface OnnxDim {
  dimValue?: number;
  dimParam?: string;
}

export interface OnnxValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: OnnxDim[] } } };
}

export interface OnnxGraph {
  name?: string;
  node?: OnnxNode[];
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  docString?: string;
}

export interface OnnxModel {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph?: OnnxGraph;
  metadataProps?: { key?: string; value?: string }[];
}

let modelType: protobuf.Type | undefined;

/** ModelProto from the schema, loaded once. */
function modelProto(): protobuf.Type {
  modelType ??= protobuf.loadSync(join(PACKAGE_ROOT, "schema", "onnx.proto")).lookupType("onnx.ModelProto");
  return modelType;
}

/** Decodes an ONNX file's bytes; a file that is not a ModelProto with a graph is an InputError. */
export function decodeModel(bytes: Uint8Array, file: string): OnnxModel {
  const type = modelProto();
  let model: OnnxModel;
  try {
    model = type.toObject(type.decode(bytes), { longs: Number }) as OnnxModel;
  } catch (err) {
    throw new InputError(file, "", `not an ONNX model, or a truncated one (protobuf: ${(err as Error).message})`);
  }
  if (!model.irVersion || !model.graph || !model.opsetImport?.length) {
    throw new InputError(file, "", "not an ONNX model: no IR version, graph or opset (an ONNX ModelProto expected)");
  }
  return model;
}

/** Encodes a model (the objects above) as an ONNX file's bytes. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const type = modelProto();
  const message = type.fromObject(model);
  const problem = type.verify(message);
  if (problem) throw new Error(`ONNX ModelProto: ${problem}`);
  return type.encode(message).finish();
}
