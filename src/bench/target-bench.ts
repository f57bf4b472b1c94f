/**
 * `make bench`: the reference models S, M, L (src/bench/reference-models.ts) on every Cortex-M
 * target, with CMSIS-NN's figures beside ours and the size goal for M. Writes bench/results.json
 * and bench/results.md and prints the Markdown. Counts are INSTRUCTIONS (QEMU -icount), not
 * cycles. Run: node dist/bench/target-bench.js [--targets a,b] [--out bench]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { listQemuTargets, loadTarget, type QemuTarget } from "../toolchain/index.js";
import { benchModel, type BenchResult } from "./bench-model.js";
import { CMSIS_NN_FIGURES, SIZE_GOAL } from "./cmsis-reference.js";
import { REFERENCE_MODELS, referenceQuantModel } from "./reference-models.js";
import { COUNT_NOTE, markdownTable, resultsTable } from "./report.js";

const SEED = 1;

interface Options {
  targets: string[];
  outDir: string;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { targets: listQemuTargets(), outDir: "bench" };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === "--targets") opts.targets = argv[i + 1]!.split(",");
    else if (argv[i] === "--out") opts.outDir = argv[i + 1]!;
    else throw new Error(`unknown argument ${argv[i]}; usage: target-bench.js [--targets a,b] [--out DIR]`);
  }
  return opts;
}

function toolVersion(cmd: string): string {
  try {
    return execFileSync(cmd, ["--version"], { encoding: "utf8" }).split("\n")[0]!.trim();
  } catch {
    return "(not found)";
  }
}

export interface GoalCheck {
  target: string;
  flashBytes: number;
  ramBytes: number;
  flashMet: boolean;
  ramMet: boolean;
}

export function sizeGoalChecks(results: readonly BenchResult[]): GoalCheck[] {
  return results
    .filter((r) => r.model === `ref_${SIZE_GOAL.model.toLowerCase()}`)
    .map((r) => ({
      target: r.target,
      flashBytes: r.flashBytes,
      ramBytes: r.ramBytes,
      flashMet: r.flashBytes <= SIZE_GOAL.flashBytes,
      ramMet: r.ramBytes <= SIZE_GOAL.ramBytes,
    }));
}

export function comparisonTable(results: readonly BenchResult[]): string {
  const ours = (target: string, size: string) => results.find((r) => r.target === target && r.model === `ref_${size.toLowerCase()}`);
  const n = (v: number | undefined) => (v === undefined ? "–" : v.toLocaleString("en-US"));
  const rows: string[][] = [];
  for (const target of [...new Set(CMSIS_NN_FIGURES.map((c) => c.target))]) {
    rows.push([target, "seqforge w8a16 (portable C)", ...["S", "M", "L"].map((s) => n(ours(target, s)?.instructionsPerStep))]);
    for (const c of CMSIS_NN_FIGURES.filter((x) => x.target === target)) rows.push([target, c.kernel, n(c.S), n(c.M), n(c.L)]);
  }
  return markdownTable(["target", "kernel", "S", "M", "L"], rows);
}

export function resultsMarkdown(results: readonly BenchResult[], meta: Record<string, unknown>, factors: Record<string, number>): string {
  const goals = sizeGoalChecks(results);
  const yes = (b: boolean) => (b ? "met" : "**not met**");
  return [
    "# seqforge bench: reference LSTM models on Cortex-M under QEMU",
    "",
    COUNT_NOTE,
    "",
    `Reference models: one standard LSTM layer and a dense head with one output, w8a16, stream mode, random weights (seed ${SEED}), quantized with seeded random calibration inputs. ` +
      "S: input 3, hidden 16; M: input 8, hidden 32; L: input 40, hidden 64. Built with -O2 (and -Wall -Wextra -Wpedantic -Wconversion -Werror). " +
      `Per step = the mean of ${results[0]?.steps ?? 32} steps of ${"`step` + `output`"} from a reset state; flash = the model's constant data + its code (from the linker map); ` +
      "library = C library routines the model calls, not included in flash; RAM = state + the step's scratch; stack = the deepest stack of one step, by stack painting.",
    "",
    resultsTable(results),
    "## Against CMSIS-NN (instructions per step, same count method, -O2, gcc 12.2)",
    "",
    comparisonTable(results),
    `## Size goal for M in stream mode: flash ≤ ${SIZE_GOAL.flashBytes.toLocaleString("en-US")} bytes, RAM (state + scratch) ≤ ${SIZE_GOAL.ramBytes} bytes`,
    "",
    markdownTable(
      ["target", "model", "flash B", "flash goal", "RAM B", "RAM goal"],
      goals.map((g) => [g.target, "M", g.flashBytes.toLocaleString("en-US"), yes(g.flashMet), String(g.ramBytes), yes(g.ramMet)]),
    ),
    "## Counter calibration (instructions per SysTick tick, measured with a loop of known length)",
    "",
    markdownTable(["target", "instructions per tick"], Object.entries(factors).map(([t, f]) => [t, String(f)])),
    `Toolchain: ${meta.compiler}; ${meta.qemu}.`,
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const workDir = mkdtempSync(join(tmpdir(), "seqforge-target-bench-"));
  const results: BenchResult[] = [];
  try {
    for (const spec of REFERENCE_MODELS) {
      process.stderr.write(`quantizing reference model ${spec.name} (input ${spec.inputSize}, hidden ${spec.hiddenSize})…\n`);
      const model = referenceQuantModel(spec, "w8a16", SEED);
      const name = `ref_${spec.name.toLowerCase()}`;
      results.push(
        ...(await benchModel({ model, name, targets: opts.targets, workDir: join(workDir, name), onProgress: (m) => process.stderr.write(`${m}\n`) })),
      );
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  // Order: by model size, then by target as listed.
  const order = (r: BenchResult) => REFERENCE_MODELS.findIndex((s) => `ref_${s.name.toLowerCase()}` === r.model) * 100 + opts.targets.indexOf(r.target);
  results.sort((a, b) => order(a) - order(b));
  const factors = Object.fromEntries(opts.targets.map((t) => [t, (loadTarget(t) as QemuTarget).systick.instructionsPerTick]));
  const meta = { compiler: toolVersion("arm-none-eabi-gcc"), qemu: toolVersion("qemu-system-arm"), seed: SEED, countMethod: COUNT_NOTE };
  const json = { meta, instructionsPerTick: factors, results, cmsisNN: CMSIS_NN_FIGURES, sizeGoal: { ...SIZE_GOAL, checks: sizeGoalChecks(results) } };
  const md = resultsMarkdown(results, meta, factors);
  writeFileAtomic(join(opts.outDir, "results.json"), JSON.stringify(json, null, 2) + "\n");
  writeFileAtomic(join(opts.outDir, "results.md"), md);
  process.stdout.write(md);
  process.stderr.write(`wrote ${join(opts.outDir, "results.json")} and ${join(opts.outDir, "results.md")}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`target-bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
