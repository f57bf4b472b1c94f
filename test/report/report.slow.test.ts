/**
 * `seqforge report` as a user runs it (the compiled CLI), on the host only (the QEMU targets and
 * the page in a real browser are test/report/page.browser.test.ts's): its numbers against the
 * commands that compute them on their own (predict, the quantized file), the page self-contained,
 * and bad input refused with one line, exit 2 or 3, and no page.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, expectInputError, runCliAsync, tempDir, type CliResult } from "../cli/helpers.js";
import { csvText, floatModel } from "../verify/fixtures.js";
import type { ReportData } from "../../src/report/collect.js";

const dir = tempDir();
const TRAIN = "data/seattle-weather-train.csv";
const TEST = "data/seattle-weather-test.csv";
const N = 4;
const flags = ["--target", "temp_max", "--features", "temp_max,temp_min,wind", "--window", String(N), "--hidden", "6", "--epochs", "4"];
const at = (f: string) => join(dir, f);

async function ok(args: string[]): Promise<CliResult> {
  const r = await runCliAsync(args);
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r;
}

/** predict's CSV: row → value. */
function predictions(file: string): Map<number, number> {
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  return new Map(lines.map((l) => l.split(",").map(Number) as [number, number]));
}

let data: ReportData;
let page: string;

beforeAll(async () => {
  // A model made elsewhere (no loss history, no training data recorded), quantized to f32.
  const fm = floatModel({ inputSize: 2, hidden: 4, window: 3, outputs: 2, mode: "stream" });
  writeFileSync(at("imported.json"), JSON.stringify(fm));
  writeFileSync(at("imported.csv"), csvText(fm, 60));
  await Promise.all([
    ok(["quantize", at("imported.json"), "--calib", at("imported.csv"), "--scheme", "f32", "--out", at("imported.q.json")]),
    ok(["train", "--data", TRAIN, ...flags, "--seed", "1", "--out", at("model.json")]),
    ok(["train", "--data", TRAIN, ...flags, "--seed", "2", "--out", at("other.json")]),
  ]);
  await Promise.all([
    ok(["quantize", at("model.json"), "--calib", TRAIN, "--scheme", "w8a16", "--out", at("m16.q.json")]),
    ok(["quantize", at("model.json"), "--calib", TRAIN, "--scheme", "w8a8", "--out", at("m8.q.json")]),
    ok(["quantize", at("other.json"), "--calib", TRAIN, "--scheme", "w8a8", "--out", at("other.q.json")]),
    ok(["predict", at("model.json"), "--data", TEST, "--out", at("float.csv")]),
  ]);
  await ok(["predict", at("m16.q.json"), "--engine", "fixed", "--data", TEST, "--out", at("fixed16.csv")]);
  const r = await ok(["report", at("m16.q.json"), at("m8.q.json"), "--data", TEST, "--target", "host", "--out", at("report.html"), "--json"]);
  data = JSON.parse(r.stdout) as ReportData;
  page = readFileSync(at("report.html"), "utf8");
}, 240_000);

describe("seqforge report (host)", () => {
  it("verifies each scheme on the host, bit for bit, and draws the C's outputs, equal to the simulator's", () => {
    expect(data.models.map((m) => [m.scheme, m.verified, m.verdicts.map((v) => `${v.target} ${v.variant} ${v.passed}`)])).toEqual([
      ["w8a16", true, ["host release true", "host sanitize true"]],
      ["w8a8", true, ["host release true", "host sanitize true"]],
    ]);
    const lines = data.predictions.targets[0]!.lines;
    expect(lines.map((l) => l.name)).toEqual(["truth", "float64", "w8a16 simulator", "w8a16 C host", "w8a8 simulator", "w8a8 C host"]);
    const byName = new Map(lines.map((l) => [l.name, l.values]));
    expect(byName.get("w8a16 C host")).toEqual(byName.get("w8a16 simulator"));
    expect(byName.get("w8a8 C host")).toEqual(byName.get("w8a8 simulator"));
    expect(byName.get("w8a8 simulator")).not.toEqual(byName.get("w8a16 simulator"));
  });

  it("predicts what `seqforge predict` predicts, float and fixed, on the same rows", () => {
    const rows = data.predictions.rows;
    expect(rows[0]).toBe(N);
    expect(rows.at(-1)).toBe(364);
    const lines = new Map(data.predictions.targets[0]!.lines.map((l) => [l.name, l.values]));
    const float = predictions(at("float.csv"));
    const fixed = predictions(at("fixed16.csv"));
    expect([...float.keys()]).toEqual(rows);
    rows.forEach((j, k) => {
      expect(lines.get("float64")![k]).toBe(float.get(j));
      expect(lines.get("w8a16 simulator")![k]).toBe(fixed.get(j));
    });
    const truth = readFileSync(TEST, "utf8").trim().split("\n");
    const col = truth[0]!.split(",").indexOf("temp_max");
    rows.forEach((j, k) => expect(lines.get("truth")![k]).toBe(Number(truth[j + 1]!.split(",")[col])));
  });

  it("scores every predictor on the same rows: float64 and persistence as predict scores them, the linear baseline fitted on the training part", async () => {
    const p = JSON.parse((await ok(["predict", at("model.json"), "--data", TEST, "--out", at("again.csv"), "--json"])).stdout);
    const h = new Map(data.headline.map((x) => [x.predictor, x]));
    expect([...h.keys()]).toEqual(["persistence", "linear baseline", "float64", "w8a16", "w8a8"]);
    expect(h.get("float64")!.rmse).toBeCloseTo(p.targets[0].rmse, 12);
    expect(h.get("persistence")!.rmse).toBeCloseTo(p.targets[0].persistenceRmse, 12);
    expect(h.get("float64")!.count).toBe(p.predictions);
    // 1096 training rows, the last 219 held out: samples predict rows N … 876.
    expect(data.baseline).toEqual({ fittedOn: expect.stringContaining(`${TRAIN}, rows ${N}–876`), samples: 877 - N });
    expect(h.get("linear baseline")!.rmse).toBeLessThan(h.get("persistence")!.rmse);
  });

  it("takes the tensors and their calibration saturations from each quantized file, and counts this data's saturations", () => {
    for (const [scheme, file] of [["w8a16", "m16.q.json"], ["w8a8", "m8.q.json"]] as const) {
      const q = JSON.parse(readFileSync(at(file), "utf8"));
      const formatted = q.calibration.tensors.filter((t: { format: unknown }) => t.format);
      expect(data.tensors.filter((t) => t.model === scheme).map((t) => [t.tensor, t.min, t.max, t.format])).toEqual(
        formatted.map((t: { tensor: string; min: number; max: number; format: { bits: number; frac: number } }) => [t.tensor, t.min, t.max, `int${t.format.bits} Q${t.format.frac}`]),
      );
      const sat = data.saturations.filter((s) => s.model === scheme);
      const canSaturate = q.calibration.tensors.filter((t: { saturations: number | null }) => t.saturations !== null);
      expect(sat.filter((s) => s.data === "calibration").map((s) => [s.tensor, s.count])).toEqual(canSaturate.map((t: { tensor: string; saturations: number }) => [t.tensor, t.saturations]));
      const model = data.models.find((m) => m.scheme === scheme)!;
      expect(sat.filter((s) => s.data === "this data").map((s) => s.count)).toEqual(canSaturate.map((t: { tensor: string }) => model.againstFloat.saturations![t.tensor]));
    }
    const x = data.tensors.find((t) => t.tensor === "x[0]" && t.model === "w8a16")!;
    expect(x.formatMax).toBe(32767 * 2 ** -Number(x.format.split("Q")[1]));
  });

  it("writes a page that needs nothing else: no script, no link, no fetch; every section, a plot per figure", () => {
    expect(Buffer.byteLength(page)).toBeLessThan(2 * 1024 * 1024);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|\bsrc=|\bhref=|url\(\s*['"]?(https?:|\/\/)/i);
    // The only URLs are the SVG namespaces, which nothing fetches.
    expect(new Set(page.match(/https?:\/\/[^"' )]+/g))).toEqual(new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]));
    const sections = [...page.matchAll(/<section id="([a-z]+)" data-figures="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
    expect(sections).toEqual([["summary", 1], ["training", 1], ["predictions", 2], ["errors", 2], ["tensors", 2], ["targets", 0]]);
    expect(page.match(/<figure data-figure="[^"]+"><svg /g)).toHaveLength(8);
    expect(page.match(/<details><summary>The numbers behind this plot/g)).toHaveLength(8);
    // No QEMU target given: the cost section says so instead of drawing nothing.
    expect(data.notes).toEqual([{ section: "targets", text: expect.stringMatching(/QEMU targets only/) }]);
    expect(page).toContain("The bench runs on QEMU targets only");
  });
});

describe("seqforge report on an imported f32 model (stream mode, two targets)", () => {
  it("has no training curve, no baseline and no tensor plots, and says why", { timeout: 120_000 }, async () => {
    const r = await ok(["report", at("imported.q.json"), "--data", at("imported.csv"), "--target", "host", "--out", at("imported.html"), "--json"]);
    const d = JSON.parse(r.stdout) as ReportData;
    expect(d.training).toBeNull();
    expect(d.baseline).toEqual({ note: "the float model records no training data file" });
    expect(d.tensors).toEqual([]);
    // Stream mode predicts rows 1 … 59; the window baseline's rows, which all are scored on, start at N + K - 1 = 3.
    expect(d.predictions.rows).toEqual(Array.from({ length: 59 }, (_, k) => k + 1));
    expect(d.predictions.targets.map((t) => t.target)).toEqual(["t0", "t1"]);
    expect(d.headline.map((h) => [h.target, h.predictor, h.count])).toEqual([
      ["t0", "persistence", 57], ["t0", "float64", 57], ["t0", "f32", 57],
      ["t1", "persistence", 57], ["t1", "float64", 57], ["t1", "f32", 57],
    ]);
    expect(d.notes.map((n) => n.section)).toEqual(["training", "tensors", "targets"]);
    expect(d.models[0]!.verdicts.every((v) => v.passed && /max \|Δ\|/.test(v.summary))).toBe(true);
    const html = readFileSync(at("imported.html"), "utf8");
    expect([...html.matchAll(/<section id="([a-z]+)" data-figures="(\d+)">/g)].map((m) => Number(m[2]))).toEqual([1, 0, 2, 2, 0, 0]);
  });
});

describe("seqforge report refuses bad input: one line, no page", () => {
  const never = at("never.html");
  const report = (...args: string[]) => runCliAsync(["report", ...args, "--out", never]);

  it("a float model other than the one the file was quantized from", async () => {
    const r = await report(at("m16.q.json"), "--data", TEST, "--float", at("other.json"));
    expectInputError(r, /other\.json: not the float model .*m16\.q\.json was quantized from/, never);
  });

  it("data without the target column", async () => {
    // The imported model's target t0 is no feature, so the data reader alone would accept the file.
    const noTarget = readFileSync(at("imported.csv"), "utf8").replace(/,t0,t1$/m, ",t1,other");
    writeFileSync(at("no-target.csv"), noTarget);
    const r = await report(at("imported.q.json"), "--data", at("no-target.csv"));
    expectInputError(r, /no-target\.csv: no column "t0": the report scores the predictions against the model's targets t0, t1$/, never);
  });

  it("files quantized from two float models, or two files of one scheme", async () => {
    const two = await report(at("m16.q.json"), at("other.q.json"), "--data", TEST);
    expectInputError(two, /other\.q\.json: field source\.modelHash: quantized from another float model than .*m16\.q\.json/, never);
    const twice = await report(at("m8.q.json"), at("m16.q.json"), at("m8.q.json"), "--data", TEST);
    expectInputError(twice, /m8\.q\.json: field scheme: w8a8, as .*m8\.q\.json; one file per scheme expected/, never);
  });

  it("an unknown target, and a float model that is not where the file says", async () => {
    const r = await report(at("m16.q.json"), "--data", TEST, "--target", "cortex-m99");
    expectInputError(r, /--target: unknown target "cortex-m99"/, never);
    const moved = JSON.parse(readFileSync(at("m16.q.json"), "utf8"));
    mkdirSync(at("elsewhere"), { recursive: true });
    writeFileSync(at("elsewhere/m.q.json"), readFileSync(at("m16.q.json")));
    expect(moved.source.modelFile).toBe(at("model.json"));
    const lost = await report(at("elsewhere/m.q.json"), "--data", TEST, "--float", at("elsewhere/none.json"));
    expectInputError(lost, /none\.json: model file not found/, never);
  });

  it("an unreachable target toolchain: exit 3 naming the Debian packages, no page", { timeout: 120_000 }, async () => {
    // Every program on PATH but the Arm cross toolchain.
    const bin = at("bin-without-arm");
    mkdirSync(bin);
    for (const folder of ["/usr/local/bin", "/usr/bin", "/bin"]) {
      for (const name of readdirSync(folder)) {
        if (name.startsWith("arm-none-eabi-")) continue;
        try {
          symlinkSync(join(folder, name), join(bin, name));
        } catch {
          // already linked from an earlier folder of PATH
        }
      }
    }
    try {
      symlinkSync(process.execPath, join(bin, "node"));
    } catch {
      // node is in one of the folders above
    }
    const r = await runCliAsync(["report", at("m16.q.json"), "--data", TEST, "--target", "cortex-m4", "--out", never], ROOT, { ...process.env, PATH: bin });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe("");
    // Progress lines (the host's runs) come first; the error is one line, and the last.
    const errors = r.stderr.trimEnd().split("\n").filter((l) => l.startsWith("seqforge:"));
    expect(errors).toHaveLength(1);
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe(errors[0]);
    expect(errors[0]).toMatch(/^seqforge: arm-none-eabi-gcc not found; install the Debian packages? gcc-arm-none-eabi/);
    expect(readdirSync(dir).filter((f) => f.includes("never"))).toEqual([]);
  });
});
