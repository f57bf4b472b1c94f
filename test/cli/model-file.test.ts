// The float model file as predict reads it: a validated round trip, and each way a file can be
// wrong giving one message that names the field.
import { describe, expect, it } from "vitest";
import { parseFloatModel, serializeModel } from "../../src/model/model-file.js";
import { tinyModel } from "./helpers.js";

describe("model file round trip", () => {
  it("serialises and parses back to an equal model, and re-serialises to the same bytes", () => {
    for (const m of [tinyModel(), tinyModel({ cell: "seed", mode: "stream", features: ["a", "b"], targets: ["p", "q"], hidden: 5 })]) {
      const text = serializeModel(m);
      const back = parseFloatModel(text, "m.json");
      expect(back).toEqual(m);
      expect(serializeModel(back)).toBe(text);
    }
  });
});

describe("bad model files", () => {
  const text = (edit: (m: any) => void): string => {
    const m: any = structuredClone(tinyModel());
    edit(m);
    return serializeModel(m);
  };
  const cases: [string, string, RegExp][] = [
    ["not JSON", "{", /^m\.json: not valid JSON/],
    ["not an object", "[1, 2]", /^m\.json: a JSON object expected$/],
    ["wrong format", text((m) => (m.format = "onnx")), /^m\.json: field format: "seqforge-model" expected, found "onnx"$/],
    ["no format", text((m) => delete m.format), /^m\.json: field format: "seqforge-model" expected, found undefined$/],
    ["newer version", text((m) => (m.version = 3)), /^m\.json: field version: format version 3 is newer than this seqforge reads \(2\); upgrade seqforge$/],
    ["non-integer version", text((m) => (m.version = "1")), /^m\.json: field version: an integer expected, found "1"$/],
    ["older version", text((m) => (m.version = 0)), /^m\.json: field version: version 1 or 2 expected, found 0$/],
    ["wrong length of wx", text((m) => m.weights.layers[0].wx.push(0)), /^m\.json: field weights\.layers\[0\]\.wx: 12 values expected, found 13$/],
    ["wrong length of the head", text((m) => (m.weights.head.b = [])), /^m\.json: field weights\.head\.b: 1 values expected, found 0$/],
    ["wrong number of layers", text((m) => (m.architecture.layers = 2)), /^m\.json: field weights\.layers: 2 values expected, found 1$/],
    ["features not matching inputSize", text((m) => m.features.push("z")), /^m\.json: field features: 1 values expected, found 2$/],
    ["non-finite weight (1e999 reads as Infinity)", text((m) => (m.weights.head.b[0] = 0)).replace(/"b": \[\n\s*0\n/, '"b": [\n 1e999\n'), /^m\.json: field weights\.head\.b\[0\]: a finite number expected, found an infinite one$/],
    ["unknown cell", text((m) => (m.architecture.cell = "gru")), /^m\.json: field architecture\.cell: /],
    ["missing training record", text((m) => delete m.training), /^m\.json: field training: /],
  ];
  for (const [name, t, re] of cases) {
    it(name, () => {
      expect(() => parseFloatModel(t, "m.json")).toThrow(re);
    });
  }
});
