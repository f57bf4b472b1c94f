/**
 * `make bench-quant`: the fixed-point accuracy table on every bundled series (scripts/series.ts,
 * data/README.md: the demo task, next-day temp_max in Seattle from 8 days of 4 features; monthly
 * Mauna Loa CO2, a trend; hourly Seattle climate normals), per scheme, cell and run mode, against
 * the accuracy goals of issue 12 (ISSUE_GOALS); the nonlinearity error bounds measured over their whole input domain; and 100,000 steps of
 * streaming input through every scheme and both cells (saturations, how far the state went
 * against its calibrated range, error against float over the long run).
 * Writes bench/quant.json and bench/quant.md; prints the Markdown.
 *
 * Models are trained here with the demo's flags (Makefile DEMO_FLAGS), one per cell and run mode,
 * through the CLI so that they are exactly what a user gets.
 *
 * Then quantization-aware fine-tuning (`quantize --finetune`, its defaults: trained to the float
 * model's outputs, the model's learning rate ÷ 100) for FINETUNE_EPOCHS epochs, on the rows
 * FINETUNE_CASES names: l2r and task RMSE on the held-out file before and after, both against the
 * ORIGINAL float model and its task RMSE.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { floatEngine } from "../src/model/float-engine.js";
import { loadFloatModel, type CellKind, type FloatModel, type RunMode, type TrainedModel } from "../src/model/model-file.js";
import { compareOutputs } from "../src/quant/accuracy.js";
import { findTrainingData, loadNormalizedSeries } from "../src/data/model-data.js";
import { fineTuneForScheme } from "../src/finetune/finetune.js";
import type { FineTuneComparison } from "../src/quant/report.js";
import { sha256 } from "../src/util/hash.js";
import { buildTanhTable, measureNonlinearityError } from "../src/quant/nonlinearity.js";
import type { ErrorMetrics, QuantModel } from "../src/model/quant-model-file.js";
import { isIntegerScheme, SCHEME_NAMES, SCHEMES, type IntegerScheme, type Scheme } from "../src/model/schemes.js";
import { quantizeModel } from "../src/quant/quantize.js";
import type { NormalizedSeries } from "../src/data/model-data.js";
import { Simulator, satRecord } from "../src/quant/simulator.js";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { SERIES, type SeriesTask } from "./series.js";

const LONG_STEPS = 100_000;

/**
 * l2r goals against float64 (held-out data, normalised output) per cell and scheme, from issue 12;
 * and the w8a16 task RMSE: within TASK_GOAL of float's.
 */
const ISSUE_GOALS: Record<CellKind, Partial<Record<Scheme, number>>> = {
  standard: { w16a16: 2.5e-4, w8a16: 2e-3, w8a8: 8e-3 },
  seed: { w8a8: 1.5e-2 },
};
const TASK_GOAL = 0.005;

const FINETUNE_EPOCHS = 20;
/** The fine-tuned rows: w8a8 everywhere; the a16 schemes in stream mode, where their goals are missed. */
const FINETUNE_CASES: { scheme: IntegerScheme; modes: RunMode[] }[] = [
  { scheme: "w8a8", modes: ["window", "stream"] },
  { scheme: "w8a16", modes: ["stream"] },
  { scheme: "w16a16", modes: ["stream"] },
];

interface FineTuneRow {
  series: string;
  cell: CellKind;
  mode: RunMode;
  scheme: IntegerScheme;
  epochs: number;
  keptEpoch: number;
  /** On the held-out file, against the original float model. */
  heldOut: FineTuneComparison;
  l2rGoal: number;
  /** Wall-clock seconds of the fine-tuning call (quantize before, train, quantize after, measure). */
  seconds: number;
  /** Wall-clock seconds per training epoch (rounded forward, backward, update, validation), between the first and last epoch's reports. */
  secondsPerEpoch: number;
}

interface AccuracyRow {
  series: string;
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

function train(dir: string, task: SeriesTask, cell: CellKind, mode: RunMode): { file: string; model: FloatModel } {
  const out = join(dir, `${task.name}-${cell}-${mode}.json`);
  execFileSync(process.execPath, ["bin/seqforge.js", "train", "--data", task.train, ...task.flags, "--seed", "1", "--cell", cell, "--mode", mode, "--out", out], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { file: out, model: loadFloatModel(out) };
}

/** `quantize --finetune FINETUNE_EPOCHS` with its defaults, measured on the held-out file. */
function fineTune(task: SeriesTask, file: string, model: FloatModel, scheme: IntegerScheme, calib: NormalizedSeries, held: NormalizedSeries): FineTuneRow {
  const found = findTrainingData(model, file);
  if ("note" in found) throw new Error(`${file}: ${found.note}`);
  const started = performance.now();
  const reported: number[] = [];
  const r = fineTuneForScheme({
    model: model as TrainedModel,
    modelFile: file,
    modelHash: sha256(readFileSync(file)),
    scheme,
    epochs: FINETUNE_EPOCHS,
    target: "float",
    training: { series: found.data.series, val: found.val },
    calib,
    data: held,
    floatFile: file.replace(/\.json$/, `.${scheme}.tuned.json`),
    onEpoch: () => reported.push(performance.now()),
  });
  const a = model.architecture;
  return {
    series: task.name,
    cell: a.cell,
    mode: a.mode,
    scheme,
    epochs: FINETUNE_EPOCHS,
    keptEpoch: r.summary.keptEpoch,
    heldOut: r.summary.data!,
    l2rGoal: ISSUE_GOALS[a.cell][scheme] ?? SCHEMES[scheme].l2rGoal,
    seconds: (performance.now() - started) / 1000,
    secondsPerEpoch: (reported[reported.length - 1]! - reported[0]!) / 1000 / (reported.length - 1),
  };
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

function fineTuneMarkdown(rows: FineTuneRow[]): string[] {
  const L: string[] = [];
  const pct = (q: number, f: number) => `${((100 * (q - f)) / f).toFixed(3)} %`;
  L.push("");
  L.push(`## Quantization-aware fine-tuning (quantize --finetune ${FINETUNE_EPOCHS})`);
  L.push("");
  L.push("The models above, fine-tuned for the scheme with `quantize --finetune`'s defaults (trained to the float model's outputs on");
  L.push("its own training file, the model's learning rate ÷ 100, formats kept), then quantized again. Everything against the ORIGINAL");
  L.push("float model on the held-out file: l2r of the quantized model before and after, the fine-tuned float model's own l2r, and the");
  L.push("task RMSE (normalised) of the original float model, and its change quantized before and after. The kept epoch is the one");
  L.push("with the lowest rounded validation loss (0: none improved on the start, the weights are the original's). Seconds: wall clock");
  L.push("of the whole call (quantize with format selection, fine-tune, quantize, measure), and of one fine-tuning epoch (between the");
  L.push("first and the last epoch's report), on this machine while other jobs ran: timings, not counts.");
  for (const series of [...new Set(rows.map((r) => r.series))]) {
    L.push("");
    L.push(`### ${series}`);
    L.push("");
    L.push("| cell | mode | scheme | l2r before | l2r after | goal | fine-tuned float l2r | kept epoch | task RMSE float | change before | change after | seconds | s/epoch |");
    L.push("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows.filter((x) => x.series === series)) {
      const h = r.heldOut;
      const met = (l2r: number) => (l2r <= r.l2rGoal ? "met" : "missed");
      L.push(
        `| ${r.cell} | ${r.mode} | ${r.scheme} | ${e(h.before.l2r)} (${met(h.before.l2r)}) | ${e(h.after.l2r)} (${met(h.after.l2r)}) | ≤ ${e(r.l2rGoal)} | ${e(h.tunedFloat.l2r)} | ${r.keptEpoch}/${r.epochs} | ${h.before.taskRmseFloat!.toFixed(4)} | ${pct(h.before.taskRmseQuant!, h.before.taskRmseFloat!)} | ${pct(h.after.taskRmseQuant!, h.after.taskRmseFloat!)} | ${r.seconds.toFixed(1)} | ${r.secondsPerEpoch.toFixed(2)} |`,
      );
    }
  }
  return L;
}

function markdown(acc: AccuracyRow[], nl: { tanh: number; sigmoid: number }, long: LongRow[], tuned: FineTuneRow[]): string {
  const L: string[] = [];
  L.push("# Fixed-point accuracy (make bench-quant)");
  L.push("");
  L.push("Every bundled series (scripts/series.ts, data/README.md), trained with its task's flags and seed 1;");
  L.push("calibrated on the training file, measured on the held-out test file, in the model's run mode.");
  L.push("l2r, max abs error and RMSE are against float64 on the normalised output; the task RMSE change is");
  L.push("(RMSE_quant − RMSE_float) / RMSE_float against the true targets (normalised). Goals: issue 12's");
  L.push(`(standard cell w16a16 ≤ 2.5e-4, w8a16 ≤ 2e-3, w8a8 ≤ 8e-3; seed cell w8a8 ≤ 1.5e-2; w8a16 task RMSE within ${100 * TASK_GOAL} % of float),`);
  L.push("else the scheme's own (src/model/schemes.ts).");
  for (const series of [...new Set(acc.map((r) => r.series))]) {
    L.push("");
    L.push(`### ${series}`);
    L.push("");
    L.push("| cell | mode | scheme | formats | l2r held-out | goal | max abs | RMSE | cosine | task RMSE float | task RMSE change | saturations held-out |");
    L.push("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const r of acc.filter((x) => x.series === series)) {
      const sats = Object.entries(r.heldOut.saturations ?? {}).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
      const task = r.scheme === "w8a16" ? (Math.abs(r.taskRmseChange) <= TASK_GOAL ? "" : " (NOT within 0.5 %)") : "";
      L.push(
        `| ${r.cell} | ${r.mode} | ${r.scheme} | ${r.formats} | ${e(r.heldOut.l2r)} | ${r.meetsGoal ? "≤" : "NOT ≤"} ${e(r.l2rGoal)} | ${e(r.heldOut.maxAbs)} | ${e(r.heldOut.rmse)} | ${r.heldOut.cosine.toFixed(7)} | ${r.heldOut.taskRmseFloat!.toFixed(4)} | ${(100 * r.taskRmseChange).toFixed(3)} %${task} | ${sats} |`,
      );
    }
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
  L.push("The demo series (seattle-daily: training then test year) cycled to 100,000 rows, fed one row per step; window models");
  L.push("reset every 8 steps (their run mode), stream models never. |c| of layer 0 in real units.");
  L.push("");
  L.push("| cell | mode | scheme | max \\|c\\| run | max \\|c\\| calib | format holds | l2r vs float | max abs | saturations |");
  L.push("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of long) {
    const sats = Object.entries(r.saturations).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    L.push(`| ${r.cell} | ${r.mode} | ${r.scheme} | ${r.cMaxRun.toFixed(3)} | ${r.cMaxCalib.toFixed(3)} | ${r.cFormatMax.toFixed(3)} | ${e(r.l2r)} | ${e(r.maxAbs)} | ${sats} |`);
  }
  L.push(...fineTuneMarkdown(tuned));
  return L.join("\n") + "\n";
}

function main(): void {
  const outDir = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1]! : "bench";
  const dir = mkdtempSync(join(tmpdir(), "seqforge-bench-quant-"));
  const acc: AccuracyRow[] = [];
  const long: LongRow[] = [];
  const tuned: FineTuneRow[] = [];
  for (const task of SERIES) {
    for (const cell of ["standard", "seed"] as const) {
      for (const mode of ["window", "stream"] as const) {
        process.stderr.write(`training ${task.name} ${cell} ${mode}…\n`);
        const { file, model } = train(dir, task, cell, mode);
        const calib = loadNormalizedSeries(task.train, model);
        const held = loadNormalizedSeries(task.test, model);
        // The long streaming runs: on the demo series only (they check the state, not the task).
        const longInputs = task === SERIES[0] ? cycled(calib, held, LONG_STEPS) : null;
        for (const scheme of SCHEME_NAMES) {
          const q = quantizeModel({ model, scheme, source: { modelHash: "", modelFile: `${cell}-${mode}.json` }, calib, data: held });
          const h = q.accuracy.data!;
          const f = q.fixed;
          const goal = ISSUE_GOALS[cell][scheme] ?? SCHEMES[scheme].l2rGoal;
          acc.push({
            series: task.name,
            cell,
            mode,
            scheme,
            heldOut: h,
            calib: q.accuracy.calib,
            taskRmseChange: (h.taskRmseQuant! - h.taskRmseFloat!) / h.taskRmseFloat!,
            l2rGoal: goal,
            meetsGoal: h.l2r <= goal,
            formats: f ? `x Q${f.x.fracs.join("/Q")}, c Q${f.layers[0]!.cFrac}, h Q${f.layers[0]!.hFrac}, y Q${f.head.outFrac}` : "float32",
          });
          if (scheme !== "f32" && longInputs) {
            process.stderr.write(`  ${scheme}: ${LONG_STEPS} steps…\n`);
            long.push(longRun(model, q, longInputs));
          }
          if (isIntegerScheme(scheme) && FINETUNE_CASES.some((c) => c.scheme === scheme && c.modes.includes(mode))) {
            process.stderr.write(`  ${scheme}: fine-tuning ${FINETUNE_EPOCHS} epochs…\n`);
            tuned.push(fineTune(task, file, model, scheme, calib, held));
          }
        }
      }
    }
  }
  const nl = measureNonlinearityError(buildTanhTable());
  const md = markdown(acc, nl, long, tuned);
  writeFileAtomic(join(outDir, "quant.json"), JSON.stringify({ accuracy: acc, nonlinearity: nl, longRuns: long, fineTuning: tuned }, null, 1) + "\n");
  writeFileAtomic(join(outDir, "quant.md"), md);
  process.stdout.write(md);
}

main();
