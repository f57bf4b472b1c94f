/**
 * `seqforge verify model.q.json --data test.csv [--target NAME|all] [--timeout S] [--json]`:
 * generates the code and its test driver into a temporary folder (the C, and for the `ts` target
 * the TypeScript module), builds and runs it on each target (host: release and sanitize builds;
 * ts: type-checked, under Node), and holds it to the simulator bit for bit (f32: within 1e-4 of
 * float64 on the outputs, 1e-3 on the state). Exit 0 only when every run passes. The folder is removed after a
 * pass and kept (its path printed) after a failure, with everything needed to reproduce it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatMetrics } from "../../codegen/banner.js";
import { loadNormalizedSeries } from "../../data/model-data.js";
import { loadQuantModel } from "../../model/quant-model-file.js";
import { assertNoOverflow } from "../../quant/overflow.js";
import { resolveTargets } from "../../toolchain/targets.js";
import { verifyModel, type VerifyReport } from "../../verify/verify.js";
import { numberFlag, stringFlag } from "../flag-values.js";
import type { VerifyArgs } from "../main.js";

export async function run(args: VerifyArgs): Promise<number> {
  const modelFile = stringFlag("model", args.model);
  const dataFile = stringFlag("data", args.data);
  const targets = resolveTargets(stringFlag("target", args.target));
  const timeoutMs = numberFlag("timeout", args.timeout, 1) * 1000;
  const model = loadQuantModel(modelFile);
  // Nothing to verify in a file whose integers could overflow: its C's behaviour is undefined.
  assertNoOverflow(model, modelFile);
  const data = loadNormalizedSeries(dataFile, model);
  const workDir = mkdtempSync(join(tmpdir(), "seqforge-verify-"));
  let report: VerifyReport;
  try {
    report = await verifyModel({
      model,
      modelFile,
      data,
      targets,
      timeoutMs,
      workDir,
      progress: (line) => process.stderr.write(line + "\n"),
    });
  } catch (err) {
    // No report to point at (a missing compiler, say): nothing in the folder is worth keeping.
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  if (report.ok) rmSync(workDir, { recursive: true, force: true });
  if (args.json) {
    process.stdout.write(JSON.stringify({ ...report, workDir: report.ok ? null : workDir }, null, 2) + "\n");
  } else {
    process.stdout.write(formatReport(report));
    if (!report.ok) process.stdout.write(`generated code, driver, builds and data kept in ${workDir}\n`);
  }
  return report.ok ? 0 : 1;
}

export function formatReport(r: VerifyReport): string {
  const lines: string[] = [];
  const against =
    r.tolerance === 0
      ? "the fixed-point simulator, bit for bit"
      : `float64, within ${r.tolerance} on normalised outputs and ${r.stateTolerance} on the state (relative where larger than 1)`;
  lines.push(`verify ${r.modelFile} (${r.scheme}) on ${r.dataFile}: ${r.rows} rows, ${r.records} records, against ${against}`);
  const width = Math.max(...r.runs.map((x) => `${x.target} ${x.variant}`.length));
  for (const x of r.runs) {
    lines.push(`  ${`${x.target} ${x.variant}`.padEnd(width)}  ${x.passed ? "PASS" : "FAIL"}  ${x.summary}`);
    if (x.error) lines.push(...x.error.split("\n").slice(0, 30).map((l) => `      ${l}`));
  }
  const sats = Object.entries(r.saturations).filter(([, n]) => n > 0);
  if (r.tolerance === 0) {
    lines.push(`saturations (simulator, the same in the generated code): ${sats.length ? sats.map(([t, n]) => `${t} ${n}`).join(", ") : "none"}`);
  }
  if (r.accuracy.data) {
    lines.push(`accuracy against float64 (${r.accuracy.floatModel}) on this data: ${formatMetrics(r.accuracy.data)}`);
    const d = r.accuracy.data;
    if (d.taskRmseFloat !== null && d.taskRmseQuant !== null) {
      lines.push(`task RMSE (normalised): float ${d.taskRmseFloat.toPrecision(4)}, generated code ${d.taskRmseQuant.toPrecision(4)}`);
    }
  } else if (r.accuracy.note) {
    lines.push(r.accuracy.note);
  }
  lines.push(`accuracy at quantization, calibration data: ${formatMetrics(r.accuracy.atQuantization.calib)}`);
  if (r.accuracy.atQuantization.data) {
    lines.push(`accuracy at quantization, ${r.accuracy.atQuantization.dataFile}: ${formatMetrics(r.accuracy.atQuantization.data)}`);
  }
  lines.push(r.ok ? "PASS" : "FAIL");
  return lines.join("\n") + "\n";
}
