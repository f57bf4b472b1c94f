/**
 * Markdown tables of bench results, for the terminal (`seqforge bench`), bench/results.md and
 * bench/ts.md. Every table says what its figures are: instructions under QEMU (-icount), not
 * cycles; steps per second of the TypeScript module, timings on a given machine and load.
 */
import type { BenchResult } from "./bench-model.js";
import type { NodeBenchResult } from "./node-bench.js";

export const COUNT_NOTE =
  "Instruction counts: instructions executed per step (step + output) under QEMU `-icount`, read with SysTick; " +
  "not cycles (QEMU does not model pipelines, wait states or memory timing).";

const n = (v: number) => v.toLocaleString("en-US");

/** A Markdown table; columns whose every cell is a figure are right-aligned. */
function table(header: string[], rows: string[][]): string {
  const numeric = (i: number) => rows.length > 0 && rows.every((r) => /^[\d–,.\s()+*×-]+$/.test(r[i] ?? "") || r[i] === "–");
  const align = header.map((_, i) => (numeric(i) ? "---:" : "---"));
  return [header, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n") + "\n";
}

/** One row per target and model. */
export function resultsTable(results: readonly BenchResult[]): string {
  const header = [
    "target", "model", "optimize", "scheme", "instructions/step", "min–max", "MACs/step", "instr/MAC",
    "flash B (const+code+library)", "RAM B in step (state+scratch+other stack)", "window B", "stack B (step+output)",
  ];
  const rows = results.map((r) => [
    r.target,
    `${r.model} (${r.inputSize}→${r.hiddenSize}×${r.layers}→${r.outputSize}, ${r.mode})`,
    r.optimize,
    r.scheme,
    n(r.instructionsPerStep),
    `${n(r.minInstructionsPerStep)}–${n(r.maxInstructionsPerStep)}`,
    n(r.macsPerStep),
    r.instructionsPerMac.toFixed(2),
    `${n(r.flashBytes)} (${n(r.constBytes)}+${n(r.codeBytes)}+${n(r.libraryBytes)})`,
    `${n(r.stepRamBytes)} (${r.stateBytes}+${r.scratchBytes}+${r.stepStackBytes - r.scratchBytes})`,
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

/** What the node target's figures are, with the conditions of `results` (one Node, one bench run). */
export function nodeNote(results: readonly NodeBenchResult[]): string {
  const r = results[0];
  const loads = results.map((x) => x.loadAverage);
  const conditions = r
    ? ` on Node ${r.node}; the median of ${r.rounds} rounds of ${r.roundMs} ms of CPU time each, module and simulator alternating; ` +
      `load average ${Math.min(...loads).toFixed(1)}${loads.length > 1 ? `–${Math.max(...loads).toFixed(1)}` : ""} when each model started`
    : "";
  return (
    "Steps per second of CPU time (one step + output each) of the generated TypeScript module and of seqforge's simulator (src/quant), " +
    `in one process on the same inputs${conditions}. Timings, not counts: they vary with the machine, and somewhat with its load.`
  );
}

/** One row per node target and model. */
export function nodeResultsTable(results: readonly NodeBenchResult[]): string {
  const header = ["target", "model", "scheme", "MACs/step", "module steps/s", "simulator steps/s", "module / simulator"];
  const rows = results.map((r) => [
    r.target,
    `${r.model} (${r.inputSize}→${r.hiddenSize}×${r.layers}→${r.outputSize}, ${r.mode})`,
    r.scheme,
    n(r.macsPerStep),
    n(r.moduleStepsPerSecond),
    n(r.simulatorStepsPerSecond),
    `${r.speedup.toFixed(1)}×`,
  ]);
  return table(header, rows);
}

/** The terminal form for the node target. */
export function nodeBenchReport(results: readonly NodeBenchResult[]): string {
  return `${nodeNote(results)}\n\n${nodeResultsTable(results)}`;
}

export { table as markdownTable };
