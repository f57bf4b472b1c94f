/**
 * The quantization report `seqforge quantize` prints: per tensor, calibrated range, format and
 * saturations; against float on the calibration data and on --data: max abs error, RMSE, l2r,
 * cosine, task RMSE; after `--finetune`, what fine-tuning changed, against the original float
 * model. Plain text for a terminal (Markdown tables, readable in a CI log too).
 */
import type { ErrorMetrics, QuantModel } from "../model/quant-model-file.js";
import { CELLS } from "../model/cells.js";
import { proofTable, proveOverflow } from "./overflow.js";

const g = (v: number, p = 4) => (v === 0 ? "0" : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? v.toExponential(p - 1) : v.toPrecision(p));

function fmtName(f: { frac: number; bits: number } | null): string {
  return f ? `int${f.bits} Q${f.frac}` : "float32";
}

/** Against the ORIGINAL float model (its outputs, and the true targets for the task RMSE). */
export interface FineTuneComparison {
  /** The original model quantized (formats chosen on the calibration data). */
  before: ErrorMetrics;
  /** The fine-tuned float model. */
  tunedFloat: ErrorMetrics;
  /** The fine-tuned model quantized with the same formats: what the quantized file holds. */
  after: ErrorMetrics;
}

/** What `quantize --finetune` did (src/finetune/). */
export interface FineTuneSummary {
  epochs: number;
  keptEpoch: number;
  /** The rounded network's objective per epoch, on the training and validation parts (epoch 0: before fine-tuning). */
  lossHistory: { epoch: number; loss: number; valLoss: number | null }[];
  /** The float model fine-tuning started from, as given. */
  originalModel: string;
  calib: FineTuneComparison;
  data: FineTuneComparison | null;
}

export function quantReport(q: QuantModel, fineTune: FineTuneSummary | null = null): string {
  const a = q.architecture;
  const lines: string[] = [];
  lines.push(
    `scheme ${q.scheme}: ${a.cell} cell, ${a.layers} × ${a.hiddenSize} units, ${a.inputSize} in, ${a.outputSize} out, ${a.mode} mode (window ${a.window})`,
  );
  // The int8 activations chosen by calibration take headroom 1 (docs/fixed-point.md, formats).
  const int8 = q.scheme === "w8a8" ? ` (int8 ${CELLS[a.cell].boundedH ? "x" : "x and h"}: ×1)` : "";
  lines.push(`calibration: ${q.calibration.dataFile}, ${q.calibration.rows} rows, ${q.calibration.steps} steps, headroom ×${q.calibration.headroom}${int8}`);
  lines.push("");
  // "chosen by": the clipping rule whose format caused the least error (docs/fixed-point.md).
  lines.push("| tensor | calibrated min | calibrated max | format | chosen by | saturations (calib) | saturations (data) |");
  lines.push("| --- | ---: | ---: | --- | --- | ---: | ---: |");
  const dataSat = q.accuracy.data?.saturations ?? {};
  for (const t of q.calibration.tensors) {
    const sd = t.saturations === null ? "-" : String(dataSat[t.tensor] ?? "-");
    // An input column's tensor x[k] is named with its feature: each has its own format.
    const col = /^x\[(\d+)\]$/.exec(t.tensor);
    const name = col ? `${t.tensor} ${q.features[Number(col[1])] ?? ""}`.trim() : t.tensor;
    lines.push(`| ${name} | ${g(t.min)} | ${g(t.max)} | ${fmtName(t.format)} | ${t.method ?? "-"} | ${t.saturations ?? "-"} | ${q.accuracy.data ? sd : "-"} |`);
  }
  if (q.fixed) {
    lines.push("");
    lines.push(...proofTable(proveOverflow(q, q.fixed)));
  }
  lines.push("");
  lines.push(fineTune ? `against the fine-tuned float64 model this file was quantized from, ${q.source.modelFile} (normalised outputs):` : `against float64 (normalised outputs):`);
  lines.push("");
  lines.push("| data | predictions | max abs err | RMSE | l2r | cosine | task RMSE float | task RMSE quantized |");
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const row = (name: string, m: ErrorMetrics) =>
    `| ${name} | ${m.samples} | ${g(m.maxAbs)} | ${g(m.rmse)} | ${g(m.l2r)} | ${m.cosine.toFixed(7)} | ${m.taskRmseFloat === null ? "-" : g(m.taskRmseFloat)} | ${m.taskRmseQuant === null ? "-" : g(m.taskRmseQuant)} |`;
  lines.push(row(`calib (${q.calibration.dataFile})`, q.accuracy.calib));
  if (q.accuracy.data) lines.push(row(`data (${q.accuracy.dataFile})`, q.accuracy.data));
  if (fineTune) lines.push("", ...fineTuneLines(q, fineTune));
  return lines.join("\n") + "\n";
}

function fineTuneLines(q: QuantModel, f: FineTuneSummary): string[] {
  const first = f.lossHistory[0]!;
  const kept = f.lossHistory.find((r) => r.epoch === f.keptEpoch)!;
  const loss = (r: { loss: number; valLoss: number | null }) => `training ${g(r.loss)}${r.valLoss === null ? "" : `, validation ${g(r.valLoss)}`}`;
  const lines = [
    `fine-tuned for ${q.scheme} (rounded forward pass, straight-through gradients): ${f.epochs} epochs, kept epoch ${f.keptEpoch}${f.keptEpoch === 0 ? " (none improved the rounded validation loss: the weights are the original's)" : ""}`,
    `rounded network's loss: ${loss(first)} before; ${loss(kept)} at the kept epoch`,
    "",
    `against the original float64 model, ${f.originalModel} (normalised outputs; task RMSE against the true targets):`,
    "",
    "| data | model | max abs err | RMSE | l2r | task RMSE |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  const task = (v: number | null) => (v === null ? "-" : g(v));
  const rows = (name: string, c: FineTuneComparison) => [
    `| ${name} | float64, original | 0 | 0 | 0 | ${task(c.before.taskRmseFloat)} |`,
    ...([["quantized before", c.before], ["float64, fine-tuned", c.tunedFloat], ["quantized after", c.after]] as const).map(
      ([model, m]) => `| ${name} | ${model} | ${g(m.maxAbs)} | ${g(m.rmse)} | ${g(m.l2r)} | ${task(m.taskRmseQuant)} |`,
    ),
  ];
  lines.push(...rows("calib", f.calib));
  if (f.data) lines.push(...rows(`data (${q.accuracy.dataFile})`, f.data));
  return lines;
}
