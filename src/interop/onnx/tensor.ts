/**
 * ONNX tensors as numbers: a TensorProto's values (from raw_data, little-endian as the format
 * specifies, or from the typed fields), and the tensors seqforge writes (float32 and int64 in
 * raw_data). Values are float64 whatever the stored type: float32 widens exactly, and the int64
 * values of an LSTM graph (shapes, axes, indices) are exact as doubles.
 */
import { DataType, type OnnxTensor } from "./proto.js";

/** A tensor's shape and values, row-major; `int` for integer element types. */
export interface Tensor {
  dims: number[];
  data: Float64Array;
  int: boolean;
}

const TYPE_NAMES: Record<number, string> = { 2: "uint8", 3: "int8", 8: "string", 9: "bool", 10: "float16", 16: "bfloat16" };

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/**
 * The values of a TensorProto; throws an Error saying what it holds when seqforge cannot read it
 * (float16, strings, external data), for the caller to report against the node.
 */
export function tensorValues(t: OnnxTensor): Tensor {
  const dims = t.dims ?? [];
  const n = elementCount(dims);
  const type = t.dataType ?? 0;
  if (t.dataLocation === 1) throw new Error(`tensor ${t.name ?? ""} stores its values in an external file; one self-contained .onnx expected`);
  const raw = t.rawData;
  const view = raw && raw.length > 0 ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const data = new Float64Array(n);
  const read = (width: number, get: (offset: number) => number, field: readonly number[] | undefined) => {
    if (view) {
      if (view.byteLength !== n * width) throw new Error(`tensor ${t.name ?? ""}: ${view.byteLength} bytes of raw data for ${n} values of ${width} bytes`);
      for (let k = 0; k < n; k++) data[k] = get(k * width);
    } else {
      const values = field ?? [];
      if (values.length !== n) throw new Error(`tensor ${t.name ?? ""}: ${values.length} values for shape [${dims.join(", ")}]`);
      data.set(values);
    }
  };
  switch (type) {
    case DataType.FLOAT:
      read(4, (o) => view!.getFloat32(o, true), t.floatData);
      return { dims, data, int: false };
    case DataType.DOUBLE:
      read(8, (o) => view!.getFloat64(o, true), t.doubleData);
      return { dims, data, int: false };
    case DataType.INT64:
      read(8, (o) => Number(view!.getBigInt64(o, true)), t.int64Data);
      return { dims, data, int: true };
    case DataType.INT32:
      read(4, (o) => view!.getInt32(o, true), t.int32Data);
      return { dims, data, int: true };
    default:
      throw new Error(`tensor ${t.name ?? ""} holds ${TYPE_NAMES[type] ?? `element type ${type}`} values; float, double, int32 or int64 expected`);
  }
}

/** A float32 TensorProto (values rounded to float32) in raw_data. */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTensor {
  if (values.length !== elementCount(dims)) throw new Error(`${name}: ${values.length} values for shape [${dims.join(", ")}]`);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) view.setFloat32(k * 4, values[k]!, true);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: bytes };
}

/** An int64 TensorProto in raw_data. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): OnnxTensor {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, k) => view.setBigInt64(k * 8, BigInt(v), true));
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: bytes };
}
