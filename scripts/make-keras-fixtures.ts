#!/usr/bin/env node
/**
 * Writes the Keras import fixtures in test/interop/fixtures/: Keras models built with
 * @tensorflow/tfjs (pure JavaScript, CPU backend; a devDependency), saved in TensorFlow.js's
 * layers format (NAME/model.json + NAME/weights.bin, as tfjs-node's file:// handler writes them),
 * the input rows they are checked on (NAME.csv) and TensorFlow.js's own outputs on those rows
 * (NAME.expected.json).
 *
 *   make import-fixtures   (node build/scripts/make-keras-fixtures.js, from the repository root)
 *
 * Weights are set from a seeded generator (the import maps weights, whatever they are), biases
 * included, so a bias mapped to the wrong gate shows. Window cases (return_sequences false on the
 * last LSTM): the output for every window of `window` rows ending at row j; stream cases
 * (return_sequences true, Dense on every step): one sequence over all rows, the output at every
 * step. Both recurrent activations are written: sigmoid, and TensorFlow.js's default hard_sigmoid.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../src/util/seeded-random.js";

const OUT = resolve("test", "interop", "fixtures");
const ROWS = 40;

interface KerasCase {
  name: string;
  features: number;
  /** Units of each LSTM layer. */
  units: number[];
  outputs: number;
  recurrentActivation: "sigmoid" | "hard_sigmoid";
  /** return_sequences on the last LSTM: the Dense head on every step. */
  stream: boolean;
  /** Rows per prediction (window cases); null: a dynamic time axis. */
  window: number | null;
  seed: number;
}

const CASES: KerasCase[] = [
  { name: "keras-sigmoid-stacked", features: 3, units: [12, 12], outputs: 2, recurrentActivation: "sigmoid", stream: false, window: 6, seed: 1 },
  { name: "keras-sigmoid-stream", features: 2, units: [10], outputs: 1, recurrentActivation: "sigmoid", stream: true, window: null, seed: 2 },
  { name: "keras-hard-sigmoid", features: 3, units: [8], outputs: 1, recurrentActivation: "hard_sigmoid", stream: false, window: 5, seed: 3 },
  { name: "keras-hard-sigmoid-stacked-stream", features: 2, units: [6, 6], outputs: 1, recurrentActivation: "hard_sigmoid", stream: true, window: null, seed: 4 },
];

function build(c: KerasCase): tf.Sequential {
  const model = tf.sequential();
  c.units.forEach((units, k) => {
    const last = k === c.units.length - 1;
    model.add(
      tf.layers.lstm({
        units,
        // TensorFlow.js names it hardSigmoid; model.json says hard_sigmoid, as Keras does.
        recurrentActivation: c.recurrentActivation === "hard_sigmoid" ? "hardSigmoid" : c.recurrentActivation,
        returnSequences: !last || c.stream,
        ...(k === 0 ? { inputShape: [c.window, c.features] } : {}),
      }),
    );
  });
  model.add(tf.layers.dense({ units: c.outputs }));
  const random = mulberry32(c.seed);
  model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => random() - 0.5), w.shape)));
  return model;
}

/** The layers format as tfjs-node's file handler writes it: model.json beside one weights file. */
async function save(model: tf.LayersModel, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(folder, "model.json"), JSON.stringify(json, null, 1) + "\n");
      writeFileSync(join(folder, "weights.bin"), Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
}

async function writeCase(c: KerasCase): Promise<void> {
  const model = build(c);
  await save(model, join(OUT, c.name));
  const random = mulberry32(1000 + c.seed);
  const rows = Array.from({ length: ROWS }, () => Array.from({ length: c.features }, () => Number((4 * (random() - 0.5)).toFixed(4))));
  let predicted: number[];
  let outputs: number[][];
  if (c.stream) {
    predicted = rows.map((_, t) => t);
    outputs = ((await (model.predict(tf.tensor3d([rows])) as tf.Tensor).array()) as number[][][])[0]!;
  } else {
    const N = c.window!;
    predicted = rows.slice(N - 1).map((_, k) => N - 1 + k);
    const windows = predicted.map((j) => rows.slice(j - N + 1, j + 1));
    outputs = (await (model.predict(tf.tensor3d(windows)) as tf.Tensor).array()) as number[][];
  }
  const names = Array.from({ length: c.features }, (_, k) => `x${k}`);
  writeFileSync(join(OUT, `${c.name}.csv`), [names.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n");
  const expected = {
    source: `@tensorflow/tfjs ${tf.version.tfjs} (backend ${tf.getBackend()}), scripts/make-keras-fixtures.ts`,
    features: names,
    targets: Array.from({ length: c.outputs }, (_, k) => `y${k}`),
    mode: c.stream ? "stream" : "window",
    window: c.window,
    recurrentActivation: c.recurrentActivation,
    layers: c.units.length,
    hidden: c.units[0],
    rows: predicted,
    outputs,
  };
  writeFileSync(join(OUT, `${c.name}.expected.json`), JSON.stringify(expected, null, 1) + "\n");
}

await tf.setBackend("cpu");
for (const c of CASES) await writeCase(c);
process.stderr.write(`wrote ${CASES.length} Keras cases to ${OUT}\n`);
