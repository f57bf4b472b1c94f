/**
 * The quantized model file: round trip, and every kind of bad file rejected with a one-line
 * error naming the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import {
  contentHash,
  QUANT_FORMAT,
  QUANT_VERSION,
  loadQuantModel,
  parseQuantModel,
  saveQuantModel,
  serializeQuantModel,
  withHash,
  type QuantModel,
} from "../../src/model/quant-model-file.js";
import { quantizeModel } from "../../src/quant/quantize.js";
import { simulateSeries, quantizeInputs } from "../../src/quant/simulator.js";
import { randomModel, syntheticSeries } from "../quant/fixtures.js";

const calib = syntheticSeries(200, 3, 2, 5);
const make = (scheme: "w8a16" | "w16a16" | "w8a8" | "f32", cell: "standard" | "seed" = "standard") =>
  withHash(quantizeModel({ model: randomModel({ cell, layers: 2 }), scheme, source: { modelHash: "sha256:abc", modelFile: "m.json" }, calib }));

describe("round trip", () => {
  it.each(["w8a16", "w16a16", "w8a8", "f32"] as const)("%s: save, load, equal content and equal simulation", (scheme) => {
    const q = make(scheme, "seed");
    const dir = mkdtempSync(join(tmpdir(), "sfq-"));
    const file = join(dir, "m.q.json");
    saveQuantModel(q, file);
    const text = readFileSync(file, "utf8");
    expect(JSON.parse(text)).toMatchObject({ format: QUANT_FORMAT, version: 2 }); // a level model: the lowest version that holds it (quantVersionFor)
    const back = loadQuantModel(file);
    expect(back).toEqual(q);
    expect(serializeQuantModel(back)).toBe(text);
    if (scheme !== "f32") {
      const xq = quantizeInputs(q, calib.inputs);
      expect(simulateSeries(back, xq).outputs).toEqual(simulateSeries(q, xq).outputs);
    }
  });

  it("a float model file is not taken for a quantized one", () => {
    expect(() => parseQuantModel(JSON.stringify({ format: "seqforge-model", version: 1 }), "m.json")).toThrow(
      'm.json: field format: "seqforge-quant-model" expected, found "seqforge-model" (a float model; quantize it first with seqforge quantize)',
    );
  });
});

/** Applies an edit to a copy of a valid model, re-hashes it (so validation, not the hash, must catch it), parses. */
function rejectEdit(q: QuantModel, edit: (m: any) => void, rehash = true): string {
  const m = structuredClone(q) as any;
  edit(m);
  if (rehash) m.hash = contentHash(m);
  try {
    parseQuantModel(JSON.stringify(m), "bad.q.json");
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg.split("\n")).toHaveLength(1);
    expect(msg.startsWith("bad.q.json: ")).toBe(true);
    return msg;
  }
  throw new Error("the bad file was accepted");
}

describe("bad files are rejected with a clear one-line error", () => {
  const w8 = make("w8a16");
  const w16 = make("w16a16");
  const f32 = make("f32");
  const w8a8 = make("w8a8");
  const seed8 = make("w8a8", "seed");
  const seed16 = make("w8a16", "seed");

  it.each<[string, QuantModel, (m: any) => void, RegExp]>([
    ["multiplier zero", w8, (m) => (m.fixed.layers[0].mx[3] = 0), /field fixed\.layers\[0\]\.mx\[3\]: a multiplier/],
    ["multiplier negative", w8, (m) => (m.fixed.head.m[0] = -5), /field fixed\.head\.m\[0\]: a multiplier/],
    ["multiplier too large", w8, (m) => (m.fixed.layers[1].mh[0] = 2 ** 30), /fixed\.layers\[1\]\.mh\[0\]/],
    ["scale zero", w8, (m) => (m.fixed.layers[0].scaleX[0] = 0), /fixed\.layers\[0\]\.scaleX\[0\]: a positive number/],
    ["scale negative", w16, (m) => (m.fixed.head.scale[1] = -0.1), /fixed\.head\.scale\[1\]: a positive number/],
    ["input scale zero", w8, (m) => (m.normalization.input.scale[0] = 0), /normalization\.input\.scale\[0\]/],
    ["NaN (as null, the only way JSON writes it)", w8, (m) => (m.fixed.layers[0].bias[2] = null), /fixed\.layers\[0\]\.bias\[2\]/],
    ["NaN in a float32 weight", f32, (m) => (m.float32.layers[0].wx[0] = null), /float32\.layers\[0\]\.wx\[0\]/],
    ["wrong length of wx", w8, (m) => m.fixed.layers[0].wx.pop(), /fixed\.layers\[0\]\.wx: 96 values expected, found 95/],
    ["wrong length of the head bias", w8, (m) => m.fixed.head.bias.push(0), /fixed\.head\.bias: 2 values expected, found 3/],
    ["wrong length of a float32 head", f32, (m) => m.float32.head.w.pop(), /field float32\.head\.w: 16 values expected, found 15$/],
    ["wrong length of the output normalisation", w8, (m) => m.normalization.output.mean.push(0), /field normalization\.output\.mean: 2 values expected, found 3$/],
    ["wrong length of the table", w8, (m) => m.fixed.nonlinearity.table.pop(), /nonlinearity\.table: 513 values expected/],
    ["wrong number of layers", w8, (m) => m.fixed.layers.pop(), /fixed\.layers: 2 values expected, found 1/],
    ["unknown scheme", w8, (m) => (m.scheme = "w4a4"), /field scheme:/],
    ["int8 weight out of range", w8, (m) => (m.fixed.layers[0].wh[5] = 128), /fixed\.layers\[0\]\.wh\[5\]: an int8 \(-128 … 127\) expected, found 128/],
    ["int16 weight out of range", w16, (m) => (m.fixed.head.w[0] = -32769), /fixed\.head\.w\[0\]: an int16/],
    ["int32 bias out of range", w8, (m) => (m.fixed.layers[0].bias[0] = 2 ** 31), /fixed\.layers\[0\]\.bias\[0\]: an int32/],
    ["non-integer weight", w8, (m) => (m.fixed.layers[0].wx[0] = 1.5), /fixed\.layers\[0\]\.wx\[0\]: an integer/],
    ["table entry out of int16", w8, (m) => (m.fixed.nonlinearity.table[7] = 40000), /nonlinearity\.table\[7\]/],
    ["shift out of range", w8, (m) => (m.fixed.layers[0].shift = 63), /fixed\.layers\[0\]\.shift/],
    ["accumulator shift in a w8 scheme", w8, (m) => (m.fixed.layers[0].accShiftX = 2), /accShiftX: 0 expected for scheme w8a16/],
    ["seed int8 h finer than Q7", seed8, (m) => (m.fixed.layers[1].hFrac = 8), /fixed\.layers\[1\]\.hFrac: a format in -?\d+ … 7 expected/],
    ["seed int8 h coarser than c's top 8 bits", seed8, (m) => (m.fixed.layers[1].hFrac = m.fixed.layers[1].cFrac - 9), /fixed\.layers\[1\]\.hFrac: a format in/],
    ["standard int8 h not Q7", w8a8, (m) => (m.fixed.layers[1].hFrac = 6), /fixed\.layers\[1\]\.hFrac: 7 expected/],
    ["seed int16 h not c's format", seed16, (m) => (m.fixed.layers[1].hFrac = m.fixed.layers[1].cFrac - 1), /fixed\.layers\[1\]\.hFrac: \d+ expected/],
    ["an input column's format beyond int8", w8a8, (m) => (m.fixed.x.fracs[1] = 8), /fixed\.x\.fracs\[1\]: a format in 0 … 7 expected/],
    ["x.frac not the finest column format", w8, (m) => (m.fixed.x.frac = m.fixed.layers[0].inFrac = Math.max(...m.fixed.x.fracs) + 1), /fixed\.x\.frac: \d+ expected \(the finest column format, fracs\)/],
    ["wrong number of input column formats", w8, (m) => m.fixed.x.fracs.pop(), /fixed\.x\.fracs: 3 values expected, found 2/],
    ["formats not chained", w8, (m) => (m.fixed.layers[1].inFrac = 3), /fixed\.layers\[1\]\.inFrac: Q15 int16 expected/],
    ["f32 file with fixed parameters", f32, (m) => (m.fixed = w8.fixed), /field fixed: null expected for scheme f32/],
    ["integer scheme without fixed parameters", w8, (m) => (m.fixed = null), /field fixed: the fixed-point parameters expected/],
  ])("%s", (_name, q, edit, wanted) => {
    expect(rejectEdit(q, edit)).toMatch(wanted);
  });

  it("a file edited by hand (hash no longer matching) is rejected", () => {
    const msg = rejectEdit(w8, (m) => (m.fixed.layers[0].wx[0] = m.fixed.layers[0].wx[0] === 1 ? 2 : 1), false);
    expect(msg).toMatch(/field hash: content does not match its hash/);
  });

  it("a file written before architecture.sequence was dropped still verifies and loads", () => {
    const old = structuredClone(w8) as any;
    old.architecture.sequence = old.architecture.mode === "window" ? "one" : "every";
    old.hash = contentHash(old);
    const back = parseQuantModel(JSON.stringify(old), "old.q.json");
    expect(back.architecture).toEqual(w8.architecture);
    // The extra field is covered by the hash: changing it is an edit.
    old.architecture.sequence = "every-other";
    expect(() => parseQuantModel(JSON.stringify(old), "old.q.json")).toThrow(/content does not match its hash/);
  });

  it("a version-1 file (one input format for every column) is read: its format applies to each column", () => {
    const old = structuredClone(w8) as any;
    const uniform = old.fixed.x.frac;
    old.version = 1;
    delete old.fixed.x.fracs;
    old.hash = contentHash(old);
    const back = parseQuantModel(JSON.stringify(old), "v1.q.json");
    expect(back.fixed!.x.fracs).toEqual(Array(back.architecture.inputSize).fill(uniform));
    const xq = quantizeInputs(back, calib.inputs);
    xq.slice(0, 20).forEach((row, t) => row.forEach((v, k) => expect(v).toBe(Math.max(-32768, Math.min(32767, Math.floor(calib.inputs[t]![k]! * 2 ** uniform + 0.5))))));
  });

  it("a newer version and a wrong format name say so", () => {
    expect(rejectEdit(w8, (m) => (m.version = QUANT_VERSION + 1), false)).toMatch(/newer than this seqforge reads/);
    expect(rejectEdit(w8, (m) => (m.format = "seqforge-model"), false)).toMatch(/"seqforge-quant-model" expected/);
  });

  it("not JSON, and a missing file", () => {
    expect(() => parseQuantModel("{", "x.q.json")).toThrow(/x\.q\.json: not valid JSON/);
    const dir = mkdtempSync(join(tmpdir(), "sfq-"));
    expect(() => loadQuantModel(join(dir, "none.q.json"))).toThrow(/none\.q\.json: model file not found$/);
    writeFileSync(join(dir, "e.q.json"), "");
    expect(() => loadQuantModel(join(dir, "e.q.json"))).toThrow(InputError);
  });
});
