// `quantize --finetune` as a user runs it: a model trained on the bundled data is fine-tuned for
// w8a16 in stream mode, both files are written, the report shows before and after against the
// original float model, the quantized file names the fine-tuned float model, and the C generated
// from it is bit-exact against the simulator on the host (verify). Bad input: one line, exit 2,
// neither file written.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/util/hash.js";
import { expectInputError, runCli, runCliAsync, tempDir } from "./helpers.js";

const TRAIN = "data/seattle-weather-train.csv";
const TEST = "data/seattle-weather-test.csv";
let dir: string;
let model: string;

function trainArgs(data: string, out: string): string[] {
  return ["train", "--data", data, "--target", "temp_max", "--features", "temp_max,temp_min,precipitation,wind", "--window", "8", "--hidden", "8", "--epochs", "15", "--mode", "stream", "--out", out];
}

beforeAll(() => {
  dir = tempDir();
  model = join(dir, "model.json");
  const r = runCli(trainArgs(TRAIN, model));
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe("quantize --finetune", () => {
  it("writes the fine-tuned float model and the quantized one, reports before and after, and verifies bit-exact on the host", { timeout: 300_000 }, async () => {
    const tuned = join(dir, "tuned.json");
    const q = join(dir, "model.q.json");
    const r = await runCliAsync(["quantize", model, "--calib", TRAIN, "--data", TEST, "--scheme", "w8a16", "--finetune", "4", "--float-out", tuned, "--out", q]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fine-tuned for w8a16 \(rounded forward pass, straight-through gradients\): 4 epochs, kept epoch \d/);
    expect(r.stdout).toMatch(/\| data \(data\/seattle-weather-test\.csv\) \| quantized before \|/);
    expect(r.stdout).toMatch(/\| data \(data\/seattle-weather-test\.csv\) \| quantized after \|/);
    expect(r.stdout).toContain(`wrote ${tuned} (the fine-tuned float model) and ${q}`);
    const qm = JSON.parse(readFileSync(q, "utf8"));
    expect(qm.source).toEqual({ modelFile: tuned, modelHash: sha256(readFileSync(tuned)) });
    const tm = JSON.parse(readFileSync(tuned, "utf8"));
    expect(tm.training.fineTune).toMatchObject({ from: sha256(readFileSync(model)), scheme: "w8a16", target: "float", epochs: 4 });

    const v = await runCliAsync(["verify", q, "--data", TEST, "--target", "host"]);
    expect(v.code, v.stderr + v.stdout).toBe(0);
    expect(v.stdout).toMatch(/host release\s+PASS/);
    expect(v.stdout).toMatch(/host sanitize\s+PASS/);
  });

  it("--json carries the before/after figures against the original model", { timeout: 300_000 }, async () => {
    const r = await runCliAsync(["quantize", model, "--calib", TRAIN, "--scheme", "w8a8", "--finetune", "1", "--float-out", join(dir, "t2.json"), "--out", join(dir, "q2.json"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.fineTune.epochs).toBe(1);
    expect(j.fineTune.originalModel).toBe(model);
    for (const k of ["before", "tunedFloat", "after"]) expect(j.fineTune.calib[k].l2r).toBeGreaterThan(0);
    expect(j.fineTune.data).toBeNull();
  });

  it("refuses bad input with one line and writes nothing", { timeout: 300_000 }, async () => {
    // A model whose training data has changed since training.
    const data = join(dir, "train-copy.csv");
    copyFileSync(TRAIN, data);
    const moved = join(dir, "moved.json");
    expect(runCli(trainArgs(data, moved)).code).toBe(0);
    writeFileSync(data, readFileSync(data, "utf8").replace(/\n$/, "\n") + readFileSync(data, "utf8").split("\n")[1] + "\n");
    const out = join(dir, "never.q.json");
    const float = join(dir, "never.json");
    const base = ["quantize", model, "--calib", TRAIN, "--out", out];
    const cases: [string[], RegExp][] = [
      [[...base, "--finetune", "0", "--float-out", float], /^seqforge: --finetune: an integer ≥ 1 expected, found 0$/],
      [[...base, "--finetune", "1.5", "--float-out", float], /^seqforge: --finetune: an integer ≥ 1 expected, found 1\.5$/],
      [[...base, "--finetune", "2", "--scheme", "f32", "--float-out", float], /^seqforge: --finetune: scheme f32 rounds nothing to fine-tune for; an integer scheme \(w8a16, w16a16, w8a8\) expected$/],
      [[...base, "--finetune", "2"], /^seqforge: --finetune: needs --float-out FILE/],
      [[...base, "--float-out", float], /^seqforge: --float-out: only with --finetune$/],
      [[...base, "--finetune", "2", "--float-out", float, "--finetune-lr", "0"], /^seqforge: --finetune-lr: a number > 0 expected, found 0$/],
      [[...base, "--finetune", "2", "--float-out", out], /^seqforge: --float-out: \S+never\.q\.json is also --out; the fine-tuned float model and the quantized one need two files$/],
      [["quantize", moved, "--calib", TRAIN, "--out", out, "--finetune", "2", "--float-out", float], /moved\.json: field training\.flags\.data: the training data \S+ is not where training read it, or has changed since \(hash differs\); fine-tuning trains on the model's own training data$/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCliAsync(args)));
    results.forEach((r, k) => {
      expectInputError(r, cases[k]![1], out);
      expect(existsSync(float)).toBe(false);
    });
  });
});
