/**
 * Parity on the host, in the fast loop: the generated C of realistic quantized models equals the
 * simulator bit for bit (f32: within 1e-4 of float64) in release and sanitizer builds, and so does
 * the generated TypeScript module (the ts target, under Node); a single wrong constant in the C or
 * in the module is caught and located; the float helpers quantize exactly as the simulator's
 * driver does.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateC } from "../../src/codegen/generate.js";
import { normalizeRow } from "../../src/model/normalize.js";
import { quantizeInputs } from "../../src/quant/simulator.js";
import { buildProgram, runProgram } from "../../src/toolchain/index.js";
import { compareRecords } from "../../src/verify/compare.js";
import { decodeOutputs, driverSource, encodeInputs } from "../../src/verify/driver-io.js";
import { writeProgram } from "../../src/verify/program.js";
import { simulateRecords } from "../../src/verify/reference.js";
import { describeDifference, verifyModel } from "../../src/verify/verify.js";
import { floatModel, quantized, rawSeries, seriesData } from "./fixtures.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "seqforge-parity-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("verifyModel on the host and the TypeScript module", () => {
  const cases = [
    { scheme: "w8a16", spec: { mode: "window", inputSize: 3, hidden: 6 } },
    { scheme: "w16a16", spec: { mode: "stream", cell: "seed", inputSize: 4, hidden: 5, layers: 2 } },
    { scheme: "w8a8", spec: { mode: "window", inputSize: 5, hidden: 9, layers: 2, outputs: 2 } },
    { scheme: "f32", spec: { mode: "stream", inputSize: 2, hidden: 4 } },
    // Delta outputs (train --delta): every integer scheme in both run modes, and f32.
    { scheme: "w8a16", spec: { mode: "stream", inputSize: 3, hidden: 6, delta: true } },
    { scheme: "w16a16", spec: { mode: "window", inputSize: 4, hidden: 5, outputs: 2, delta: true } },
    { scheme: "w8a8", spec: { mode: "stream", inputSize: 5, hidden: 9, layers: 2, outputs: 2, delta: true } },
    { scheme: "w8a8", spec: { mode: "window", cell: "seed", inputSize: 2, hidden: 4, delta: true } },
    { scheme: "w8a16", spec: { mode: "window", inputSize: 2, hidden: 3, delta: true } },
    { scheme: "w16a16", spec: { mode: "stream", inputSize: 2, hidden: 3, delta: true } },
    { scheme: "f32", spec: { mode: "window", inputSize: 3, hidden: 4, outputs: 2, delta: true } },
  ] as const;
  for (const c of cases) {
    it(`${c.scheme}, ${JSON.stringify(c.spec)}: release and sanitize builds pass, and the module`, { timeout: 120_000 }, async () => {
      const fm = floatModel(c.spec);
      const q = quantized(fm, c.scheme);
      const dir = join(work, `verify-${c.scheme}-${c.spec.mode}${"delta" in c.spec ? "-delta" : ""}`);
      mkdirSync(dir);
      const report = await verifyModel({ model: q, modelFile: "model.q.json", data: seriesData(fm, 60), targets: ["host", "ts"], timeoutMs: 30_000, workDir: dir });
      expect(report.runs.map((r) => `${r.target} ${r.variant}: ${r.passed ? "pass" : r.summary + "\n" + r.error}`)).toEqual([
        "host release: pass",
        "host sanitize: pass",
        "ts release: pass",
      ]);
      expect(report.ok).toBe(true);
      expect(report.records).toBe(c.spec.mode === "window" ? 60 - 1 - 5 + 1 : 60 - 1);
      expect(report.tolerance).toBe(c.scheme === "f32" ? 1e-4 : 0);
      // No float model file beside it here: the report says so instead of inventing a figure.
      expect(report.accuracy.data).toBeNull();
      expect(report.accuracy.note).toMatch(/model\.json not found/);
    });
  }
});

describe("a wrong constant in the C", () => {
  it("is caught, and the first difference names the record, the tensor and both values", { timeout: 60_000 }, async () => {
    const fm = floatModel({ mode: "stream", inputSize: 3, hidden: 4 });
    const q = quantized(fm, "w8a16");
    const dir = join(work, "mutant");
    mkdirSync(dir);
    const files = generateC(q, { prefix: "model", target: "host", floatIo: false });
    for (const f of files) writeFileSync(join(dir, f.name), f.content);
    // One bias of layer 0 (unit 2, gate g: the third of its mx, mh, b) changed by a large amount: c of unit 2 must differ first.
    const c = readFileSync(join(dir, "model.c"), "utf8");
    const block = /(static const int32_t model_l0_gates\[4\]\[12\] = \{\n)([^;]*)(\};)/.exec(c)!;
    const values = block[2]!.replace(/\/\*[^*]*\*\//g, "").match(/-?\d+/g)!.map(Number);
    expect(values).toHaveLength(48);
    values[12 * 2 + 3 * 2 + 2] += 20000;
    const units = [0, 1, 2, 3].map((u) => `    { ${values.slice(12 * u, 12 * u + 12).join(", ")} },`);
    writeFileSync(join(dir, "model.c"), c.replace(block[0], `${block[1]}${units.join("\n")}\n${block[3]}`));
    writeFileSync(join(dir, "driver.c"), driverSource(q, "model"));
    const xq = quantizeInputs(q, seriesData(fm, 20).inputs);
    writeFileSync(join(dir, "in.bin"), encodeInputs(q, xq));
    const built = await buildProgram({ target: "host", sources: [join(dir, "model.c"), join(dir, "seqforge_runtime.c"), join(dir, "driver.c")], includeDirs: [dir], outDir: join(dir, "build") });
    const res = await runProgram({ target: "host", executable: built.executable, args: ["in.bin", "out.bin"], cwd: dir, timeoutMs: 30_000 });
    expect(res.exitCode).toBe(0);
    const cmp = compareRecords(simulateRecords(q, xq).records, decodeOutputs(q, new Uint8Array(readFileSync(join(dir, "out.bin")))));
    expect(cmp.first).not.toBeNull();
    expect(cmp.first).toMatchObject({ record: 0, tensor: "layer0.c", index: 2 });
    const line = describeDifference(q, cmp.first!, 1, [0, 0]);
    expect(line).toMatch(/^first difference at record 0 \(prediction for row 1, step on row 0\): layer0\.c\[2\]: C -?\d+, simulator -?\d+$/);
  });
});

describe("a wrong constant in the TypeScript module", () => {
  it("is caught by the same comparison, named as the TypeScript's", { timeout: 120_000 }, async () => {
    const fm = floatModel({ mode: "stream", inputSize: 3, hidden: 4 });
    const q = quantized(fm, "w8a16");
    const dir = join(work, "mutant-ts");
    mkdirSync(dir);
    const sources = await writeProgram(q, "ts", dir, "model", "ts");
    // One bias of layer 0 (unit 2, gate g, row 4·2 + 2 in the module's unit-major order) moved far.
    const text = readFileSync(join(dir, "model.ts"), "utf8");
    const biasBlock = /const L0_B = new Int32Array\(\[\n([^\]]*)\]\);/.exec(text)!;
    const rows = biasBlock[1]!.split("\n");
    const unit2 = rows[2]!.split(", ");
    unit2[2] = String(Number(unit2[2]) + 20000);
    rows[2] = unit2.join(", ");
    writeFileSync(join(dir, "model.ts"), text.replace(biasBlock[1]!, rows.join("\n")));
    const xq = quantizeInputs(q, seriesData(fm, 20).inputs);
    writeFileSync(join(dir, "in.bin"), encodeInputs(q, xq));
    const built = await buildProgram({ target: "ts", sources: sources.map((f) => join(dir, f)), includeDirs: [], outDir: join(dir, "build") });
    const res = await runProgram({ target: "ts", executable: built.executable, args: ["in.bin", "out.bin"], cwd: dir, timeoutMs: 30_000 });
    expect(res.exitCode, res.stderr).toBe(0);
    const cmp = compareRecords(simulateRecords(q, xq).records, decodeOutputs(q, new Uint8Array(readFileSync(join(dir, "out.bin")))));
    expect(cmp.first).toMatchObject({ record: 0, tensor: "layer0.c", index: 2 });
    expect(describeDifference(q, cmp.first!, 1, [0, 0], "ts")).toMatch(/layer0\.c\[2\]: TypeScript -?\d+, simulator -?\d+$/);
  });
});

describe("float helpers (--float-io)", () => {
  it("quantize raw inputs exactly as the simulator's driver does, saturating the same way", { timeout: 60_000 }, async () => {
    for (const scheme of ["w8a16", "w8a8"] as const) {
      const fm = floatModel({ inputSize: 3 });
      const q = quantized(fm, scheme);
      const dir = join(work, `floatio-${scheme}`);
      mkdirSync(dir);
      for (const f of generateC(q, { prefix: "m", target: "host", floatIo: true })) writeFileSync(join(dir, f.name), f.content);
      const raw = rawSeries(fm, 40).features.map((row) => row.map(Math.fround));
      // Far outside the calibrated range too: the helper must saturate, not wrap.
      raw.push([1e6, -1e6, 0], [Math.fround(fm.normalization.input.mean[0]!), 3.25, -7.5]);
      writeFileSync(
        join(dir, "main.c"),
        `#include <stdio.h>
#include "m.h"
static const float raw[${raw.length}][3] = {
${raw.map((r) => `    { ${r.map((v) => `${v.toPrecision(9)}f`).join(", ")} },`).join("\n")}
};
int main(void)
{
    int t;
    int k;
    for (t = 0; t < ${raw.length}; t++) {
        m_in_t x[M_INPUT_SIZE];
        m_quantize_input(raw[t], x);
        for (k = 0; k < M_INPUT_SIZE; k++) {
            printf("%d%c", (int)x[k], k + 1 < M_INPUT_SIZE ? ' ' : '\\n');
        }
    }
    return 0;
}
`,
      );
      await run("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror", "-O2", "-I", dir, join(dir, "m.c"), join(dir, "seqforge_runtime.c"), join(dir, "main.c"), "-o", join(dir, "app")]);
      const { stdout } = await run(join(dir, "app"));
      const fromC = stdout.trim().split("\n").map((l) => l.split(" ").map(Number));
      const fromSim = quantizeInputs(q, raw.map((r) => normalizeRow(r, fm.normalization.input))).map((r) => Array.from(r));
      expect(fromC).toEqual(fromSim);
      const max = scheme === "w8a8" ? 127 : 32767;
      expect(fromC[40]!.slice(0, 2)).toEqual([max, -max - 1]);
    }
  });
});
