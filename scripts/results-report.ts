/**
 * bench/results.md and the figures beside the table: CMSIS-NN's counts next to ours, and the size
 * goal for model M. Pure formatting of BenchResult rows.
 */
import type { BenchResult } from "../src/bench/bench-model.js";
import { SIZE_GOAL, type CmsisNnBench } from "./cmsis-reference.js";
import { COUNT_NOTE, markdownTable, resultsTable } from "../src/bench/report.js";

/** A size-goal row: the bench figures of model M on one target (flashBytes being what the goal is checked against). */
export interface GoalCheck extends Pick<BenchResult, "target" | "flashBytes" | "constBytes" | "codeBytes" | "libraryBytes" | "libraryRoutines" | "ramBytes" | "stepRamBytes"> {
  flashMet: boolean;
  ramMet: boolean;
  /** The step's whole RAM (state + its deepest stack, scratch inside) against STEP_RAM_GOAL; null on a core the goal does not name. */
  stepRamMet: boolean | null;
}

/**
 * The issue's RAM goal counted honestly: state + scratch + the rest of the step's stack, for
 * model M on Cortex-M4 (issue 11).
 */
export const STEP_RAM_GOAL = { model: "M", target: "cortex-m4", bytes: 320 } as const;

/** The size goal is checked on the size-optimised builds (all rows when none is marked size). */
export function sizeGoalChecks(results: readonly BenchResult[]): GoalCheck[] {
  const sized = results.some((r) => r.optimize === "size") ? results.filter((r) => r.optimize === "size") : results;
  return sized
    .filter((r) => r.model === `ref_${SIZE_GOAL.model.toLowerCase()}`)
    .map((r) => ({
      target: r.target,
      flashBytes: r.flashBytes,
      constBytes: r.constBytes,
      codeBytes: r.codeBytes,
      libraryBytes: r.libraryBytes,
      libraryRoutines: r.libraryRoutines,
      ramBytes: r.ramBytes,
      stepRamBytes: r.stepRamBytes,
      flashMet: r.flashBytes <= SIZE_GOAL.flashBytes,
      ramMet: r.ramBytes <= SIZE_GOAL.ramBytes,
      stepRamMet: r.target === STEP_RAM_GOAL.target ? r.stepRamBytes <= STEP_RAM_GOAL.bytes : null,
    }));
}

/**
 * seqforge's step beside CMSIS-NN's, per target, from bench/cmsis-nn.json (scripts/bench-cmsis-nn.sh):
 * both the LSTM layer's step alone (CMSIS-NN's LSTM has no dense head, so seqforge's `step`
 * without `output`), with the commit and date the CMSIS-NN rows were measured at. Without the
 * file, a line saying how to measure them.
 */
export function comparisonTable(results: readonly BenchResult[], cmsis: CmsisNnBench | null): string {
  if (cmsis === null) {
    return "Not measured here: `scripts/bench-cmsis-nn.sh CMSIS_NN_DIR` builds ARM CMSIS-NN's arm_lstm_unidirectional_s8 and _s16 from a CMSIS-NN checkout " +
      "and measures them with this harness (bench/cmsis-nn.json, bench/cmsis-nn.md); this table then shows them beside seqforge's step.\n";
  }
  const n = (v: number | undefined) => (v === undefined ? "–" : v.toLocaleString("en-US"));
  const sizes = ["S", "M", "L"];
  const ours = (target: string, size: string) => results.find((r) => r.target === target && r.model === `ref_${size.toLowerCase()}` && r.optimize !== "size");
  const rows: string[][] = [];
  for (const target of [...new Set(cmsis.results.map((c) => c.target))]) {
    rows.push([target, "seqforge w8a16, `step`", "int16", ...sizes.map((s) => n(ours(target, s)?.stepInstructions))]);
    for (const kernel of ["s8", "s16"] as const) {
      const mine = cmsis.results.filter((c) => c.target === target && c.kernel === kernel);
      if (mine.length === 0) continue;
      rows.push([
        target, `CMSIS-NN ${mine[0]!.function} (${mine[0]!.path})`, kernel === "s8" ? "int8" : "int16",
        ...sizes.map((s) => n(mine.find((c) => c.model === s)?.instructionsPerStep)),
      ]);
    }
  }
  const c = cmsis.cmsisNN;
  return (
    `CMSIS-NN rows measured ${cmsis.meta.date} by \`scripts/bench-cmsis-nn.sh\` at CMSIS-NN ${c.commit.slice(0, 12)}${c.localChanges ? " (with local changes)" : ""} ` +
    "(bench/cmsis-nn.md has its flash, RAM and the check of every run against float64). Instructions of one LSTM step, the dense head left out on both sides; " +
    "the weights are int8 on both, the activations x and h as the column says (CMSIS-NN's gates and cell are int16, as seqforge's).\n\n" +
    markdownTable(["target", "code", "x, h", "S", "M", "L"], rows)
  );
}

/** Per target: the speed build's counts for S, M, L beside the size build's, and M's flash in each. */
export function speedSizeTable(results: readonly BenchResult[]): string {
  const n = (v: number | undefined) => (v === undefined ? "–" : v.toLocaleString("en-US"));
  const get = (target: string, size: string, optimize: string) =>
    results.find((r) => r.target === target && r.model === `ref_${size.toLowerCase()}` && r.optimize === optimize);
  const rows = [...new Set(results.map((r) => r.target))].map((t) => [
    t,
    ...["S", "M", "L"].flatMap((s) => [n(get(t, s, "speed")?.instructionsPerStep), n(get(t, s, "size")?.instructionsPerStep)]),
    n(get(t, "M", "speed")?.flashBytes),
    n(get(t, "M", "size")?.flashBytes),
  ]);
  return markdownTable(["target", "S speed", "S size", "M speed", "M size", "L speed", "L size", "M flash B speed", "M flash B size"], rows);
}

export function resultsMarkdown(
  results: readonly BenchResult[],
  meta: { compiler: string; qemu: string; seed: number },
  factors: Record<string, number>,
  cmsis: CmsisNnBench | null,
): string {
  const goals = sizeGoalChecks(results);
  const yes = (b: boolean) => (b ? "met" : "**not met**");
  return [
    "# seqforge bench: reference LSTM models on Cortex-M under QEMU",
    "",
    COUNT_NOTE,
    "",
    `Reference models: one standard LSTM layer and a dense head with one output, w8a16, stream mode, random weights (seed ${meta.seed}), quantized with seeded random calibration inputs. ` +
      "S: input 3, hidden 16; M: input 8, hidden 32; L: input 40, hidden 64. Each target twice: generated and built for speed (`--optimize speed`: -O2, the dot products unrolled for the model's sizes where the core profits) and for size (`--optimize size`: -Os, compact kernels); both with -Wall -Wextra -Wpedantic -Wconversion -Werror. " +
      `Per step = the mean of ${results[0]?.steps ?? 32} steps of ${"`step` + `output`"} from a reset state; flash = the model's constant data + its code + what it uses outside them, once per image: the seqforge runtime's 1,026-byte nonlinearity table and the C library routines it calls ` +
      "(libgcc/newlib, e.g. the 64-bit multiply on Cortex-M0), all from the linker map; RAM in step = state + the step's scratch + the rest of its stack (the deepest stack of `step` alone, by stack painting, holds the scratch); stack = the deepest stack of `step` + `output`.",
    "",
    resultsTable(results),
    "## Speed and size builds side by side (instructions per step; model M's flash, const + code + library)",
    "",
    speedSizeTable(results),
    "## Against ARM CMSIS-NN (instructions per LSTM step, the same harness and count)",
    "",
    comparisonTable(results, cmsis),
    `## Size goal for M in stream mode (the size-optimised build): flash (const + code + library) ≤ ${SIZE_GOAL.flashBytes.toLocaleString("en-US")} bytes, RAM (state + scratch) ≤ ${SIZE_GOAL.ramBytes} bytes; ` +
      `RAM in step (state + the step's deepest stack, scratch inside it) ≤ ${STEP_RAM_GOAL.bytes} bytes on ${STEP_RAM_GOAL.target}`,
    "",
    markdownTable(
      ["target", "model", "flash B", "const B", "code B", "library B", "library routines", "flash goal", "RAM B", "RAM goal", "RAM in step B", "RAM in step goal"],
      goals.map((g) => [
        g.target, "M", g.flashBytes.toLocaleString("en-US"), g.constBytes.toLocaleString("en-US"), g.codeBytes.toLocaleString("en-US"),
        g.libraryBytes.toLocaleString("en-US"), g.libraryRoutines.join(", ") || "none", yes(g.flashMet), String(g.ramBytes), yes(g.ramMet),
        String(g.stepRamBytes), g.stepRamMet === null ? "–" : yes(g.stepRamMet),
      ]),
    ),
    "## Counter factors (instructions per counter tick, measured with a loop of known length)",
    "",
    markdownTable(["target", "instructions per tick"], Object.entries(factors).map(([t, f]) => [t, String(f)])),
    `Toolchain: ${meta.compiler}; ${meta.qemu}.`,
    "",
  ].join("\n");
}
