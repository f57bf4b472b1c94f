/**
 * Everything `seqforge report` shows, measured: the float model and each quantized one run over
 * the data (the float64 reference and the fixed-point simulator through the one sequence driver),
 * the generated C verified on each target by src/verify (its outputs read back from the runs),
 * the bench on the QEMU targets by src/bench, the calibration record of each quantized file, and
 * the baselines. The page (./page.ts) and `--json` are both this object, so every figure on the
 * page is a number here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchModel, type BenchResult } from "../bench/bench-model.js";
import { LANGUAGE_NAMES } from "../codegen/languages.js";
import { generatorVersion } from "../codegen/templates.js";
import { accuracy, persistence } from "../data/metrics.js";
import { normalizeModelSeries, type NormalizedSeries } from "../data/model-data.js";
import { normalizedRows } from "../data/normalization.js";
import { chronologicalSplit } from "../data/windows.js";
import { floatEngine } from "../model/float-engine.js";
import type { Architecture, FloatModel } from "../model/model-file.js";
import { denormalizeRow } from "../model/normalize.js";
import type { ErrorMetrics, QuantModel, TensorFormat } from "../model/quant-model-file.js";
import { firstPredictedRow, runSeries, type SequenceSpec } from "../model/sequence.js";
import { compareOutputs } from "../quant/accuracy.js";
import { fixedEngine } from "../quant/fixed-engine.js";
import { languageOf } from "../verify/program.js";
import { runOutputs, verifyModel } from "../verify/verify.js";
import { fitLinearBaseline, predictLinearBaseline } from "../data/linear-baseline.js";
import type { ReportInputs } from "./inputs.js";

export interface ReportRequest extends ReportInputs {
  /** Milliseconds before one verify run is killed. */
  timeoutMs: number;
  progress?: (line: string) => void;
}

/** One verify run: a target and build, bit-exact or its first difference. */
export interface Verdict {
  target: string;
  variant: string;
  passed: boolean;
  summary: string;
}

export interface ReportModel {
  /** The scheme: what names this model's series on the page. */
  label: string;
  file: string;
  scheme: QuantModel["scheme"];
  verified: boolean;
  verdicts: Verdict[];
  /** The simulator against float64 on this data (normalised outputs), saturations included. */
  againstFloat: ErrorMetrics;
}

/** One predictor's error on one target, in data units, over the rows every predictor has. */
export interface Headline {
  target: string;
  predictor: string;
  kind: "baseline" | "float" | "quantized";
  rmse: number;
  mae: number;
  count: number;
}

/** One line of the predictions plot: its values per prediction (data units; null where it has none). */
export interface SeriesLine {
  name: string;
  kind: "truth" | "float" | "simulator" | "c";
  values: (number | null)[];
}

export interface HistogramBin {
  model: string;
  target: string;
  from: number;
  to: number;
  count: number;
}

/** The simulator's difference from float64 along the sequence (data units). */
export interface DriftPoint {
  model: string;
  target: string;
  /** Prediction index: the window index (window mode) or the stream step (stream mode). */
  index: number;
  error: number;
  /** RMS of the error over the last `driftWindow` predictions up to this one. */
  rollingRms: number;
}

export interface TensorRange {
  model: string;
  tensor: string;
  min: number;
  max: number;
  format: string;
  /** The largest magnitude the format holds, (2^(bits-1) - 1) · 2^-frac. */
  formatMax: number;
  /** max(|min|, |max|) over the calibration data. */
  peak: number;
}

export interface SaturationCount {
  model: string;
  tensor: string;
  data: "calibration" | "this data";
  count: number;
}

export interface ReportData {
  seqforge: string;
  data: { file: string; hash: string; rows: number };
  floatModel: { file: string; architecture: Architecture; features: string[]; targets: string[]; loss: string | null };
  models: ReportModel[];
  /** What the linear baseline was fitted on, or why there is none. */
  baseline: { fittedOn: string; samples: number } | { note: string };
  headline: Headline[];
  /** Null for a model without a recorded loss history (an imported one). */
  training: { history: { epoch: number; loss: number; valLoss: number | null }[]; bestEpoch: number | null } | null;
  predictions: { rows: number[]; targets: { target: string; lines: SeriesLine[] }[] };
  errors: { histogram: HistogramBin[]; drift: DriftPoint[]; driftWindow: number };
  tensors: TensorRange[];
  saturations: SaturationCount[];
  bench: (BenchResult & { label: string })[];
  /** The targets verified on, and the QEMU ones benched. */
  targets: string[];
  benchTargets: string[];
  /** What a section lacks, and why. */
  notes: { section: SectionId; text: string }[];
}

/** The page's sections (./figures.ts titles them). */
export const SECTION_IDS = ["summary", "training", "predictions", "errors", "tensors", "targets"] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** Predictions of the drift plot's rolling RMS. */
const DRIFT_WINDOW = 32;
const HISTOGRAM_BINS = 30;

export async function collectReport(req: ReportRequest): Promise<ReportData> {
  const say = req.progress ?? (() => {});
  const f = req.float.model;
  const a = f.architecture;
  const series = normalizeModelSeries(req.data, f);
  const notes: ReportData["notes"] = [];

  const reference = runSeries(floatEngine(f), a, series.inputs);
  const rows = reference.rows;
  const denorm = (outs: readonly ArrayLike<number>[]) => outs.map((y) => denormalizeRow(y, f.normalization.output));
  const column = (o: number, outs: readonly Float64Array[]) => outs.map((y) => y[o]!);
  const truth = f.targets.map((t) => rows.map((j) => req.data.series.columns.get(t)![j]!));
  const floatValues = denorm(reference.outputs);
  const lines: SeriesLine[][] = f.targets.map((_, o) => [
    { name: "truth", kind: "truth", values: truth[o]! },
    { name: "float64", kind: "float", values: column(o, floatValues) },
  ]);

  const models: ReportModel[] = [];
  const simulated: { label: string; values: Float64Array[] }[] = [];
  const tensors: TensorRange[] = [];
  const saturations: SaturationCount[] = [];
  const bench: ReportData["bench"] = [];
  for (const { file, model: q } of req.models) {
    const label = q.scheme;
    const engine = fixedEngine(q);
    const sim = runSeries(engine, a, series.inputs);
    const simValues = denorm(sim.outputs);
    simulated.push({ label, values: simValues });
    const againstFloat = compareOutputs(reference.outputs, sim.outputs, series.targets && rows.map((j) => series.targets![j]!), engine.saturations());
    f.targets.forEach((_, o) => lines[o]!.push({ name: `${label} simulator`, kind: "simulator", values: column(o, simValues) }));

    const checked = await verifyOnTargets(req, file, q, series, say);
    models.push({ label, file, scheme: q.scheme, verified: checked.ok, verdicts: checked.verdicts, againstFloat });
    for (const c of checked.outputs) {
      // `w8a16 C cortex-m4`, or `w8a16 TypeScript ts` for the generated TypeScript module.
      const name = `${label} ${LANGUAGE_NAMES[languageOf(c.target)]} ${c.target}`;
      f.targets.forEach((_, o) => lines[o]!.push({ name, kind: "c", values: column(o, denorm(c.outputs)) }));
    }
    tensors.push(...tensorRanges(label, q));
    saturations.push(...saturationCounts(label, q, againstFloat.saturations ?? {}));

    const benchable = req.benchTargets.filter((t) => checked.verdicts.some((v) => v.target === t && v.passed));
    for (const t of req.benchTargets.filter((x) => !benchable.includes(x))) notes.push({ section: "targets", text: `${label} on ${t}: not benched, since its verification failed` });
    if (benchable.length) bench.push(...(await benchOn(q, benchable, say)).map((r) => ({ ...r, label })));
  }

  const baseline = linearBaseline(f, req.training, series);
  const headline = headlineErrors(req, rows, truth, floatValues, simulated, "predictions" in baseline ? baseline.predictions : null);

  const { histogram, drift } = errorsAlong(f, rows, floatValues, simulated);
  // An imported model was not trained here: it has no training block, so no curve.
  const lossHistory = f.training?.lossHistory ?? [];
  if (lossHistory.length === 0) notes.push({ section: "training", text: "The float model records no loss history (an imported model), so there is no training curve." });
  if (!tensors.length) notes.push({ section: "tensors", text: "f32 has no fixed-point formats, and nothing saturates." });
  if (!req.benchTargets.length) notes.push({ section: "targets", text: "The bench runs on QEMU targets only; give one with --target (e.g. cortex-m4, or all)." });

  return {
    seqforge: generatorVersion(),
    data: { file: series.file, hash: series.hash, rows: series.rows },
    floatModel: {
      file: req.float.file,
      architecture: a,
      features: f.features,
      targets: f.targets,
      loss: typeof f.training?.flags.loss === "string" ? f.training.flags.loss : null,
    },
    models,
    baseline: "note" in baseline ? { note: baseline.note } : { fittedOn: baseline.fittedOn, samples: baseline.samples },
    headline,
    training: lossHistory.length ? { history: lossHistory, bestEpoch: f.training?.bestEpoch ?? null } : null,
    predictions: { rows, targets: f.targets.map((target, o) => ({ target, lines: lines[o]! })) },
    errors: { histogram, drift, driftWindow: DRIFT_WINDOW },
    tensors,
    saturations,
    bench,
    targets: req.targets,
    benchTargets: req.benchTargets,
    notes,
  };
}

/**
 * verify on every target (src/verify), the C's outputs of each release build that ran to the end
 * read back before its folder goes (a failed comparison is drawn too: that is where to look).
 */
async function verifyOnTargets(req: ReportRequest, file: string, q: QuantModel, data: NormalizedSeries, say: (line: string) => void) {
  const workDir = mkdtempSync(join(tmpdir(), "seqforge-report-verify-"));
  try {
    const report = await verifyModel({ model: q, modelFile: file, data, targets: req.targets, timeoutMs: req.timeoutMs, workDir, progress: say });
    const outputs = report.runs
      .filter((r) => r.variant === "release" && r.comparison !== null && r.comparison.countMismatch === null)
      .map((r) => ({ target: r.target, outputs: runOutputs(q, workDir, r) }));
    const verdicts = report.runs.map((r) => ({ target: r.target, variant: r.variant, passed: r.passed, summary: r.summary }));
    return { ok: report.ok, verdicts, outputs };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function benchOn(q: QuantModel, targets: string[], say: (line: string) => void): Promise<BenchResult[]> {
  const workDir = mkdtempSync(join(tmpdir(), "seqforge-report-bench-"));
  try {
    return await benchModel({ model: q, name: "model", targets, workDir, onProgress: say });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The largest magnitude a format holds. */
function formatMax(f: TensorFormat): number {
  return (2 ** (f.bits - 1) - 1) * 2 ** -f.frac;
}

function tensorRanges(model: string, q: QuantModel): TensorRange[] {
  return q.calibration.tensors.flatMap((t) =>
    t.format
      ? [{ model, tensor: t.tensor, min: t.min, max: t.max, format: `int${t.format.bits} Q${t.format.frac}`, formatMax: formatMax(t.format), peak: Math.max(Math.abs(t.min), Math.abs(t.max)) }]
      : [],
  );
}

/** Per tensor that can saturate: the count over the calibration data (quantize's) and over this data (the simulator's, just now). */
function saturationCounts(model: string, q: QuantModel, onData: Record<string, number>): SaturationCount[] {
  return q.calibration.tensors.flatMap((t) =>
    t.saturations === null
      ? []
      : [
          { model, tensor: t.tensor, data: "calibration" as const, count: t.saturations },
          { model, tensor: t.tensor, data: "this data" as const, count: onData[t.tensor] ?? 0 },
        ],
  );
}

/** The baseline's spec: the model's window N and horizon K, read as a window whatever the model's run mode. */
function baselineSpec(a: Architecture): SequenceSpec {
  return { mode: "window", window: a.window, horizon: a.horizon };
}

/**
 * The linear baseline fitted on the training part of the model's training data, and its
 * predictions (data units) on this data; or why there is none.
 */
export function linearBaseline(f: FloatModel, t: ReportInputs["training"], series: NormalizedSeries) {
  if ("note" in t) return t;
  const spec = baselineSpec(f.architecture);
  const split = chronologicalSplit(t.data.series.rows, t.val, spec, t.file);
  // Fewer samples than twice the weights would fit noise (and a long stream chunk would make the normal equations large).
  const weights = 1 + spec.window * f.features.length;
  const samples = split.train[1] - split.train[0];
  if (samples < 2 * weights) {
    return { note: `${samples} training samples in ${t.file}, fewer than twice the ${weights} weights of a linear map from ${spec.window} rows of ${f.features.length} features` };
  }
  const inputs = normalizedRows(t.data.series, f.features, f.normalization.input);
  const targets = normalizedRows(t.data.series, f.targets, f.normalization.output);
  const fit = fitLinearBaseline(inputs, targets, split.train, spec.window, spec.horizon);
  const rows: number[] = [];
  for (let j = firstPredictedRow(spec); j < series.rows; j++) rows.push(j);
  const predictions = predictLinearBaseline(fit, series.inputs, rows).map((y) => denormalizeRow(y, f.normalization.output));
  const fittedOn = `${t.file}, rows ${split.train[0]}–${split.train[1] - 1} (the training part; the last ${t.val} held out as training did)`;
  return { fittedOn, samples: fit.samples, predictions: { rows, values: predictions } };
}

/**
 * RMSE and MAE (data units) of each predictor on each target, over the rows every predictor
 * predicts: from N + K - 1 on (in stream mode the model predicts earlier rows too; the window
 * baseline cannot).
 */
function headlineErrors(
  req: ReportRequest,
  rows: number[],
  truth: number[][],
  floatValues: Float64Array[],
  simulated: { label: string; values: Float64Array[] }[],
  baseline: { rows: number[]; values: Float64Array[] } | null,
): Headline[] {
  const a = req.float.model.architecture;
  const from = firstPredictedRow(baselineSpec(a));
  const keep = rows.flatMap((j, k) => (j >= from ? [k] : []));
  const scored = keep.map((k) => rows[k]!);
  const out: Headline[] = [];
  req.float.model.targets.forEach((target, o) => {
    const actual = Float64Array.from(keep, (k) => truth[o]![k]!);
    const add = (predictor: string, kind: Headline["kind"], predicted: ArrayLike<number>) =>
      out.push({ target, predictor, kind, count: actual.length, ...accuracy(predicted, actual) });
    if (a.horizon > 0) add("persistence", "baseline", persistence(req.data.series.columns.get(target)!, scored, a.horizon));
    if (baseline) {
      const at = new Map(baseline.rows.map((j, k) => [j, k]));
      add("linear baseline", "baseline", Float64Array.from(scored, (j) => baseline.values[at.get(j)!]![o]!));
    }
    add("float64", "float", Float64Array.from(keep, (k) => floatValues[k]![o]!));
    for (const s of simulated) add(s.label, "quantized", Float64Array.from(keep, (k) => s.values[k]![o]!));
  });
  return out;
}

/** The simulator minus float64 per prediction (data units): its histogram, and along the sequence with a rolling RMS. */
function errorsAlong(f: FloatModel, rows: number[], floatValues: Float64Array[], simulated: { label: string; values: Float64Array[] }[]) {
  const histogram: HistogramBin[] = [];
  const drift: DriftPoint[] = [];
  for (const s of simulated) {
    f.targets.forEach((target, o) => {
      const err = rows.map((_, k) => s.values[k]![o]! - floatValues[k]![o]!);
      histogram.push(...histogramOf(err, HISTOGRAM_BINS).map((b) => ({ model: s.label, target, ...b })));
      err.forEach((e, k) => {
        const recent = err.slice(Math.max(0, k + 1 - DRIFT_WINDOW), k + 1);
        const rollingRms = Math.sqrt(recent.reduce((sum, x) => sum + x * x, 0) / recent.length);
        drift.push({ model: s.label, target, index: k, error: e, rollingRms });
      });
    });
  }
  return { histogram, drift };
}

/**
 * Equal bins of a "nice" width (1, 2 or 5 × 10^k) covering the values, at most about `bins` of
 * them; every value in exactly one bin [from, to), the last closed.
 */
export function histogramOf(values: readonly number[], bins: number): { from: number; to: number; count: number }[] {
  if (values.length === 0) return [];
  const lo = values.reduce((m, v) => Math.min(m, v), Infinity);
  const hi = values.reduce((m, v) => Math.max(m, v), -Infinity);
  const raw = (hi - lo) / bins || Math.abs(lo) / bins || 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 5, 10].map((m) => m * p).find((w) => w >= raw)!;
  const start = Math.floor(lo / width) * width;
  const n = Math.max(1, Math.floor((hi - start) / width) + 1);
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.max(0, Math.floor((v - start) / width)))]!++;
  return counts.map((count, k) => ({ from: start + k * width, to: start + (k + 1) * width, count }));
}
