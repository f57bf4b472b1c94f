/**
 * `make bench`: the reference models S, M, L (scripts/reference-models.ts) on every QEMU
 * target, with CMSIS-NN's figures beside ours (from bench/cmsis-nn.json, written by
 * scripts/bench-cmsis-nn.sh, when it is there) and the size goal for M. Writes bench/results.json
 * and bench/results.md and prints the Markdown. Counts are INSTRUCTIONS (QEMU -icount), not
 * cycles. Run: make bench (node build/scripts/bench-targets.js [--targets a,b] [--out bench])
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { OPTIMIZE_LEVELS, type Optimize } from "../src/util/optimize.js";
import { listQemuTargets, loadTarget, type QemuTarget } from "../src/toolchain/index.js";
import { benchModel, type BenchResult } from "../src/bench/bench-model.js";
import { readCmsisNnBench, SIZE_GOAL } from "./cmsis-reference.js";
import { REFERENCE_MODELS, referenceQuantModel } from "./reference-models.js";
import { COUNT_NOTE } from "../src/bench/report.js";
import { resultsMarkdown, sizeGoalChecks } from "./results-report.js";

const SEED = 1;

interface Options {
  targets: string[];
  /** Both by default: the table shows each target's speed build beside its size build. */
  levels: Optimize[];
  outDir: string;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { targets: listQemuTargets(), levels: [...OPTIMIZE_LEVELS], outDir: "bench" };
  const usage = "usage: bench-targets.js [--targets a,b] [--optimize speed,size] [--out DIR]";
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === "--targets") opts.targets = argv[i + 1]!.split(",");
    else if (argv[i] === "--out") opts.outDir = argv[i + 1]!;
    else if (argv[i] === "--optimize") {
      opts.levels = argv[i + 1]!.split(",").map((l) => {
        if (!(OPTIMIZE_LEVELS as readonly string[]).includes(l)) throw new Error(`--optimize ${l}: expected ${OPTIMIZE_LEVELS.join(" or ")}; ${usage}`);
        return l as Optimize;
      });
    } else throw new Error(`unknown argument ${argv[i]}; ${usage}`);
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

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const workDir = mkdtempSync(join(tmpdir(), "seqforge-target-bench-"));
  const results: BenchResult[] = [];
  try {
    for (const spec of REFERENCE_MODELS) {
      process.stderr.write(`quantizing reference model ${spec.name} (input ${spec.inputSize}, hidden ${spec.hiddenSize})…\n`);
      const model = referenceQuantModel(spec, { scheme: "w8a16", seed: SEED });
      const name = `ref_${spec.name.toLowerCase()}`;
      for (const optimize of opts.levels) {
        results.push(
          ...(await benchModel({ model, name, targets: opts.targets, optimize, workDir: join(workDir, name, optimize), onProgress: (m) => process.stderr.write(`${m}\n`) })),
        );
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  // Order: by model size, then by target as listed, speed before size.
  const order = (r: BenchResult) =>
    REFERENCE_MODELS.findIndex((s) => `ref_${s.name.toLowerCase()}` === r.model) * 1000 + opts.targets.indexOf(r.target) * 10 + OPTIMIZE_LEVELS.indexOf(r.optimize);
  results.sort((a, b) => order(a) - order(b));
  const described = opts.targets.map((t) => loadTarget(t) as QemuTarget);
  const factors = Object.fromEntries(described.map((t) => [t.name, t.counter.instructionsPerTick]));
  // Every compiler and QEMU the benched targets use, each once.
  const versions = (tools: string[]) => [...new Set(tools)].map(toolVersion).join("; ");
  const meta = {
    compiler: versions(described.map((t) => t.compiler)),
    qemu: versions(described.map((t) => t.qemu.binary)),
    seed: SEED,
    countMethod: COUNT_NOTE,
  };
  // CMSIS-NN's rows come from scripts/bench-cmsis-nn.sh's file when it is there (not measured here).
  const cmsis = readCmsisNnBench(opts.outDir);
  const cmsisNN = cmsis && { file: "cmsis-nn.json", commit: cmsis.cmsisNN.commit, date: cmsis.meta.date };
  const json = { meta, instructionsPerTick: factors, results, cmsisNN, sizeGoal: { ...SIZE_GOAL, checks: sizeGoalChecks(results) } };
  const md = resultsMarkdown(results, meta, factors, cmsis);
  writeFileAtomic(join(opts.outDir, "results.json"), JSON.stringify(json, null, 2) + "\n");
  writeFileAtomic(join(opts.outDir, "results.md"), md);
  process.stdout.write(md);
  process.stderr.write(`wrote ${join(opts.outDir, "results.json")} and ${join(opts.outDir, "results.md")}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`target-bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
