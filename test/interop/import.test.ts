/**
 * Import checked against the frameworks that wrote the files: PyTorch's torch.onnx.export graphs
 * and TensorFlow.js's Keras models (test/interop/fixtures/), whose own outputs on the same rows
 * the float reference must equal within 1e-5 of the outputs' spread. Each graph or layer seqforge
 * cannot map is refused with an InputError of one line naming the node or layer; the compiled
 * CLI turns that into exit 2 with nothing written (checked for one case of each kind).
 */
import { copyFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSeries } from "../../src/data/series.js";
import { InputError, OptionError } from "../../src/errors.js";
import { readNetwork } from "../../src/interop/read-network.js";
import { AttributeType, decodeModel, encodeModel, type OnnxModel, type OnnxNode } from "../../src/interop/onnx/proto.js";
import { parseFloatModel, serializeModel } from "../../src/model/model-file.js";
import { expectInputError, runCliAsync, tempDir } from "../cli/helpers.js";
import {
  FIXTURES,
  importCase,
  importFlags,
  KERAS_CASES,
  KERAS_HARD_SIGMOID,
  predictCsv,
  readPredictions,
  relativeToSpread,
  TORCH_CASES,
} from "./fixtures.js";

const dir = tempDir();

describe("import equals the source framework", () => {
  for (const c of [...TORCH_CASES, ...KERAS_CASES]) {
    it(`${c.name}: the float reference within 1e-5 of the spread of ${c.expected.source.split(",")[0]}'s outputs`, () => {
      const e = c.expected;
      const model = importCase(c);
      const a = model.architecture;
      expect([a.layers, a.hiddenSize, a.mode, a.horizon]).toEqual([e.layers, e.hidden, e.mode, 0]);
      const p = predictCsv(model, c.csv);
      expect(p.rows).toEqual(e.rows);
      expect(relativeToSpread(p.outputs, e.outputs)).toBeLessThan(1e-5);
    });
  }

  it("a Keras model in tensorflowjs_converter's layout (model_config, an InputLayer, weights under lstm_cell/) reads the same", () => {
    const c = KERAS_CASES[0]!;
    const folder = join(dir, "converter-layout");
    cpSync(join(c.file, ".."), folder, { recursive: true });
    const file = join(folder, "model.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    const layers = json.modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];
    const input = { class_name: "InputLayer", config: { name: "input_1", batch_input_shape: layers[0]!.config.batch_input_shape, dtype: "float32" } };
    delete layers[0]!.config.batch_input_shape;
    json.modelTopology = { keras_version: "2.11.0", backend: "tensorflow", model_config: { class_name: "Sequential", config: { name: "sequential", layers: [input, ...layers] } } };
    json.convertedBy = "TensorFlow.js Converter v4.22.0";
    // Python Keras names an LSTM's weights lstm/lstm_cell/kernel.
    for (const w of json.weightsManifest[0].weights as { name: string }[]) w.name = w.name.replace(/^(lstm_LSTM\d+)\//, "$1/lstm_cell/");
    writeFileSync(file, JSON.stringify(json));
    const model = importCase({ ...c, file });
    expect(model.weights).toEqual(importCase(c).weights);
    expect(model.source!.producer).toBe("TensorFlow.js tfjs-layers v4.22.0, converted by TensorFlow.js Converter v4.22.0");
  });

  it("the check can fail: a gate block read in the wrong order gives outputs far more than 1e-5 off", () => {
    const c = TORCH_CASES[0]!;
    const model = importCase(c);
    const H = model.architecture.hiddenSize;
    const wx = model.weights.layers[0]!.wx;
    const I = wx.length / (4 * H);
    // Swap the f and o blocks (ONNX's o sits where seqforge's f is), as a reader that forgot the reorder would.
    const block = (k: number) => wx.slice(k * H * I, (k + 1) * H * I);
    model.weights.layers[0]!.wx = [...block(0), ...block(3), ...block(2), ...block(1)];
    expect(relativeToSpread(predictCsv(model, c.csv).outputs, c.expected.outputs)).toBeGreaterThan(1e-3);
  });

  it("--norm-data fits mean and scale per column as train does and folds them into the weights: the same outputs, recorded", () => {
    const c = TORCH_CASES[1]!;
    // The fixture's rows with target columns, as a user's data would have them.
    const rows = readFileSync(c.csv, "utf8").trim().split("\n");
    const norm = join(dir, "norm.csv");
    writeFileSync(norm, [`${rows[0]},y0,y1`, ...rows.slice(1).map((r, k) => `${r},${20 + k},${-3 * k}`)].join("\n") + "\n");
    const hash = "sha256:norm";
    const model = importCase(c, { normData: (columns) => ({ series: loadSeries(norm, columns), hash }) });
    expect(model.source!.normalization).toEqual({ from: "data", dataFile: norm, dataHash: hash, rows: 40 });
    const x0 = rows.slice(1).map((l) => Number(l.split(",")[0]));
    const mean = x0.reduce((s, v) => s + v, 0) / x0.length;
    expect(model.normalization.input.mean[0]).toBeCloseTo(mean, 12);
    expect(model.normalization.input.scale[0]).toBeCloseTo(Math.sqrt(x0.reduce((s, v) => s + (v - mean) ** 2, 0) / x0.length), 12);
    expect(model.normalization.output.mean[0]).toBeCloseTo(20 + 19.5, 12);
    expect(relativeToSpread(predictCsv(model, c.csv).outputs, c.expected.outputs)).toBeLessThan(1e-5);
    const plain = importCase(c);
    expect(model.weights.layers[0]!.wx).not.toEqual(plain.weights.layers[0]!.wx);
    expect(model.weights.layers[1]).toEqual(plain.weights.layers[1]);
  });

  it("records where the model came from in place of a training block; names, horizon and mode as given", () => {
    const c = TORCH_CASES[2]!;
    const model = importCase(c, { features: ["a", "b"], targets: ["t"], horizon: 2, mode: "window", window: 9 });
    expect(model.training).toBeUndefined();
    expect(model.source).toMatchObject({ format: "onnx", file: c.file, producer: "pytorch 1.13.0", opset: 15, normalization: { from: "identity" } });
    expect(model.source!.fileHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(model.architecture).toMatchObject({ horizon: 2, mode: "window", window: 9 });
    expect([model.features, model.targets]).toEqual([["a", "b"], ["t"]]);
    // The file written reads back (a model with no training block is a valid model file).
    expect(parseFloatModel(serializeModel(model), "m.json")).toEqual(model);
    const { source: _, ...neither } = model;
    expect(() => parseFloatModel(serializeModel(neither), "m.json")).toThrow(
      new InputError("m.json", "field training", "a training block (a trained model) or a source block (an imported one) expected"),
    );
    expect(importCase(KERAS_CASES[0]!).source).toMatchObject({ format: "tfjs-layers", producer: "TensorFlow.js tfjs-layers v4.22.0", opset: null });
  });

  it("column names default to x0… and y0…; a wrong count is refused under its flag", () => {
    const c = TORCH_CASES[0]!;
    const model = importCase({ ...c, expected: { ...c.expected, features: undefined!, targets: undefined! } });
    expect([model.features, model.targets]).toEqual([["x0", "x1", "x2"], ["y0"]]);
    expect(() => importCase(c, { features: ["a", "b"] })).toThrow(new OptionError("features", "2 names for the network's 3 inputs; 3 expected"));
  });

  it("initial-state graph inputs are taken as the reset state, zeros, with a note", () => {
    const c = TORCH_CASES[0]!;
    const file = join(dir, "state-inputs.onnx");
    editOnnx(c.file, file, (m) => {
      const lstm = m.graph!.node!.find((n) => n.opType === "LSTM")!;
      lstm.input![5] = "h0";
      lstm.input![6] = "c0";
      const info = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }, { dimValue: 8 }] } } } });
      m.graph!.input!.push(info("h0"), info("c0"));
    });
    expect(readNetwork(file).network.notes).toEqual(['LSTM node "/rnn/LSTM": the initial state inputs (h0, c0) are read as the reset state, zeros']);
    expect(relativeToSpread(predictCsv(importCase({ ...c, file }), c.csv).outputs, c.expected.outputs)).toBeLessThan(1e-5);
  });

  it("a non-zero constant initial state is refused", () => {
    const file = join(dir, "state-nonzero.onnx");
    editOnnx(TORCH_CASES[1]!.file, file, (m) => {
      const fill = m.graph!.node!.find((n) => n.opType === "ConstantOfShape")!;
      fill.attribute![0]!.t = { dims: [1], dataType: 1, floatData: [0.5] };
    });
    expect(() => readNetwork(file)).toThrow(/LSTM node "\/rnn\/LSTM": initial_h holds non-zero values; a zero initial state expected/);
  });
});

/** Decodes an ONNX fixture, lets `edit` change it, writes it to `out`. */
function editOnnx(from: string, out: string, edit: (m: OnnxModel) => void): void {
  const m = decodeModel(readFileSync(from), from);
  edit(m);
  writeFileSync(out, encodeModel(m));
}

function editLstm(edit: (lstm: OnnxNode, m: OnnxModel) => void) {
  return (m: OnnxModel) => edit(m.graph!.node!.find((n) => n.opType === "LSTM")!, m);
}

/** A copy of a Keras fixture with model.json edited by `edit`; returns the copy's model.json. */
function editKeras(name: string, edit: (layers: { class_name: string; config: Record<string, unknown> }[]) => void): string {
  const folder = join(dir, `keras-${name}`);
  cpSync(join(FIXTURES, "keras-sigmoid-stacked"), folder, { recursive: true });
  const file = join(folder, "model.json");
  const json = JSON.parse(readFileSync(file, "utf8"));
  edit(json.modelTopology.config.layers);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

/** The InputError a file gets: one line, starting with the file's name. */
function refusal(file: string): string {
  try {
    readNetwork(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    expect(message.startsWith(`${file}: `)).toBe(true);
    return message.slice(file.length + 2);
  }
  throw new Error(`${file} was imported`);
}

const slug = (name: string) => name.replaceAll(" ", "-");

describe("import refuses what it cannot map, naming the node or layer and the attribute", () => {
  const base = TORCH_CASES[0]!.file;
  const onnxCases: [name: string, make: (file: string) => void, message: RegExp][] = [
    ["GRU", (f) => copyFileSync(join(FIXTURES, "refuse-gru.onnx"), f), /^GRU node "\/rnn\/GRU": GRU layers cannot be imported; seqforge runs LSTM cells/],
    ["RNN", (f) => copyFileSync(join(FIXTURES, "refuse-rnn.onnx"), f), /^RNN node "\/rnn\/RNN": RNN layers cannot be imported/],
    ["bidirectional", (f) => copyFileSync(join(FIXTURES, "refuse-bidirectional.onnx"), f), /^LSTM node "\/rnn\/LSTM": direction bidirectional; forward expected/],
    ["a head that is not linear", (f) => copyFileSync(join(FIXTURES, "refuse-relu-head.onnx"), f), /^Relu node "\/after\/Relu": Relu after the LSTM: the head must be linear/],
    [
      "peephole P",
      (f) =>
        editOnnx(base, f, editLstm((lstm, m) => {
          lstm.input![7] = "P";
          m.graph!.initializer!.push({ name: "P", dims: [1, 24], dataType: 1, floatData: new Array<number>(24).fill(0.1) });
        })),
      /^LSTM node "\/rnn\/LSTM": peephole weights P given \(input 7, "P"\); seqforge's cell has no peepholes$/,
    ],
    ["clip", (f) => editOnnx(base, f, editLstm((lstm) => lstm.attribute!.push({ name: "clip", type: AttributeType.FLOAT, f: 3 }))), /^LSTM node "\/rnn\/LSTM": clip 3; no cell clip expected/],
    [
      "input_forget",
      (f) => editOnnx(base, f, editLstm((lstm) => lstm.attribute!.push({ name: "input_forget", type: AttributeType.INT, i: 1 }))),
      /^LSTM node "\/rnn\/LSTM": input_forget 1 \(coupled input and forget gates\); 0 expected$/,
    ],
    [
      "non-default activations",
      (f) => editOnnx(base, f, editLstm((lstm) => lstm.attribute!.push({ name: "activations", type: AttributeType.STRINGS, strings: ["Sigmoid", "Relu", "Tanh"].map((s) => Buffer.from(s)) }))),
      /^LSTM node "\/rnn\/LSTM": activations \[Sigmoid, Relu, Tanh\]; the default \[Sigmoid, Tanh, Tanh\] expected \(or \[Sigmoid, Tanh, Affine\] with alpha \[1\], beta \[0\]: the seed cell\)$/,
    ],
    ["an opset below 13", (f) => editOnnx(base, f, (m) => (m.opsetImport![0]!.version = 12)), /^opset_import: opset 12 is not one seqforge reads; 13–17 expected/],
    ["an opset above 17", (f) => editOnnx(base, f, (m) => (m.opsetImport![0]!.version = 18)), /^opset_import: opset 18 is not one seqforge reads; 13–17 expected/],
    ["a truncated file", (f) => writeFileSync(f, readFileSync(base).subarray(0, 1500)), /^not an ONNX model, or a truncated one \(protobuf: index out of range\)$/],
    ["a file that is not ONNX", (f) => copyFileSync(TORCH_CASES[0]!.csv, f), /^not an ONNX model/],
    ["an empty file", (f) => writeFileSync(f, ""), /^not an ONNX model: no IR version, graph or opset/],
  ];
  for (const [name, make, message] of onnxCases) {
    it(`ONNX: ${name}`, () => {
      const file = join(dir, `refuse-${slug(name)}.onnx`);
      make(file);
      expect(refusal(file)).toMatch(message);
    });
  }

  for (const c of KERAS_HARD_SIGMOID) {
    it(`Keras: recurrent_activation hard_sigmoid (${c.name}) is refused, never read as sigmoid`, () => {
      expect(refusal(c.file)).toMatch(/^layer 0 "lstm_LSTM\d+" \(LSTM\): recurrent_activation hard_sigmoid; sigmoid expected/);
    });
  }

  const kerasCases: [name: string, edit: Parameters<typeof editKeras>[1], message: RegExp][] = [
    ["GRU", (l) => (l[0]!.class_name = "GRU"), /^layer 0 "lstm_LSTM\d+" \(GRU\): GRU layers cannot be imported/],
    ["Bidirectional", (l) => (l[1]!.class_name = "Bidirectional"), /^layer 1 "lstm_LSTM\d+" \(Bidirectional\): bidirectional layers cannot be imported/],
    ["a head that is not linear", (l) => (l[2]!.config.activation = "relu"), /^layer 2 "dense_Dense\d+" \(Dense\): activation relu; linear expected/],
    ["go_backwards", (l) => (l[0]!.config.go_backwards = true), /^layer 0 "lstm_LSTM\d+" \(LSTM\): go_backwards true; false expected/],
    ["a non-default activation", (l) => (l[1]!.config.activation = "relu"), /^layer 1 "lstm_LSTM\d+" \(LSTM\): activation "relu"; "tanh" expected/],
    ["different hidden sizes", (l) => (l[1]!.config.units = 6), /^layer 1 "lstm_LSTM\d+" \(LSTM\): units 6, but the first LSTM has 12; seqforge models have one hidden size/],
    ["no head", (l) => l.pop(), /^field modelTopology: no Dense head after the LSTM layers/],
  ];
  for (const [name, edit, message] of kerasCases) {
    it(`Keras: ${name}`, () => {
      expect(refusal(editKeras(slug(name), edit))).toMatch(message);
    });
  }

  it("Keras: a truncated weight file", () => {
    const file = editKeras("truncated", () => {});
    const bin = join(file, "..", "weights.bin");
    writeFileSync(bin, readFileSync(bin).subarray(0, 1000));
    expect(refusal(file)).toMatch(/^weightsManifest\[0\] weight "lstm_LSTM\d+\/recurrent_kernel": the weight files hold 1000 bytes/);
  });
});

describe("seqforge import (the compiled CLI)", () => {
  it("imports a PyTorch export and a Keras model; predict gives the framework's outputs", async () => {
    for (const c of [TORCH_CASES[1]!, KERAS_CASES[1]!]) {
      const model = join(dir, `cli-${c.name}.json`);
      const r = await runCliAsync(["import", c.file, "--out", model, ...importFlags(c)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^wrote ${model}: LSTM ${c.expected.layers}×${c.expected.hidden} from `));
      const out = join(dir, `cli-${c.name}.csv`);
      const p = await runCliAsync(["predict", model, "--data", c.csv, "--out", out]);
      expect(p.code, p.stderr).toBe(0);
      expect(relativeToSpread(readPredictions(out).outputs, c.expected.outputs)).toBeLessThan(1e-5);
    }
  });

  it("refusals: exit 2, one line naming the node or layer, nothing written", async () => {
    const edited = join(dir, "cli-clip.onnx");
    editOnnx(TORCH_CASES[0]!.file, edited, editLstm((lstm) => lstm.attribute!.push({ name: "clip", type: AttributeType.FLOAT, f: 3 })));
    const truncated = join(dir, "cli-truncated.onnx");
    writeFileSync(truncated, readFileSync(TORCH_CASES[0]!.file).subarray(0, 1500));
    const runs: [args: string[], message: RegExp][] = [
      [[join(FIXTURES, "refuse-gru.onnx")], /refuse-gru\.onnx: GRU node "\/rnn\/GRU": GRU layers cannot be imported/],
      [[edited], /cli-clip\.onnx: LSTM node "\/rnn\/LSTM": clip 3; no cell clip expected/],
      [[truncated], /cli-truncated\.onnx: not an ONNX model, or a truncated one/],
      [[KERAS_HARD_SIGMOID[0]!.file], /model\.json: layer 0 "lstm_LSTM\d+" \(LSTM\): recurrent_activation hard_sigmoid; sigmoid expected/],
      [[TORCH_CASES[1]!.file], /^seqforge: --window: needed: the file's time axis is dynamic/],
      [[TORCH_CASES[0]!.file, "--features", "a,b"], /^seqforge: --features: 2 names for the network's 3 inputs; 3 expected$/],
    ];
    await Promise.all(
      runs.map(async ([args, message], k) => {
        const out = join(dir, `never-${k}.json`);
        expectInputError(await runCliAsync(["import", ...args, "--out", out]), message, out);
      }),
    );
  });
});
