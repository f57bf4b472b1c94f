/**
 * Markdown tables of bench results, for the terminal (`seqforge bench`) and bench/results.md.
 * Every table says that the counts are instructions (QEMU -icount), not cycles.
 */
import type { BenchResult } from "./bench-model.js";

export const COUNT_NOTE =
  "Instruction counts: instructions executed per step (step + output) under QEMU `-icount`, read with SysTick; " +
  "not cycles (QEMU does not model pipelines, wait states or memory timing).";

const n = (v: number) => v.toLocaleString("en-US");

/** A Markdown table; columns whose every cell is a figure are right-aligned. */
function table(header: string[], rows: string[][]): string {
  const numeric = (i: number) => rows.length > 0 && rows.every((r) => /^[\d–,.\s()+*-]+$/.test(r[i] ?? "") || r[i] === "–");
  const align = header.map((_, i) => (numeric(i) ? "---:" : "---"));
  return [header, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n") + "\n";
}

/** One row per target and model. */
export function resultsTable(results: readonly BenchResult[]): string {
  const header = [
    "target", "model", "scheme", "instructions/step", "min–max", "MACs/step", "instr/MAC",
    "flash B (const+code+library)", "RAM B (state+scratch)", "window B", "stack B",
  ];
  const rows = results.map((r) => [
    r.target,
    `${r.model} (${r.inputSize}→${r.hiddenSize}×${r.layers}→${r.outputSize}, ${r.mode})`,
    r.scheme,
    n(r.instructionsPerStep),
    `${n(r.minInstructionsPerStep)}–${n(r.maxInstructionsPerStep)}`,
    n(r.macsPerStep),
    r.instructionsPerMac.toFixed(2),
    `${n(r.flashBytes)} (${n(r.constBytes)}+${n(r.codeBytes)}+${n(r.libraryBytes)})`,
    `${n(r.ramBytes)} (${r.stateBytes}+${r.scratchBytes})`,
    n(r.windowBytes),
    n(r.stackBytes),
  ]);
  return table(header, rows);
}

/** The terminal form: the note, the table, and any disagreement between header and image. */
export function benchReport(results: readonly BenchResult[]): string {
  let out = `${COUNT_NOTE}\n\n${resultsTable(results)}`;
  const window = results.filter((r) => r.instructionsPerPrediction !== null);
  if (window.length) {
    out += `\nWindow mode: one prediction (reset, a full window of steps, output) costs ${window
      .map((r) => `${n(r.instructionsPerPrediction!)} instructions on ${r.target}`)
      .join(", ")}.\n`;
  }
  for (const r of results.filter((x) => x.predictionTooLong)) {
    const floor = Math.round(2 ** 24 * r.instructionsPerTick);
    out += `\nWindow mode on ${r.target}: one prediction takes over ${n(floor)} instructions, beyond the 24-bit SysTick counter; not counted (the per-step figures above are).\n`;
  }
  for (const r of results.filter((x) => !x.headerAgrees)) {
    out += `\nwarning: ${r.target}, ${r.model}: the header's figures disagree with the image: ${r.headerDisagreements.join("; ")}\n`;
  }
  return out;
}

export { table as markdownTable };
