// `seqforge predict` through the compiled CLI on a hand-made model: the output format, values
// equal to an in-process run, the accuracy summary against a direct computation, and every bad
// model file: one line, exit 2, no predictions file.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { floatEngine } from "../../src/model/float-engine.js";
import { floatStep, createFloatState } from "../../src/model/float-lstm.js";
import { serializeModel, type FloatModel } from "../../src/model/model-file.js";
import { denormalizeRow, normalizeRow } from "../../src/model/normalize.js";
import { fixedEngine, saveQuantModel } from "../../src/quant/index.js";
import { csvText, floatModel, quantized } from "../verify/fixtures.js";
import { expectInputError, runCli, runCliAsync, tempDir, tinyModel, type CliResult } from "./helpers.js";

let dir: string;
const X = [0.5, 1.5, -1, 2, 3.25, 0, 1, -2, 4, 2.5];
const Y = [9, 11, 10, 12, 15, 9, 8, 10, 14, 13];

function writeModel(name: string, m: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof m === "string" ? m : serializeModel(m));
  return f;
}
function writeData(name: string, cols: Record<string, number[]>): string {
  const names = Object.keys(cols);
  const f = join(dir, name);
  const rows = cols[names[0]!]!.map((_, r) => names.map((n) => cols[n]![r]).join(","));
  writeFileSync(f, [names.join(","), ...rows].join("\n") + "\n");
  return f;
}

/** The prediction for row j, computed here from the model's definition with no seqforge driver code. */
function expected(m: FloatModel, j: number): number {
  const a = m.architecture;
  const st = createFloatState(a);
  const y = new Float64Array(1);
  const norm = (v: number) => (v - m.normalization.input.mean[0]!) / m.normalization.input.scale[0]!;
  const first = a.mode === "window" ? j - a.horizon - a.window + 1 : 0;
  for (let t = first; t <= j - a.horizon; t++) floatStep(m, st, [norm(X[t]!)], y);
  return y[0]! * m.normalization.output.scale[0]! + m.normalization.output.mean[0]!;
}

beforeAll(() => {
  dir = tempDir();
});

describe("seqforge predict", () => {
  it("writes row,<target> with one line per predicted row, values equal to the reference run (window mode)", () => {
    const m = tinyModel({ window: 3, horizon: 2 });
    const model = writeModel("w.json", m);
    const out = join(dir, "w.csv");
    const r = runCli(["predict", model, "--data", writeData("xy.csv", { x: X, y: Y }), "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("row,y");
    // N = 3, K = 2: the first prediction is for row K+N-1 = 4, then one per row to the end.
    expect(lines.slice(1).map((l) => Number(l.split(",")[0]))).toEqual([4, 5, 6, 7, 8, 9]);
    for (const l of lines.slice(1)) {
      const [j, v] = l.split(",").map(Number);
      expect(v).toBe(expected(m, j!)); // exact: the text reads back to the same double
    }
  });

  it("runs a stream model from row K with the state carried", () => {
    const m = tinyModel({ mode: "stream", horizon: 1, cell: "seed" });
    const out = join(dir, "s.csv");
    const r = runCli(["predict", writeModel("s.json", m), "--data", writeData("x.csv", { x: X }), "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n").slice(1);
    expect(lines.map((l) => Number(l.split(",")[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const l of lines) {
      const [j, v] = l.split(",").map(Number);
      expect(v).toBe(expected(m, j!));
    }
  });

  it("--json reports RMSE and MAE per target and the persistence baseline, computed by hand here", () => {
    const m = tinyModel({ window: 2, horizon: 1 });
    const r = runCli(["predict", writeModel("j.json", m), "--data", writeData("xy2.csv", { x: X, y: Y }), "--out", join(dir, "j.csv"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    const rows = [2, 3, 4, 5, 6, 7, 8, 9];
    const err = rows.map((j) => expected(m, j) - Y[j]!);
    const perr = rows.map((j) => Y[j - 1]! - Y[j]!);
    const rmse = (e: number[]) => Math.sqrt(e.reduce((a, v) => a + v * v, 0) / e.length);
    const mae = (e: number[]) => e.reduce((a, v) => a + Math.abs(v), 0) / e.length;
    expect(s).toMatchObject({ engine: "float", predictions: 8, firstRow: 2 });
    expect(s.targets).toHaveLength(1);
    expect(s.targets[0].target).toBe("y");
    expect(s.targets[0].rmse).toBeCloseTo(rmse(err), 12);
    expect(s.targets[0].mae).toBeCloseTo(mae(err), 12);
    expect(s.targets[0].persistenceRmse).toBeCloseTo(rmse(perr), 12);
    expect(s.targets[0].persistenceMae).toBeCloseTo(mae(perr), 12);
  });

  it("predicts without the target column in the data, and quotes a target name holding a comma", () => {
    const m = tinyModel({ targets: ["temp, max"], window: 2 });
    const out = join(dir, "nt.csv");
    const r = runCli(["predict", writeModel("nt.json", m), "--data", writeData("only-x.csv", { x: X }), "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).targets).toEqual([]);
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe('row,"temp, max"');
  });

  it("agrees with the in-process float engine for a two-feature, two-target model", () => {
    const m = tinyModel({ features: ["a", "b"], targets: ["p", "q"], window: 2, hidden: 5 });
    const out = join(dir, "two.csv");
    const r = runCli(["predict", writeModel("two.json", m), "--data", writeData("ab.csv", { a: X, b: Y }), "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("row,p,q");
    const eng = floatEngine(m);
    const n = (v: number, k: number) => (v - m.normalization.input.mean[k]!) / m.normalization.input.scale[k]!;
    eng.reset();
    eng.step([n(X[0]!, 0), n(Y[0]!, 1)] as unknown as Float64Array);
    const y = eng.step([n(X[1]!, 0), n(Y[1]!, 1)] as unknown as Float64Array);
    const first = lines[1]!.split(",").map(Number);
    expect(first).toEqual([2, y[0]! * 4 + 10, y[1]! * 5 + 11]);
  });
});

describe("seqforge predict, quantized model", () => {
  // A quantized model runs on the fixed-point simulator (--engine fixed); its values must equal an
  // in-process run of fixedEngine over the same raw rows, for an integer scheme and for f32.
  it.each(["w8a16", "f32"] as const)("%s: --engine fixed equals the in-process engine; --engine float is refused", (scheme) => {
    const m = floatModel({ inputSize: 2, hidden: 4, window: 3, outputs: 1 });
    const q = quantized(m, scheme);
    const model = join(dir, `q-${scheme}.q.json`);
    saveQuantModel(q, model);
    const data = join(dir, `q-${scheme}.csv`);
    const text = csvText(m, 12);
    writeFileSync(data, text);
    const out = join(dir, `q-${scheme}-pred.csv`);
    const r = runCli(["predict", model, "--data", data, "--engine", "fixed", "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ engine: "fixed", predictions: 9, firstRow: 3 });
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("row,t0");
    // The feature values as the CSV holds them (8 significant digits), normalised as predict does.
    const x = text.trimEnd().split("\n").slice(1).map((l) => normalizeRow(l.split(",").slice(0, 2).map(Number), q.normalization.input));
    const eng = fixedEngine(q);
    for (const line of lines.slice(1)) {
      const [j, v] = line.split(",").map(Number);
      eng.reset();
      for (let t = j! - 3; t < j! - 1; t++) eng.step(x[t]!);
      const y = eng.step(x[j! - 1]!);
      expect(v).toBe(denormalizeRow(y, q.normalization.output)[0]);
    }

    const f = runCli(["predict", model, "--data", data, "--out", join(dir, "bad", `q-${scheme}`, "p.csv")]);
    const refused = new RegExp(`--engine: float runs a float model; .*q-${scheme}\\.q\\.json is a quantized model \\(seqforge-quant-model, scheme ${scheme}\\): use --engine fixed$`);
    expectInputError(f, refused, join(dir, "bad", `q-${scheme}`));
  });
});

describe("seqforge predict, bad model files and data: one line, exit 2, nothing written", () => {
  const good = () => tinyModel();
  const cases: [string, () => string[], RegExp][] = [
    ["missing model file", () => [join(dir, "none.json")], /none\.json: model file not found$/],
    ["not JSON", () => [writeModel("nj.json", "{ weights: ")], /nj\.json: not valid JSON/],
    ["wrong format", () => [writeModel("wf.json", { ...good(), format: "keras" })], /wf\.json: field format: "seqforge-model" expected, found "keras"$/],
    ["newer version", () => [writeModel("nv.json", { ...good(), version: 7 })], /nv\.json: field version: format version 7 is newer than this seqforge reads \(2\); upgrade seqforge$/],
    [
      "wrong weight length",
      () => {
        const m = good();
        m.weights.layers[0]!.wh.pop();
        return [writeModel("wl.json", m)];
      },
      /wl\.json: field weights\.layers\[0\]\.wh: 36 values expected, found 35$/,
    ],
    [
      "wrong normalisation length",
      () => {
        const m = good();
        m.normalization.input.scale.push(1);
        return [writeModel("nl.json", m)];
      },
      /nl\.json: field normalization\.input\.scale: 1 values expected, found 2$/,
    ],
    [
      "zero scale",
      () => {
        const m = good();
        m.normalization.output.scale[0] = 0;
        return [writeModel("zs.json", m)];
      },
      /zs\.json: field normalization\.output\.scale\[0\]: a non-zero scale$/,
    ],
    ["--engine fixed on a float model", () => [writeModel("fx.json", good()), "--engine", "fixed"], /--engine: fixed runs a quantized model; .*fx\.json is a float model/],
    ["feature column missing from the data", () => [writeModel("fm.json", good()), "--data", writeData("noy.csv", { y: Y })], /noy\.csv: header: feature column "x" not found; columns found: "y"$/],
    ["fewer rows than one window", () => [writeModel("fr.json", good()), "--data", writeData("three.csv", { x: [1, 2, 3] })], /three\.csv: 3 data rows, fewer than one prediction needs: at least 4 expected/],
  ];
  // All cases run at once (they are independent), each writing into its own folder, which must
  // not exist afterwards.
  const results = new Map<string, Promise<CliResult>>();
  beforeAll(() => {
    for (const [name, args] of cases) {
      const given = args();
      const withData = given.includes("--data") ? given : [...given, "--data", writeData("ok.csv", { x: X, y: Y })];
      results.set(name, runCliAsync(["predict", ...withData, "--out", join(dir, "bad", name.replaceAll(" ", "-"), "p.csv")]));
    }
  });
  for (const [name, , re] of cases) {
    it(name, async () => {
      expectInputError(await results.get(name)!, re, join(dir, "bad", name.replaceAll(" ", "-")));
    });
  }
});
