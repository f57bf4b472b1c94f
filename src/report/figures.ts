/**
 * The report's figures as Vega-Lite specifications, each with the table of the numbers it plots:
 * both are made from the same records of ReportData (./collect.ts), so the table under a plot is
 * exactly what was drawn. Rendering is ./render.ts's; the layout of the page ./page.ts's.
 */
import type { TopLevelSpec } from "vega-lite";
import type { ReportData, SectionId } from "./collect.js";

export type Cell = string | number | null;

export interface Figure {
  /** Unique on the page (the <figure>'s data-figure). */
  id: string;
  title: string;
  /** One or two sentences under the plot: what is drawn, in which units. */
  caption: string;
  spec: TopLevelSpec;
  table: { columns: string[]; rows: Cell[][] };
}

/** The page's sections, in order; a section's figures may be none (with notes saying why). */
export const SECTION_TITLES: Record<SectionId, string> = {
  summary: "1. Summary",
  training: "2. Training curve",
  predictions: "3. Predictions over time",
  errors: "4. Quantization error",
  tensors: "5. Tensors: ranges and saturation",
  targets: "6. Cost per target",
};

const WIDTH = 820;
/** The width of each of `n` plots side by side (a facet column per target), within the page's width. */
function columnWidth(total: number, n: number): number {
  return Math.floor((total - 50 * (n - 1)) / n);
}

/** Predictions per panel of the predictions plot (a static page has no brush: the time axis is cut into panels). */
export const PANEL_LENGTH = 120;

/** Applied to every plot: one font (the browser's sans-serif, nothing fetched), a quiet frame. */
const CONFIG = {
  font: "sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#eee" },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: "top" },
  header: { labelFontSize: 12, titleFontSize: 12 },
} as const;

/** Colours from the Tableau 10 scheme (Vega's default): one per role, the same in every plot. */
const PALETTE = ["#4c78a8", "#f58518", "#e45756", "#54a24b", "#b279a2", "#9d755d", "#eeca3b", "#72b7b2", "#ff9da6", "#bab0ac"];
const TRUTH_COLOR = "#333333";
const BASELINE_COLOR = "#bab0ac";
const FLOAT_COLOR = "#4c78a8";
/** A quantized model's simulator, by its place among the files given. */
const SCHEME_COLORS = ["#f58518", "#e45756", "#b279a2", "#9d755d"];
/** The C's outputs on each target, each model's in turn. */
const C_COLORS = ["#54a24b", "#72b7b2", "#eeca3b", "#ff9da6", "#79706e", "#d67195"];

const pick = (colors: readonly string[], k: number) => colors[k % colors.length]!;

/** The colour scale of the field that holds model labels (schemes). */
function schemeScale(r: ReportData): { domain: string[]; range: string[] } {
  const labels = r.models.map((m) => m.label);
  return { domain: labels, range: labels.map((_, k) => pick(SCHEME_COLORS, k)) };
}

function spec(s: Record<string, unknown>): TopLevelSpec {
  return { config: CONFIG, ...s } as TopLevelSpec;
}

/** Rounds for a table cell: 6 significant digits, integers kept. */
function num(v: number | null): Cell {
  if (v === null) return null;
  return Number.isInteger(v) ? v : Number(v.toPrecision(6));
}

export function figuresOf(r: ReportData): Record<SectionId, Figure[]> {
  return {
    summary: [headlineFigure(r)],
    training: r.training ? [trainingFigure(r)] : [],
    predictions: [predictionsFigure(r), residualsFigure(r)],
    errors: [histogramFigure(r), driftFigure(r)],
    tensors: r.tensors.length ? [rangesFigure(r), saturationsFigure(r)] : [],
    targets: r.bench.length ? [instructionsFigure(r), flashFigure(r), ramFigure(r)] : [],
  };
}

function headlineFigure(r: ReportData): Figure {
  const horizon = r.floatModel.architecture.horizon;
  const values = r.headline.map((h) => ({ ...h, text: h.rmse.toPrecision(4) }));
  const order = [...new Set(r.headline.map((h) => h.predictor))];
  const schemes = schemeScale(r);
  const colors = order.map((p) => (p === "float64" ? FLOAT_COLOR : schemes.domain.includes(p) ? schemes.range[schemes.domain.indexOf(p)]! : BASELINE_COLOR));
  const y = { field: "predictor", type: "nominal", sort: order, title: null };
  return {
    id: "headline",
    title: "Task error: RMSE of each predictor against the data",
    caption: [
      `Root-mean-square error against the true target on ${r.data.file}, in the target's units, over the ${r.headline[0]?.count ?? 0} predictions every predictor makes.`,
      horizon > 0 ? `Persistence predicts the value ${horizon} row${horizon > 1 ? "s" : ""} earlier.` : "",
      "fittedOn" in r.baseline ? "The linear baseline is described above." : "",
      "The quantized models are their simulators (equal to the C wherever verification passed).",
    ].filter(Boolean).join(" "),
    spec: spec({
      data: { values },
      facet: { column: { field: "target", title: null } },
      spec: {
        width: columnWidth(WIDTH - 120, r.floatModel.targets.length),
        layer: [
          { mark: "bar", encoding: { y, x: { field: "rmse", type: "quantitative", title: "RMSE" }, color: { field: "predictor", type: "nominal", legend: null, scale: { domain: order, range: colors } } } },
          { mark: { type: "text", align: "left", dx: 4 }, encoding: { y, x: { field: "rmse", type: "quantitative" }, text: { field: "text" } } },
        ],
      },
    }),
    table: {
      columns: ["target", "predictor", "RMSE", "MAE", "predictions"],
      rows: r.headline.map((h) => [h.target, h.predictor, num(h.rmse), num(h.mae), h.count]),
    },
  };
}

function trainingFigure(r: ReportData): Figure {
  const t = r.training!;
  const values = t.history.flatMap((e) => [
    { epoch: e.epoch, curve: "training", loss: e.loss },
    ...(e.valLoss === null ? [] : [{ epoch: e.epoch, curve: "validation", loss: e.valLoss }]),
  ]);
  const best = t.history.find((e) => e.epoch === t.bestEpoch);
  const lossName = r.floatModel.loss ? `loss (${r.floatModel.loss}, normalised units)` : "loss";
  const layer: unknown[] = [
    {
      mark: { type: "line", point: { size: 18 } },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: "epoch" },
        y: { field: "loss", type: "quantitative", title: lossName, scale: { type: "log" } },
        color: { field: "curve", type: "nominal", title: null, scale: { domain: ["training", "validation"], range: [FLOAT_COLOR, PALETTE[1]] } },
      },
    },
  ];
  if (best) {
    layer.push(
      { data: { values: [best] }, mark: { type: "rule", strokeDash: [4, 3], color: "#888" }, encoding: { x: { field: "epoch", type: "quantitative" } } },
      {
        data: { values: [{ ...best, text: `best epoch ${best.epoch}` }] },
        mark: { type: "text", align: "left", dx: 4, dy: -6, color: "#555" },
        encoding: { x: { field: "epoch", type: "quantitative" }, y: { field: best.valLoss === null ? "loss" : "valLoss", type: "quantitative" }, text: { field: "text" } },
      },
    );
  }
  return {
    id: "training",
    title: "Training and validation loss per epoch",
    caption: `The loss the trainer recorded per epoch (log scale)${best ? `; the dashed line marks the best epoch, ${best.epoch}, whose weights the model keeps` : ""}.`,
    spec: spec({ width: WIDTH, height: 240, data: { values }, layer }),
    table: {
      columns: ["epoch", "training loss", "validation loss", "best"],
      rows: t.history.map((e) => [e.epoch, num(e.loss), num(e.valLoss), e.epoch === t.bestEpoch ? "best" : ""]),
    },
  };
}

/** Line names in drawing order and a colour each: truth, float64, then per model its simulator (its scheme's colour) and each C run. */
function lineColors(r: ReportData): { domain: string[]; range: string[] } {
  const lines = r.predictions.targets[0]!.lines;
  let simulators = 0;
  let cRuns = 0;
  const range = lines.map((l) =>
    l.kind === "truth" ? TRUTH_COLOR : l.kind === "float" ? FLOAT_COLOR : l.kind === "simulator" ? pick(SCHEME_COLORS, simulators++) : pick(C_COLORS, cRuns++),
  );
  return { domain: lines.map((l) => l.name), range };
}

function predictionsFigure(r: ReportData): Figure {
  const p = r.predictions;
  const n = p.rows.length;
  const panels = Math.max(1, Math.ceil(n / PANEL_LENGTH));
  const size = Math.ceil(n / panels);
  const panelOf = (k: number) => {
    const first = Math.floor(k / size) * size;
    return `rows ${p.rows[first]}–${p.rows[Math.min(n, first + size) - 1]}`;
  };
  const values = p.targets.flatMap(({ target, lines }) =>
    lines.flatMap((l) => l.values.flatMap((v, k) => (v === null ? [] : [{ target, series: l.name, kind: l.kind, row: p.rows[k]!, value: v, panel: panelOf(k), order: Math.floor(k / size) }]))),
  );
  const color = { field: "series", type: "nominal", title: null, scale: lineColors(r) };
  const x = { field: "row", type: "quantitative", title: "data row", scale: { zero: false, nice: false } };
  const y = { field: "value", type: "quantitative", title: p.targets.length === 1 ? p.targets[0]!.target : "value", scale: { zero: false } };
  const facet: Record<string, unknown> = { row: { field: "panel", title: null, sort: { field: "order" } } };
  if (p.targets.length > 1) facet.column = { field: "target", title: null };
  const cRuns = p.targets[0]!.lines.filter((l) => l.kind === "c").map((l) => l.name);
  return {
    id: "predictions",
    title: "Truth, float64, the fixed-point simulator and the C, on one time axis",
    caption: `Each panel is a stretch of ${size} predictions. Lines: the true value, the float64 model and the fixed-point simulator; dots: the outputs the generated code wrote on each target (${cRuns.join(", ") || "none"}), which sit on the simulator's line wherever verification is bit-exact.`,
    spec: spec({
      data: { values },
      facet,
      resolve: { scale: { x: "independent" } },
      spec: {
        width: columnWidth(WIDTH, p.targets.length),
        height: 150,
        layer: [
          { transform: [{ filter: "datum.kind !== 'c'" }], mark: { type: "line", strokeWidth: 1.3 }, encoding: { x, y, color, detail: { field: "series" } } },
          { transform: [{ filter: "datum.kind === 'c'" }], mark: { type: "point", filled: true, size: 14 }, encoding: { x, y, color } },
        ],
      },
    }),
    table: predictionTable(r),
  };
}

/** One row per prediction (and target): every line's value. */
function predictionTable(r: ReportData): Figure["table"] {
  const p = r.predictions;
  const multi = p.targets.length > 1;
  const names = p.targets[0]!.lines.map((l) => l.name);
  return {
    columns: ["row", ...(multi ? ["target"] : []), ...names],
    rows: p.targets.flatMap(({ target, lines }) => p.rows.map((j, k) => [j, ...(multi ? [target] : []), ...lines.map((l) => num(l.values[k]!))])),
  };
}

function residualsFigure(r: ReportData): Figure {
  const p = r.predictions;
  const rows: { target: string; series: string; row: number; residual: number }[] = [];
  for (const { target, lines } of p.targets) {
    const truth = lines.find((l) => l.kind === "truth")!;
    for (const l of lines.filter((x) => x.kind === "float" || x.kind === "simulator")) {
      l.values.forEach((v, k) => rows.push({ target, series: l.name, row: p.rows[k]!, residual: v! - truth.values[k]! }));
    }
  }
  const names = [...new Set(rows.map((x) => x.series))];
  const colors = lineColors(r);
  return {
    id: "residuals",
    title: "Residuals: prediction minus truth",
    caption: "The float64 model's and each simulator's error against the true value at every prediction, in the target's units; the two lines differ only by the quantization error of section 4.",
    spec: spec({
      data: { values: rows },
      facet: { row: { field: "target", title: null } },
      spec: {
        width: WIDTH,
        height: 180,
        mark: { type: "line", strokeWidth: 1 },
        encoding: {
          x: { field: "row", type: "quantitative", title: "data row", scale: { zero: false, nice: false } },
          y: { field: "residual", type: "quantitative", title: "prediction − truth" },
          color: { field: "series", type: "nominal", title: null, scale: { domain: names, range: names.map((n) => colors.range[colors.domain.indexOf(n)]!) } },
        },
      },
    }),
    table: { columns: ["target", "series", "row", "prediction − truth"], rows: rows.map((x) => [x.target, x.series, x.row, num(x.residual)]) },
  };
}

function histogramFigure(r: ReportData): Figure {
  const bins = r.errors.histogram;
  return {
    id: "error-histogram",
    title: "Distribution of the quantization error (simulator − float64)",
    caption: "Histogram of the fixed-point simulator's output minus the float64 model's, per prediction, in the target's units (the C's outputs equal the simulator's where verification passed).",
    spec: spec({
      data: { values: bins },
      facet: { column: { field: "target", title: null } },
      spec: {
        width: columnWidth(WIDTH - 40, r.floatModel.targets.length),
        height: 200,
        mark: { type: "bar", opacity: 0.75, binSpacing: 1 },
        encoding: {
          x: { field: "from", type: "quantitative", bin: { binned: true }, title: "simulator − float64" },
          x2: { field: "to" },
          y: { field: "count", type: "quantitative", title: "predictions", stack: null },
          color: { field: "model", type: "nominal", title: "scheme", scale: schemeScale(r) },
        },
      },
    }),
    table: { columns: ["scheme", "target", "from", "to", "predictions"], rows: bins.map((b) => [b.model, b.target, num(b.from), num(b.to), b.count]) },
  };
}

function driftFigure(r: ReportData): Figure {
  const a = r.floatModel.architecture;
  const axis = a.mode === "window" ? "window index (each window starts from a reset state)" : "stream step (the state carried from the first row)";
  const d = r.errors.drift;
  const x = { field: "index", type: "quantitative", title: axis, scale: { nice: false } };
  const color = { field: "model", type: "nominal", title: "scheme", scale: schemeScale(r) };
  return {
    id: "error-drift",
    title: "Quantization error along the sequence",
    caption: `Dots: simulator − float64 at each prediction; line: its RMS over the last ${r.errors.driftWindow} predictions. An error that grows with the index is drift${a.mode === "window" ? " (none is possible in window mode, which resets the state for every prediction)" : ""}.`,
    spec: spec({
      data: { values: d },
      facet: { row: { field: "target", title: null } },
      spec: {
        width: WIDTH,
        height: 200,
        layer: [
          { mark: { type: "point", filled: true, size: 10, opacity: 0.5 }, encoding: { x, y: { field: "error", type: "quantitative", title: "simulator − float64" }, color } },
          { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y: { field: "rollingRms", type: "quantitative" }, color } },
        ],
      },
    }),
    table: { columns: ["scheme", "target", "index", "simulator − float64", `rolling RMS (${r.errors.driftWindow})`], rows: d.map((p) => [p.model, p.target, p.index, num(p.error), num(p.rollingRms)]) },
  };
}

/** 1.09, 2.47, 7,373: three significant digits, never an exponent. */
function headroom(h: number): string {
  return h >= 100 ? Math.round(h).toLocaleString("en-US") : h.toPrecision(3);
}

function rangesFigure(r: ReportData): Figure {
  const values = r.tensors.flatMap((t) => [
    { ...t, what: "format's range", magnitude: t.formatMax, text: "" },
    { ...t, what: `calibrated (${t.model})`, magnitude: t.peak, text: t.peak > 0 ? `×${headroom(t.formatMax / t.peak)} headroom` : "" },
  ]);
  const order = [...new Set(r.tensors.map((t) => t.tensor))];
  const y = { field: "tensor", type: "nominal", sort: order, title: null };
  const multi = new Set(r.tensors.map((t) => t.model)).size > 1;
  // The domain given, not gathered from each layer's filtered data (whose sorts Vega-Lite would have to reconcile).
  const yOffset = multi ? { yOffset: { field: "model", type: "nominal", scale: { domain: schemeScale(r).domain } } } : {};
  // Log scale from a power of ten below the smallest magnitude (bars start there, not at 0) to one above the largest.
  const magnitudes = r.tensors.flatMap((t) => [t.peak, t.formatMax]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...magnitudes) / 2));
  const hi = Math.ceil(Math.log10(Math.max(...magnitudes)));
  const decades = Array.from({ length: hi - lo + 1 }, (_, k) => 10 ** (lo + k));
  const x = { field: "magnitude", type: "quantitative", title: "largest magnitude (log scale)", scale: { type: "log", domain: [decades[0], decades.at(-1)] }, axis: { values: decades, format: "~g" } };
  const x2 = { datum: decades[0] };
  return {
    id: "tensor-ranges",
    title: "Calibrated range of each tensor against its format's range",
    caption: "Grey: the largest magnitude each tensor's fixed-point format holds (per scheme: the formats differ); coloured: the largest magnitude calibration saw (log scale). The gap is the headroom before saturation.",
    spec: spec({
      width: WIDTH - 100,
      height: { step: multi ? 14 * new Set(r.tensors.map((t) => t.model)).size : 20 },
      data: { values },
      layer: [
        { transform: [{ filter: "datum.what === \"format's range\"" }], mark: { type: "bar", color: "#ddd", height: { band: 0.9 } }, encoding: { y, x, x2, ...yOffset } },
        {
          transform: [{ filter: "datum.what !== \"format's range\"" }],
          mark: { type: "bar", height: { band: 0.5 } },
          encoding: { y, x, x2, ...yOffset, color: { field: "model", type: "nominal", title: "scheme", scale: schemeScale(r) } },
        },
        { transform: [{ filter: "datum.what !== \"format's range\"" }], mark: { type: "text", align: "left", dx: 4, fontSize: 10 }, encoding: { y, x, ...yOffset, text: { field: "text" } } },
      ],
    }),
    table: {
      columns: ["scheme", "tensor", "calibrated min", "calibrated max", "format", "format's largest magnitude", "headroom"],
      rows: r.tensors.map((t) => [t.model, t.tensor, num(t.min), num(t.max), t.format, num(t.formatMax), t.peak > 0 ? num(t.formatMax / t.peak) : null]),
    },
  };
}

function saturationsFigure(r: ReportData): Figure {
  const s = r.saturations;
  const order = [...new Set(s.map((x) => x.tensor))];
  const y = { field: "tensor", type: "nominal", sort: order, title: null };
  const yOffset = { field: "data", type: "nominal", sort: ["calibration", "this data"] };
  // At least 0…1, so that a model that never saturates still gets an axis (and its 0 labels).
  const x = { field: "count", type: "quantitative", title: "saturations", scale: { domain: [0, Math.max(1, ...s.map((c) => c.count))] }, axis: { tickMinStep: 1 } };
  return {
    id: "saturations",
    title: "Saturations per tensor",
    caption: `How often each tensor that can saturate was clamped to its format's limit by the simulator: over the calibration data (counted when quantizing) and over ${r.data.file}. The number is written beside each bar, also when it is 0.`,
    spec: spec({
      data: { values: s },
      facet: { column: { field: "model", title: null } },
      spec: {
        width: columnWidth(WIDTH - 60, new Set(s.map((x) => x.model)).size),
        height: { step: 22 },
        layer: [
          { mark: "bar", encoding: { y, yOffset, x, color: { field: "data", type: "nominal", title: null, scale: { domain: ["calibration", "this data"], range: [PALETTE[0], PALETTE[1]] } } } },
          { mark: { type: "text", align: "left", dx: 4, fontSize: 10 }, encoding: { y, yOffset, x, text: { field: "count" } } },
        ],
      },
    }),
    table: { columns: ["scheme", "tensor", "data", "saturations"], rows: s.map((x) => [x.model, x.tensor, x.data, x.count]) },
  };
}

/** `cortex-m4`, or `cortex-m4 · w8a16` when several schemes are benched. */
function benchLabels(r: ReportData): string[] {
  const multi = new Set(r.bench.map((b) => b.label)).size > 1;
  return r.bench.map((b) => (multi ? `${b.target} · ${b.label}` : b.target));
}

function instructionsFigure(r: ReportData): Figure {
  const labels = benchLabels(r);
  const values = r.bench.map((b, k) => ({ who: labels[k], instructions: b.instructionsPerStep, text: b.instructionsPerStep.toLocaleString("en-US") }));
  const y = { field: "who", type: "nominal", sort: labels, title: null };
  return {
    id: "instructions",
    title: "Instructions per step",
    caption: "Instructions executed per step (step + output) under QEMU -icount, read with the target's counter: instruction counts, not cycles (QEMU models no pipeline, wait states or memory timing).",
    spec: spec({
      width: WIDTH - 120,
      height: { step: 24 },
      data: { values },
      layer: [
        { mark: { type: "bar", color: PALETTE[0] }, encoding: { y, x: { field: "instructions", type: "quantitative", title: "instructions per step" } } },
        { mark: { type: "text", align: "left", dx: 4 }, encoding: { y, x: { field: "instructions", type: "quantitative" }, text: { field: "text" } } },
      ],
    }),
    table: {
      columns: ["target", "scheme", "instructions per step", "min", "max", "MACs per step", "instructions per MAC", "per prediction (window)"],
      rows: r.bench.map((b) => [b.target, b.label, b.instructionsPerStep, b.minInstructionsPerStep, b.maxInstructionsPerStep, b.macsPerStep, b.instructionsPerMac, b.instructionsPerPrediction]),
    },
  };
}

function flashFigure(r: ReportData): Figure {
  const labels = benchLabels(r);
  const parts = ["constants", "code", "library"] as const;
  const values = r.bench.flatMap((b, k) => [b.constBytes, b.codeBytes, b.libraryBytes].map((bytes, p) => ({ who: labels[k], section: parts[p], p, bytes })));
  const totals = r.bench.map((b, k) => ({ who: labels[k], bytes: b.flashBytes, text: `${b.flashBytes.toLocaleString("en-US")} B` }));
  const y = { field: "who", type: "nominal", sort: labels, title: null };
  return {
    id: "flash",
    title: "Flash by section",
    caption: "Bytes of flash from the linker map: the model's constant data (weights, biases, multipliers), its code, and what it uses outside its object once per image (the nonlinearity table, any C library routine).",
    spec: spec({
      width: WIDTH - 120,
      height: { step: 24 },
      layer: [
        {
          data: { values },
          mark: "bar",
          encoding: {
            y,
            x: { field: "bytes", type: "quantitative", title: "bytes", stack: "zero" },
            color: { field: "section", type: "nominal", title: null, sort: [...parts], scale: { domain: [...parts], range: [PALETTE[0], PALETTE[1], PALETTE[3]] } },
            order: { field: "p", sort: "ascending" },
          },
        },
        { data: { values: totals }, mark: { type: "text", align: "left", dx: 4 }, encoding: { y, x: { field: "bytes", type: "quantitative" }, text: { field: "text" } } },
      ],
    }),
    table: {
      columns: ["target", "scheme", "flash", "constants", "code", "library", "library routines"],
      rows: r.bench.map((b) => [b.target, b.label, b.flashBytes, b.constBytes, b.codeBytes, b.libraryBytes, b.libraryRoutines.join(", ") || "none"]),
    },
  };
}

function ramFigure(r: ReportData): Figure {
  const labels = benchLabels(r);
  const parts = ["state", "scratch", "window", "stack"] as const;
  const values = r.bench.flatMap((b, k) =>
    [b.stateBytes, b.scratchBytes, b.windowBytes, b.stackBytes].map((bytes, p) => ({ who: labels[k], part: parts[p], bytes })),
  );
  const y = { field: "who", type: "nominal", sort: labels, title: null };
  const yOffset = { field: "part", type: "nominal", sort: [...parts] };
  return {
    id: "ram",
    title: "RAM: state, scratch, window buffer and stack",
    caption: "Bytes: the state struct the caller keeps, the step's scratch (on the stack, so inside the stack figure), the window ring buffer (window mode), and the deepest stack of one step + output, measured by painting the stack.",
    spec: spec({
      width: WIDTH - 120,
      height: { step: 60 },
      data: { values },
      layer: [
        { mark: "bar", encoding: { y, yOffset, x: { field: "bytes", type: "quantitative", title: "bytes" }, color: { field: "part", type: "nominal", title: null, sort: [...parts], scale: { domain: [...parts], range: [PALETTE[0], PALETTE[1], PALETTE[4], PALETTE[3]] } } } },
        { mark: { type: "text", align: "left", dx: 4, fontSize: 10 }, encoding: { y, yOffset, x: { field: "bytes", type: "quantitative" }, text: { field: "bytes" } } },
      ],
    }),
    table: {
      columns: ["target", "scheme", "state", "scratch", "window", "stack", "RAM (state + scratch)"],
      rows: r.bench.map((b) => [b.target, b.label, b.stateBytes, b.scratchBytes, b.windowBytes, b.stackBytes, b.ramBytes]),
    },
  };
}
