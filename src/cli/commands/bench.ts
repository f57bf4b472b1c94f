/**
 * `seqforge bench model.q.json [--target NAME|all] [--json]`: for each QEMU target, generates the
 * model's C, builds it with the bench driver, runs it there and prints instructions per step
 * (instructions, not cycles), flash and RAM; for the node target (`ts`), builds the TypeScript
 * module and prints its steps per second on Node beside the simulator's. A table per kind, or with
 * --json an array with one object per target (src/bench/bench-model.ts BenchResult, then
 * src/bench/node-bench.ts NodeBenchResult).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../errors.js";
import { benchModel, type BenchResult } from "../../bench/bench-model.js";
import type { NodeBenchResult } from "../../bench/node-bench.js";
import { benchReport, nodeBenchReport } from "../../bench/report.js";
import { defaultModelName, toCPrefix } from "../../codegen/identifier.js";
import { loadQuantModel } from "../../quant/index.js";
import { loadTarget, resolveTargets } from "../../toolchain/index.js";
import { stringFlag } from "../flag-values.js";
import type { BenchArgs } from "../main.js";

export async function run(args: BenchArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const targets = resolveTargets(stringFlag("target", args.target), { kinds: ["qemu", "node"] });
  const kindOf = (t: string) => loadTarget(t).kind;
  for (const t of targets) {
    if (kindOf(t) === "native") {
      throw new InputError("--target", "", `${t} has no instruction counter; the bench runs on the targets run under QEMU, on ts, or all`);
    }
  }
  const model = loadQuantModel(modelFile);
  const name = benchPrefix(modelFile);
  const workDir = mkdtempSync(join(tmpdir(), "seqforge-bench-"));
  const onProgress = (m: string) => process.stderr.write(`${m}\n`);
  try {
    const qemu = targets.filter((t) => kindOf(t) === "qemu");
    const node = targets.filter((t) => kindOf(t) === "node");
    const counted: BenchResult[] = qemu.length ? await benchModel({ model, name, targets: qemu, optimize: args.optimize, workDir: join(workDir, "qemu"), onProgress }) : [];
    let timed: NodeBenchResult[] = [];
    if (node.length) {
      // ts-morph (the TypeScript compiler) loads only when the TypeScript module is benched.
      const { benchNode } = await import("../../bench/node-bench.js");
      timed = await benchNode({ model, name, targets: node, workDir: join(workDir, "node"), onProgress });
    }
    if (args.json) {
      process.stdout.write(JSON.stringify([...counted, ...timed], null, 2) + "\n");
    } else {
      process.stdout.write([counted.length ? benchReport(counted) : "", timed.length ? nodeBenchReport(timed) : ""].filter(Boolean).join("\n"));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return 0;
}

/** The name the code is generated with: from the file name, or `model` when that is no C identifier. */
function benchPrefix(modelFile: string): string {
  try {
    return toCPrefix(defaultModelName(modelFile));
  } catch {
    return "model";
  }
}
