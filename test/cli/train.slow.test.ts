// `seqforge train` through the compiled CLI: determinism (same data, flags, seed → the same
// bytes), what the model file records, a clean stdout for --json, both cells, both run modes,
// and every bad input: one line on stderr, exit code 2, no model file.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseFloatModel } from "../../src/model/model-file.js";
import { expectInputError, runCli, runCliAsync, tempDir, type CliResult } from "./helpers.js";

let dir: string;
let data: string;
/** A small, learnable series: a slow wave with a second column that leads it. */
function csv(rows: number): string {
  const lines = ["time,temp,wind"];
  for (let r = 0; r < rows; r++) lines.push(`${r},${(20 + 5 * Math.sin(r / 4)).toFixed(3)},${(3 + Math.cos(r / 4 + 1)).toFixed(3)}`);
  return lines.join("\n") + "\n";
}
const fast = ["--window", "4", "--hidden", "4", "--epochs", "3", "--batch", "8"];
const train = (out: string, ...extra: string[]) => runCli(["train", "--data", data, "--target", "temp", "--features", "temp,wind", ...fast, "--out", out, ...extra]);

beforeAll(() => {
  dir = tempDir();
  data = join(dir, "series.csv");
  writeFileSync(data, csv(60));
});

describe("seqforge train", () => {
  it("is deterministic: the same data, flags and seed give byte-identical model files; another seed does not", () => {
    const a = train(join(dir, "a.json"));
    const b = train(join(dir, "b.json"));
    const c = train(join(dir, "c.json"), "--seed", "2");
    expect(a.code, a.stderr).toBe(0);
    expect(b.code).toBe(0);
    expect(c.code).toBe(0);
    const bytes = (f: string) => readFileSync(join(dir, f), "utf8");
    expect(bytes("a.json")).toBe(bytes("b.json"));
    expect(bytes("c.json")).not.toBe(bytes("a.json"));
  });

  it("records architecture, normalisation, data hash, flags after defaults and loss history", () => {
    const out = join(dir, "rec.json");
    expect(train(out).code).toBe(0);
    const m = parseFloatModel(readFileSync(out, "utf8"), out);
    expect(m.architecture).toEqual({ cell: "standard", inputSize: 2, hiddenSize: 4, layers: 1, outputSize: 1, window: 4, horizon: 1, mode: "window" });
    expect(m.features).toEqual(["temp", "wind"]);
    expect(m.targets).toEqual(["temp"]);
    expect(m.training!.dataHash).toBe("sha256:" + createHash("sha256").update(readFileSync(data)).digest("hex"));
    expect(m.training!.flags).toEqual({
      data, target: "temp", features: "temp,wind", window: 4, horizon: 1, cell: "standard", hidden: 4, layers: 1, epochs: 3,
      lr: 0.01, optimizer: "adam", batch: 8, seed: 1, val: 0.2, mode: "window", loss: "mse", clip: 1, patience: 10, "forget-bias": 0, delta: false,
    });
    expect(m.training!.lossHistory.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(m.training!.lossHistory.every((e) => e.valLoss !== null)).toBe(true);
    expect(m.training!.bestEpoch).not.toBeNull();
    // Normalisation from the training part only: rows 0…47 of 60 (--val 0.2 holds out 12).
    const temps = csv(60).trim().split("\n").slice(1, 49).map((l) => Number(l.split(",")[1]));
    const mean = temps.reduce((s, v) => s + v, 0) / temps.length;
    expect(m.normalization.output.mean[0]).toBeCloseTo(mean, 12);
  });

  it("--json prints only the result object on stdout; progress goes to stderr", () => {
    const out = join(dir, "j.json");
    const r = train(out, "--json");
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res).toMatchObject({ model: out, epochs: 3, validation: { rows: [48, 60] } });
    expect(res.validation.targets[0].target).toBe("temp");
    expect(res.validation.targets[0].rmse).toBeGreaterThan(0);
    expect(res.validation.targets[0].persistenceRmse).toBeGreaterThan(0);
    // The losses reported are those of the epoch whose weights the file keeps (the best one).
    const m = parseFloatModel(readFileSync(out, "utf8"), out);
    const kept = m.training!.lossHistory.find((e) => e.epoch === m.training!.bestEpoch)!;
    expect(res.bestEpoch).toBe(m.training!.bestEpoch);
    expect([res.loss, res.valLoss]).toEqual([kept.loss, kept.valLoss]);
    expect(res.valLoss).toBe(Math.min(...m.training!.lossHistory.map((e) => e.valLoss!)));
    expect(r.stderr).toMatch(/^epoch 1\/3 {2}loss \S+ {2}val loss \S+$/m);
  });

  it("--delta records the target's feature and its normalisation as the output's, in a version 2 file", () => {
    const out = join(dir, "delta.json");
    const r = train(out, "--delta");
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    const m = parseFloatModel(text, out);
    expect(m.version).toBe(2);
    expect(m.architecture.delta).toEqual([0]);
    expect(m.normalization.output).toEqual({ mean: [m.normalization.input.mean[0]], scale: [m.normalization.input.scale[0]] });
    expect(m.training!.flags.delta).toBe(true);
    // A level model stays version 1 (readable by a seqforge from before --delta).
    expect(train(join(dir, "delta-level.json")).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "delta-level.json"), "utf8")).version).toBe(1);
  });

  it("trains the seed cell with the seed loss and mse, and stream mode", () => {
    for (const extra of [["--cell", "seed", "--loss", "hidden"], ["--cell", "seed"], ["--mode", "stream"]]) {
      const out = join(dir, `v-${extra.join("")}.json`);
      const r = train(out, ...extra);
      expect(r.code, r.stderr).toBe(0);
      const m = parseFloatModel(readFileSync(out, "utf8"), out);
      expect(m.training!.flags).toMatchObject(Object.fromEntries([[extra[0]!.slice(2), extra[1]]]));
    }
  });
});

describe("seqforge train, inputs", () => {
  it("defaults the features to the target columns, and reads a JSON array of records", () => {
    const rows = csv(40).trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    const json = join(dir, "series.json");
    writeFileSync(json, JSON.stringify(rows.map(([time, temp, wind]) => ({ time, temp, wind }))));
    const out = join(dir, "from-json.json");
    const r = runCli(["train", "--data", json, "--target", "temp,wind", ...fast, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const m = parseFloatModel(readFileSync(out, "utf8"), out);
    expect(m.features).toEqual(["temp", "wind"]);
    expect(m.targets).toEqual(["temp", "wind"]);
    expect(m.architecture).toMatchObject({ inputSize: 2, outputSize: 2 });
  });
});

describe("seqforge train --keep-diverged", () => {
  it("writes a diverged model, says so on stderr and in --json, and exits 0", () => {
    const out = join(dir, "kept.json");
    const r = train(out, "--lr", "1e10", "--keep-diverged", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: out, diverged: true });
    expect(r.stderr).toMatch(/^seqforge: warning: training diverged: the kept epoch \d has a training loss of .*; the model is written only because of --keep-diverged$/m);
    expect(parseFloatModel(readFileSync(out, "utf8"), out).training?.lossHistory).toHaveLength(3);
    // A run that learns says nothing of the kind.
    const fine = train(join(dir, "fine.json"), "--keep-diverged", "--json");
    expect(JSON.parse(fine.stdout)).toMatchObject({ diverged: false });
    expect(fine.stderr).not.toMatch(/warning/);
  });
});

describe("seqforge train, bad input: one line, exit 2, nothing written", () => {
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  // A case marked "after training" fails only once training is done: its stderr starts with the
  // progress lines of the epochs, and the one line of the error follows them.
  const cases: [string, () => string[], RegExp, "after training"?][] = [
    ["missing file", () => ["--data", join(dir, "nope.csv"), "--target", "temp"], /nope\.csv: data file not found$/],
    ["missing column", () => ["--data", data, "--target", "pressure"], /series\.csv: header: requested column "pressure" not found; columns found: "time", "temp", "wind"$/],
    ["non-numeric cell", () => ["--data", write("nn.csv", csv(30).replace("\n5,", "\nx5,")), "--target", "time"], /nn\.csv: line 7, column "time": "x5" is not a number/],
    ["empty cell", () => ["--data", write("ec.csv", "t,u\n1,2\n,3\n"), "--target", "t"], /ec\.csv: line 3, column "t": empty cell/],
    ["NaN", () => ["--data", write("nan.csv", "t\n1\nNaN\n"), "--target", "t"], /nan\.csv: line 3, column "t": "NaN" is not finite/],
    ["Inf", () => ["--data", write("inf.csv", "t\n1\nInf\n"), "--target", "t"], /inf\.csv: line 3, column "t": "Inf" is not finite/],
    ["ragged row", () => ["--data", write("rag.csv", "t,u\n1,2\n3\n"), "--target", "t"], /rag\.csv: line 3: 1 cells found, 2 expected/],
    ["empty file", () => ["--data", write("empty.csv", ""), "--target", "t"], /empty\.csv: empty file/],
    ["header only", () => ["--data", write("ho.csv", "t,u\r\n"), "--target", "t"], /ho\.csv: header only/],
    ["fewer rows than one window", () => ["--data", write("short.csv", csv(4)), "--target", "temp"], /short\.csv: 4 data rows, fewer than one window: at least 5 expected/],
    ["constant target", () => ["--data", write("const.csv", "t,u\n" + Array.from({ length: 30 }, (_, r) => `5,${r}`).join("\n")), "--target", "t", "--features", "u"], /const\.csv: column "t": constant \(5 in all 24 training rows\)/],
    ["constant feature", () => ["--data", write("constf.csv", "t,u\n" + Array.from({ length: 30 }, (_, r) => `${r % 7},2`).join("\n")), "--target", "t", "--features", "t,u"], /constf\.csv: column "u": constant/],
    ["non-integer window", () => ["--data", data, "--target", "temp", "--window", "2.5"], /^seqforge: --window: an integer ≥ 1 expected, found 2\.5$/],
    ["non-numeric window", () => ["--data", data, "--target", "temp", "--window", "abc"], /^seqforge: --window: an integer ≥ 1 expected, found a value that is not a number$/],
    ["val out of range", () => ["--data", data, "--target", "temp", "--val", "1"], /^seqforge: --val: a number in \[0, 1\) expected, found 1$/],
    // Library checks (OptionError) reported under the flag the value came from.
    ["val too small to hold a row", () => ["--data", data, "--target", "temp", "--val", "0.001"], /^seqforge: --val: 0\.001 of 60 rows leaves no validation row/],
    ["hidden loss with more targets than units", () => ["--data", data, "--target", "temp,wind", "--loss", "hidden", "--hidden", "1"], /^seqforge: --loss: the hidden loss reads output q from h\[q\]/],
    ["horizon 0 leaking the target", () => ["--data", data, "--target", "temp", "--horizon", "0"], /--horizon: 0 with target "temp" among the features/],
    ["a flag given twice", () => ["--data", data, "--target", "temp", "--hidden", "2", "--hidden", "8"], /^seqforge: --hidden: given 2 times \(2, 8\); once expected$/],
    ["empty feature name", () => ["--data", data, "--target", "temp", "--features", "temp,,wind"], /--features: an empty column name/],
    // Sizes beyond the stated limits (src/train/limits.ts), refused before the data is read.
    ["--hidden 100000", () => ["--data", data, "--target", "temp", "--hidden", "100000"], /^seqforge: --hidden: 100000 is more than 1,024, the largest hidden size seqforge trains/],
    ["--hidden 30000", () => ["--data", data, "--target", "temp", "--hidden", "30000"], /^seqforge: --hidden: 30000 is more than 1,024/],
    ["--layers 100", () => ["--data", data, "--target", "temp", "--layers", "100"], /^seqforge: --layers: 100 is more than 16, the largest number of layers/],
    ["--window 100000", () => ["--data", data, "--target", "temp", "--window", "100000"], /^seqforge: --window: 100000 is more than 65,535, the largest window seqforge trains \(the generated C counts a window's inputs in a uint16_t\)$/],
    ["more parameters than a model file holds", () => ["--data", data, "--target", "temp", "--hidden", "1024", "--layers", "16"], /^seqforge: --hidden: 16 layers of 1024 units make 130,094,081 parameters, more than 8,388,608 /],
    ["training buffers beyond 4 GiB (window)", () => ["--data", data, "--target", "temp", "--window", "60000", "--batch", "1000"], /^seqforge: --window: the training buffers for --batch 1000 × --window 60000 × --hidden 2 in 1 layer need \d+\.\d GiB, more than the 4 GiB a WebAssembly memory holds/],
    ["training buffers beyond 4 GiB (batch)", () => ["--data", data, "--target", "temp", "--batch", "1000000000"], /^seqforge: --batch: the training buffers for --batch 1000000000 × --window 4 /],
    // Statistics that a double cannot hold, named by file and column before any training.
    [
      "values near 1e300",
      () => ["--data", write("huge.csv", "t\n" + Array.from({ length: 30 }, (_, r) => `${(r % 2 ? 1 : -1) * (1 + r / 100)}e300`).join("\n")), "--target", "t"],
      /^seqforge: \S*huge\.csv: column "t": values from -1\.22e\+300 to 1\.23e\+300 in its 24 training rows: their standard deviation is beyond what a double holds; .*rescale the column/,
    ],
    [
      "values near 1e-170",
      () => ["--data", write("tiny.csv", "t\n" + Array.from({ length: 30 }, (_, r) => `${r % 3}e-170`).join("\n")), "--target", "t"],
      /^seqforge: \S*tiny\.csv: column "t": values from 0 to 2e-170 in its 24 training rows: their standard deviation is below what a double holds/],
    // --delta adds the target's last observed value back: the target must be a feature, and the head must be trained.
    ["--delta, target not a feature", () => ["--data", data, "--target", "temp", "--features", "wind", "--delta"], /^seqforge: --delta: predicts the change of target "temp" from its last observed value, so "temp" must be one of the features \(wind\)$/],
    ["--delta with --loss hidden", () => ["--data", data, "--target", "temp", "--delta", "--loss", "hidden"], /^seqforge: --delta: trains the head's output as a change; --loss mse expected, found hidden/],
    // Training that diverges is refused unless --keep-diverged (tested below) asks for the model anyway.
    ["diverging training (--lr 1e10)", () => ["--data", data, "--target", "temp", "--lr", "1e10"], /^seqforge: --lr: training diverged: the kept epoch 1 has a training loss of \S+, \S+ times that of predicting the mean \(\S+\); lower --lr or clip gradients \(--clip\), or pass --keep-diverged to write the model anyway$/, "after training"],
    // A delta model's zero is "no change from the last value", not the mean.
    ["diverging delta training (--delta --lr 1e10)", () => ["--data", data, "--target", "temp", "--delta", "--lr", "1e10"], /^seqforge: --lr: training diverged: the kept epoch 1 has a training loss of \S+, \S+ times that of predicting no change \(\S+\); lower --lr/, "after training"],
  ];
  // All cases run at once (they are independent), each in its own output folder; the checks
  // below read the results. "Nothing written" means: the case's folder does not exist after.
  const results = new Map<string, Promise<CliResult>>();
  beforeAll(() => {
    for (const [name, args] of cases) {
      const given = args();
      // Small defaults for speed, unless the case sets the flag itself.
      const defaults = ["--window", "4", "--hidden", "2", "--epochs", "1"].flatMap((v, k, a) => (k % 2 === 0 && !given.includes(v) ? [v, a[k + 1]!] : []));
      results.set(name, runCliAsync(["train", ...defaults, ...given, "--out", join(dir, "bad", name.replaceAll(" ", "-"), "model.json")]));
    }
  });
  for (const [name, , re, after] of cases) {
    it(name, async () => {
      const r = await results.get(name)!;
      const progress = /^epoch \d+\/\d+ .*\n/gm;
      if (after) expect(r.stderr).toMatch(progress);
      expectInputError(after ? { ...r, stderr: r.stderr.replace(progress, "") } : r, re, join(dir, "bad", name.replaceAll(" ", "-")));
    });
  }
});
