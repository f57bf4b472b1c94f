/**
 * `make bench-quant`: the fixed-point accuracy table on the bundled demo task (data/README.md:
 * next-day temp_max in Seattle from 8 days of 4 features), per scheme and cell, in the model's run
 * mode; the nonlinearity error bounds measured over their whole input domain; and 100,000 steps of
 * streaming input through every scheme and both cells (saturations, how far the state went
 * against its calibrated range, error against float over the long run).
 * Writes bench/quant.json and bench/quant.md; prints the Markdown.
 *
 * Models are trained here with the demo's flags (Makefile DEMO_FLAGS), one per cell and run mode,
 * through the CLI so that they are exactly what a user gets.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { floatEngine } from "../src/model/float-engine.js";
import { loadFloatModel, type CellKind, type FloatModel, type RunMode } from "../src/model/model-file.js";
import { compareOutputs } from "../src/quant/accuracy.js";
import { loadNormalizedSeries } from "../src/data/model-data.js";
import { buildTanhTable, measureNonlinearityError } from "../src/quant/nonlinearity.js";
import type { ErrorMetrics, QuantModel } from "../src/model/quant-model-file.js";
import { SCHEME_NAMES, SCHEMES, type Scheme } from "../src/model/schemes.js";
import { quantizeModel } from "../src/quant/quantize.js";
import type { NormalizedSeries } from "../src/data/model-data.js";
import { Simulator, satRecord } from "../src/quant/simulator.js";
import { writeFileAtomic } from "../src/util/atomic-write.js";

const TRAIN = "data/seattle-weather-train.csv";
const TEST = "data/seattle-weather-test.csv";
const DEMO_FLAGS = ["--target", "temp_max", "--features", "temp_max,temp_min,precipitation,wind", "--window", "8", "--hidden", "16", "--epochs", "100", "--seed", "1"];
const LONG_STEPS = 100_000;

interface AccuracyRow {
  cell: CellKind;
  mode: RunMode;
  scheme: Scheme;
  heldOut: ErrorMetrics;
  calib: ErrorMetrics;
  /** (task RMSE quantized − task RMSE float) / task RMSE float on the held-out data. */
  taskRmseChange: number;
  l2rGoal: number;
  meetsGoal: boolean;
  formats: string;
}

interface LongRow {
  cell: CellKind;
  mode: RunMode;
  scheme: Exclude<Scheme, "f32">;
  steps: number;
  saturations: Record<string, number>;
  /** Largest |c| reached over the run and calibrated, real units, per layer (layer 0 here). */
  cMaxRun: number;
  cMaxCalib: number;
  /** Largest |c| the format holds. */
  cFormatMax: number;
  /** Over the long run, against float64 run alongside. */
  l2r: number;
  maxAbs: number;
}

function train(dir: string, cell: CellKind, mode: RunMode): FloatModel {
  const out = join(dir, `${cell}-${mode}.json`);
  execFileSync(process.execPath, ["bin/seqforge.js", "train", "--data", TRAIN, ...DEMO_FLAGS, "--cell", cell, "--mode", mode, "--out", out], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return loadFloatModel(out);
}

/** The demo series cycled to `steps` rows: train year(s) then the test year, again and again. */
function cycled(a: NormalizedSeries, b: NormalizedSeries, steps: number): Float64Array[] {
  const all = [...a.inputs, ...b.inputs];
  return Array.from({ length: steps }, (_, t) => all[t % all.length]!);
}

function longRun(model: FloatModel, q: QuantModel, inputs: Float64Array[]): LongRow {
  const sim = new Simulator(q);
  const ref = floatEngine(model);
  const fx = q.fixed!;
  const fy = 2 ** -fx.head.outFrac;
  const N = model.architecture.window;
  let cMax = 0;
  const yr: number[][] = [];
  const yq: number[][] = [];
  const window = model.architecture.mode === "window";
  if (!window) {
    sim.reset();
    ref.reset();
  }
  for (let t = 0; t < inputs.length; t++) {
    // Window mode: each prediction is N steps from a reset state (100,000 steps = 12,500 windows).
    if (window && t % N === 0) {
      sim.reset();
      ref.reset();
    }
    const y = sim.step(sim.quantizeInput(inputs[t]!));
    const r = ref.step(inputs[t]!);
    for (const v of sim.state.c[0]!) cMax = Math.max(cMax, Math.abs(v));
    if (!window || t % N === N - 1) {
      yq.push(Array.from(y, (v) => v * fy));
      yr.push(Array.from(r));
    }
  }
  const m = compareOutputs(yr, yq);
  const cal = q.calibration.tensors.find((t) => t.tensor === "layer0.c")!;
  const fc = fx.layers[0]!.cFrac;
  return {
    cell: model.architecture.cell,
    mode: model.architecture.mode,
    scheme: q.scheme as LongRow["scheme"],
    steps: inputs.length,
    saturations: satRecord(sim.sats),
    cMaxRun: cMax * 2 ** -fc,
    cMaxCalib: Math.max(-cal.min, cal.max),
    cFormatMax: 32767 * 2 ** -fc,
    l2r: m.l2r,
    maxAbs: m.maxAbs,
  };
}

const e = (v: number) => v.toExponential(2);

function markdown(acc: AccuracyRow[], nl: { tanh: number; sigmoid: number }, long: LongRow[]): string {
  const L: string[] = [];
  L.push("# Fixed-point accuracy (make bench-quant)");
  L.push("");
  L.push("Demo task (data/README.md): next-day temp_max, 8-day window, 4 features, 16 units, trained with the");
  L.push("demo's flags; calibrated on the training file, measured on the held-out 2015 file, in the model's run mode.");
  L.push("l2r, max abs error and RMSE are against float64 on the normalised output; the task RMSE change is");
  L.push("(RMSE_quant − RMSE_float) / RMSE_float against the true targets.");
  L.push("");
  L.push("| cell | mode | scheme | formats | l2r held-out | goal | max abs | RMSE | cosine | task RMSE float | task RMSE change | saturations held-out |");
  L.push("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of acc) {
    const sats = Object.entries(r.heldOut.saturations ?? {}).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    L.push(
      `| ${r.cell} | ${r.mode} | ${r.scheme} | ${r.formats} | ${e(r.heldOut.l2r)} | ${r.meetsGoal ? "≤" : "NOT ≤"} ${e(r.l2rGoal)} | ${e(r.heldOut.maxAbs)} | ${e(r.heldOut.rmse)} | ${r.heldOut.cosine.toFixed(7)} | ${r.heldOut.taskRmseFloat!.toFixed(4)} | ${(100 * r.taskRmseChange).toFixed(3)} % | ${sats} |`,
    );
  }
  L.push("");
  L.push("## Nonlinearities");
  L.push("");
  L.push("Max |approx − exact| over every int32 Q15 input in [−2^19, 2^19] (exhaustive; outside, both are constant).");
  L.push("");
  L.push("| function | max error | in Q15 LSB | goal (a16) |");
  L.push("| --- | ---: | ---: | ---: |");
  L.push(`| tanh | ${e(nl.tanh)} | ${(nl.tanh * 32768).toFixed(3)} | ≤ 2^-12 = 2.44e-4 |`);
  L.push(`| sigmoid | ${e(nl.sigmoid)} | ${(nl.sigmoid * 32768).toFixed(3)} | ≤ 2^-12 = 2.44e-4 |`);
  L.push("");
  L.push(`## ${LONG_STEPS.toLocaleString("en")} steps of streaming input`);
  L.push("");
  L.push("The demo series (training then test year) cycled to 100,000 rows, fed one row per step; window models");
  L.push("reset every 8 steps (their run mode), stream models never. |c| of layer 0 in real units.");
  L.push("");
  L.push("| cell | mode | scheme | max \\|c\\| run | max \\|c\\| calib | format holds | l2r vs float | max abs | saturations |");
  L.push("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of long) {
    const sats = Object.entries(r.saturations).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    L.push(`| ${r.cell} | ${r.mode} | ${r.scheme} | ${r.cMaxRun.toFixed(3)} | ${r.cMaxCalib.toFixed(3)} | ${r.cFormatMax.toFixed(3)} | ${e(r.l2r)} | ${e(r.maxAbs)} | ${sats} |`);
  }
  return L.join("\n") + "\n";
}

function main(): void {
  const outDir = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1]! : "bench";
  const dir = mkdtempSync(join(tmpdir(), "seqforge-bench-quant-"));
  const acc: AccuracyRow[] = [];
  const long: LongRow[] = [];
  for (const cell of ["standard", "seed"] as const) {
    for (const mode of ["window", "stream"] as const) {
      process.stderr.write(`training ${cell} ${mode}…\n`);
      const model = train(dir, cell, mode);
      const calib = loadNormalizedSeries(TRAIN, model);
      const held = loadNormalizedSeries(TEST, model);
      const longInputs = cycled(calib, held, LONG_STEPS);
      for (const scheme of SCHEME_NAMES) {
        const q = quantizeModel({ model, scheme, source: { modelHash: "", modelFile: `${cell}-${mode}.json` }, calib, data: held });
        const h = q.accuracy.data!;
        const f = q.fixed;
        acc.push({
          cell,
          mode,
          scheme,
          heldOut: h,
          calib: q.accuracy.calib,
          taskRmseChange: (h.taskRmseQuant! - h.taskRmseFloat!) / h.taskRmseFloat!,
          l2rGoal: SCHEMES[scheme].l2rGoal,
          meetsGoal: h.l2r <= SCHEMES[scheme].l2rGoal,
          formats: f ? `x Q${f.x.frac}, c Q${f.layers[0]!.cFrac}, h Q${f.layers[0]!.hFrac}, y Q${f.head.outFrac}` : "float32",
        });
        if (scheme !== "f32") {
          process.stderr.write(`  ${scheme}: ${LONG_STEPS} steps…\n`);
          long.push(longRun(model, q, longInputs));
        }
      }
    }
  }
  const nl = measureNonlinearityError(buildTanhTable());
  const md = markdown(acc, nl, long);
  writeFileAtomic(join(outDir, "quant.json"), JSON.stringify({ accuracy: acc, nonlinearity: nl, longRuns: long }, null, 1) + "\n");
  writeFileAtomic(join(outDir, "quant.md"), md);
  process.stdout.write(md);
}

main();
