/**
 * `seqforge bench model.q.json [--target NAME|all] [--json]`: generates the model's C, builds it
 * with the bench driver for each QEMU target, runs it there and prints instructions per
 * step (instructions, not cycles), flash and RAM — a table, or with --json an array with one
 * object per target (src/bench/bench-model.ts BenchResult).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../errors.js";
import { benchModel } from "../../bench/bench-model.js";
import { benchReport } from "../../bench/report.js";
import { defaultModelName, toCPrefix } from "../../codegen/identifier.js";
import { loadQuantModel } from "../../quant/index.js";
import { loadTarget, resolveTargets } from "../../toolchain/index.js";
import { stringFlag } from "../flag-values.js";
import type { BenchArgs } from "../main.js";

export async function run(args: BenchArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const targets = resolveTargets(stringFlag("target", args.target), { kinds: ["qemu"] });
  for (const t of targets) {
    if (loadTarget(t).kind !== "qemu") {
      throw new InputError("--target", "", `${t} has no instruction counter; the bench runs on the targets run under QEMU (or all)`);
    }
  }
  const model = loadQuantModel(modelFile);
  const name = benchPrefix(modelFile);
  const workDir = mkdtempSync(join(tmpdir(), "seqforge-bench-"));
  try {
    const results = await benchModel({
      model,
      name,
      targets,
      workDir,
      onProgress: (m) => process.stderr.write(`${m}\n`),
    });
    process.stdout.write(args.json ? JSON.stringify(results, null, 2) + "\n" : benchReport(results));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return 0;
}

/** The C prefix the code is generated with: from the file name, or `model` when that is no C identifier. */
function benchPrefix(modelFile: string): string {
  try {
    return toCPrefix(defaultModelName(modelFile));
  } catch {
    return "model";
  }
}
