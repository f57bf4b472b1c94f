/**
 * The verify drivers (targets/harness/verify_driver.c.hbs, and verify_driver.mjs.hbs for the
 * TypeScript module) and their file formats: the input rows they read and the records they write,
 * little-endian on every target.
 */
import type { QuantModel } from "../model/quant-model-file.js";
import { elementBytes } from "../codegen/figures.js";
import { renderHarness } from "../toolchain/harness.js";

type Kind = "i8" | "i16" | "f32";

interface Layout {
  kinds: { x: Kind; y: Kind; c: Kind; h: Kind };
  bytes: { x: number; y: number; c: number; h: number };
}

function layout(model: QuantModel): Layout {
  const e = elementBytes(model.scheme);
  const f32 = model.scheme === "f32";
  const kind = (bytes: number): Kind => (f32 ? "f32" : bytes === 1 ? "i8" : "i16");
  return { kinds: { x: kind(e.x), y: kind(e.y), c: kind(e.c), h: kind(e.h) }, bytes: { x: e.x, y: e.y, c: e.c, h: e.h } };
}

/** The driver's C source for a model generated with `prefix`. */
export function driverSource(model: QuantModel, prefix: string): string {
  const l = layout(model);
  return renderHarness("verify_driver.c.hbs", {
    p: prefix,
    P: prefix.toUpperCase(),
    headerFile: `${prefix}.h`,
    scheme: model.scheme,
    integer: model.scheme !== "f32",
    windowMode: model.architecture.mode === "window",
    inKind: l.kinds.x,
    in8: l.kinds.x === "i8",
    outKind: l.kinds.y,
    cKind: l.kinds.c,
    hKind: l.kinds.h,
    inBytes: l.bytes.x,
    outBytes: l.bytes.y,
    cBytes: l.bytes.c,
    hBytes: l.bytes.h,
  });
}

/**
 * The fuzzer's driver of many integer models in one program (targets/harness/fuzz_batch.c.hbs):
 * each model generated with its own prefix, run on `runs` sequences read from one input file (the
 * sequences' input files, concatenated in model order) into one output file (their output files,
 * concatenated).
 */
export function batchDriverSource(models: readonly { model: QuantModel; prefix: string; runs: number }[]): string {
  const views = models.map(({ model, prefix, runs }) => {
    if (model.scheme === "f32") throw new Error(`the batch driver runs integer models; ${prefix} is f32`);
    const l = layout(model);
    return {
      p: prefix,
      P: prefix.toUpperCase(),
      scheme: model.scheme,
      runs,
      windowMode: model.architecture.mode === "window",
      inKind: l.kinds.x,
      inBytes: l.bytes.x,
      outBytes: l.bytes.y,
      cBytes: l.bytes.c,
      hBytes: l.bytes.h,
    };
  });
  return renderHarness("fuzz_batch.c.hbs", {
    count: views.length,
    models: views,
    any8: views.some((v) => v.inKind === "i8"),
    any16: views.some((v) => v.inKind === "i16"),
  });
}

/** The JavaScript driver of the TypeScript module `NAME.ts` (built to NAME.js beside it). */
export function nodeDriverSource(model: QuantModel, name: string): string {
  return renderHarness("verify_driver.mjs.hbs", { name, windowMode: model.architecture.mode === "window" });
}

function writeValue(view: DataView, at: number, kind: Kind, v: number): void {
  if (kind === "i8") view.setInt8(at, v);
  else if (kind === "i16") view.setInt16(at, v, true);
  else view.setFloat32(at, v, true);
}

function readValue(view: DataView, at: number, kind: Kind): number {
  if (kind === "i8") return view.getInt8(at);
  if (kind === "i16") return view.getInt16(at, true);
  return view.getFloat32(at, true);
}

/** The driver's input file: quantized rows (integer schemes) or normalised float rows (f32). */
export function encodeInputs(model: QuantModel, rows: readonly ArrayLike<number>[]): Uint8Array {
  const l = layout(model);
  const I = model.architecture.inputSize;
  const buf = new Uint8Array(16 + rows.length * I * l.bytes.x);
  const view = new DataView(buf.buffer);
  buf.set([0x53, 0x51, 0x46, 0x49]); // SQFI
  view.setUint32(4, rows.length, true);
  view.setUint32(8, I, true);
  view.setUint32(12, l.bytes.x, true);
  let at = 16;
  for (const row of rows) {
    for (let k = 0; k < I; k++) {
      writeValue(view, at, l.kinds.x, row[k]!);
      at += l.bytes.x;
    }
  }
  return buf;
}

/** One record of the driver: the output and the state after it. */
export interface DriverRecord {
  y: number[];
  /** c[l][j], h[l][j]. */
  c: number[][];
  h: number[][];
}

export class DriverOutputError extends Error {}

/** Bytes of one record of the driver's output file: y, then c and h of every layer. */
export function recordBytes(model: QuantModel): number {
  const l = layout(model);
  const { outputSize: O, layers: L, hiddenSize: H } = model.architecture;
  return O * l.bytes.y + L * H * (l.bytes.c + l.bytes.h);
}

/** Records as the driver writes them (no "SQFO" or trailer): what the soak compares byte for byte. */
export function encodeRecords(model: QuantModel, records: readonly DriverRecord[]): Uint8Array {
  const l = layout(model);
  const buf = new Uint8Array(records.length * recordBytes(model));
  const view = new DataView(buf.buffer);
  let at = 0;
  const put = (kind: Kind, bytes: number, v: number) => {
    writeValue(view, at, kind, v);
    at += bytes;
  };
  for (const r of records) {
    for (const v of r.y) put(l.kinds.y, l.bytes.y, v);
    for (const layer of r.c) for (const v of layer) put(l.kinds.c, l.bytes.c, v);
    for (const layer of r.h) for (const v of layer) put(l.kinds.h, l.bytes.h, v);
  }
  return buf;
}

/** Parses the driver's output file; throws DriverOutputError when it is cut short or malformed. */
export function decodeOutputs(model: QuantModel, data: Uint8Array): DriverRecord[] {
  const l = layout(model);
  const { outputSize: O, layers: L, hiddenSize: H } = model.architecture;
  const bytes = recordBytes(model);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tag = (at: number) => String.fromCharCode(...data.subarray(at, at + 4));
  if (data.length < 12 || tag(0) !== "SQFO") throw new DriverOutputError("the output file does not start with SQFO");
  const end = data.length - 8;
  if (tag(end) !== "SQFE") throw new DriverOutputError("the output file has no trailer: the run was cut short");
  const count = view.getUint32(end + 4, true);
  if (4 + count * bytes !== end) {
    throw new DriverOutputError(`the output file holds ${(end - 4) / bytes} records, its trailer says ${count}`);
  }
  const records: DriverRecord[] = [];
  let at = 4;
  const take = (kind: Kind, bytes: number) => {
    const v = readValue(view, at, kind);
    at += bytes;
    return v;
  };
  for (let r = 0; r < count; r++) {
    const y = Array.from({ length: O }, () => take(l.kinds.y, l.bytes.y));
    const c = Array.from({ length: L }, () => Array.from({ length: H }, () => take(l.kinds.c, l.bytes.c)));
    const h = Array.from({ length: L }, () => Array.from({ length: H }, () => take(l.kinds.h, l.bytes.h)));
    records.push({ y, c, h });
  }
  return records;
}
