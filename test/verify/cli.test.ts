/**
 * `seqforge generate` and `seqforge verify` as a user runs them (the compiled CLI): the pipeline
 * from a float model file through quantize, generate and verify on the host; bad input refused
 * with exit 2 and nothing written.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectInputError, runCliAsync, tempDir } from "../cli/helpers.js";
import { csvText, floatModel } from "./fixtures.js";

const dir = tempDir();
const modelFile = join(dir, "model.json");
const dataFile = join(dir, "data.csv");

beforeAll(async () => {
  const fm = floatModel({ mode: "window", inputSize: 3, hidden: 5, window: 4 });
  writeFileSync(modelFile, JSON.stringify(fm));
  writeFileSync(dataFile, csvText(fm, 80));
  for (const scheme of ["w8a16", "f32"]) {
    const r = await runCliAsync(["quantize", modelFile, "--calib", dataFile, "--scheme", scheme, "--out", join(dir, `m-${scheme}.q.json`)]);
    expect(r.code, r.stderr).toBe(0);
  }
}, 60_000);

describe("seqforge generate", () => {
  it("writes the C and the drop-in files, named from the file unless --name is given", async () => {
    const out = join(dir, "gen");
    const r = await runCliAsync(["generate", join(dir, "m-w8a16.q.json"), "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { name: string; files: string[]; flashBytes: number; ramBytes: number };
    expect(res.name).toBe("m_w8a16");
    expect(readdirSync(out).sort()).toEqual(["CMakeLists.txt", "README.md", "m_w8a16.c", "m_w8a16.h", "m_w8a16.mk", "seqforge_runtime.c", "seqforge_runtime.h"]);
    expect(readFileSync(join(out, "m_w8a16.h"), "utf8")).toContain(`#define M_W8A16_FLASH_BYTES     ${res.flashBytes}`);
    const named = await runCliAsync(["generate", join(dir, "m-w8a16.q.json"), "--name", "Motor Temp", "--out", join(dir, "gen2")]);
    expect(named.code, named.stderr).toBe(0);
    expect(existsSync(join(dir, "gen2", "motor_temp.h"))).toBe(true);
  });

  it("gives byte-identical folders when run twice", async () => {
    const a = join(dir, "twice-a");
    const b = join(dir, "twice-b");
    for (const out of [a, b]) {
      const r = await runCliAsync(["generate", join(dir, "m-w8a16.q.json"), "--name", "twice", "--float-io", "--out", out]);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const f of readdirSync(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
  });

  it("refuses a name that cannot be a C prefix: exit 2, one line, nothing written", async () => {
    const out = join(dir, "never");
    const r = await runCliAsync(["generate", join(dir, "m-w8a16.q.json"), "--name", "9lives", "--out", out]);
    expectInputError(r, /--name: "9lives" cannot be a C identifier prefix: it must start with a letter$/, out);
  });

  it("refuses an unknown target and a damaged model file with exit 2", async () => {
    const bad = await runCliAsync(["generate", join(dir, "m-w8a16.q.json"), "--target", "cortex-m99", "--out", join(dir, "x")]);
    expectInputError(bad, /--target: unknown target "cortex-m99"; expected one of: host, /, join(dir, "x"));
    const text = readFileSync(join(dir, "m-w8a16.q.json"), "utf8").replace('"shift": ', '"shift": 1 + ');
    writeFileSync(join(dir, "broken.q.json"), text);
    const broken = await runCliAsync(["generate", join(dir, "broken.q.json"), "--out", join(dir, "y")]);
    expectInputError(broken, /broken\.q\.json: /, join(dir, "y"));
  });
});

describe("seqforge verify", () => {
  it("w8a16 on the host: bit-exact in both builds, accuracy against the float model, exit 0", { timeout: 60_000 }, async () => {
    const r = await runCliAsync(["verify", join(dir, "m-w8a16.q.json"), "--data", dataFile, "--json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.ok).toBe(true);
    expect(rep.runs.map((x: { target: string; variant: string; passed: boolean }) => [x.target, x.variant, x.passed])).toEqual([
      ["host", "release", true],
      ["host", "sanitize", true],
    ]);
    expect(rep.records).toBe(80 - 4 - 1 + 1);
    // The float model is found through the quantized file's source field, and compared on this data.
    expect(rep.accuracy.floatModel).toBe(modelFile);
    expect(rep.accuracy.data.samples).toBe(rep.records);
    expect(rep.accuracy.data.maxAbs).toBeGreaterThan(0);
    expect(rep.accuracy.data.maxAbs).toBeLessThan(0.1);
    expect(rep.workDir).toBeNull();
  });

  it("f32 on the host: within 1e-4 of float64, the text report says so", { timeout: 60_000 }, async () => {
    const r = await runCliAsync(["verify", join(dir, "m-f32.q.json"), "--data", dataFile]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/against float64, within 0\.0001 on normalised outputs/);
    expect(r.stdout).toMatch(/host release\s+PASS/);
    expect(r.stdout).toMatch(/host sanitize\s+PASS/);
    expect(r.stdout.trim().split("\n").pop()).toBe("PASS");
  });

  it("refuses data without the model's columns, or too short for one window, with exit 2", async () => {
    writeFileSync(join(dir, "other.csv"), "a,b\n1,2\n3,4\n");
    const r = await runCliAsync(["verify", join(dir, "m-w8a16.q.json"), "--data", join(dir, "other.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/other\.csv/);
    writeFileSync(join(dir, "short.csv"), readFileSync(dataFile, "utf8").split("\n").slice(0, 3).join("\n") + "\n");
    const s = await runCliAsync(["verify", join(dir, "m-w8a16.q.json"), "--data", join(dir, "short.csv")]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/short\.csv: 2 data rows, fewer than one prediction needs: at least 5 expected/);
  });
});

describe("the verify report", () => {
  it("prints a failing run with its first difference and diagnostics, and ends with FAIL", async () => {
    const { formatReport } = await import("../../src/cli/commands/verify.js");
    const metrics = { samples: 3, maxAbs: 0.01, rmse: 0.005, l2r: 0.01, cosine: 0.9999, taskRmseFloat: null, taskRmseQuant: null };
    const text = formatReport({
      ok: false,
      modelFile: "m.q.json",
      scheme: "w8a16",
      dataFile: "d.csv",
      rows: 10,
      records: 7,
      tolerance: 0,
      runs: [
        { target: "host", variant: "release", passed: true, summary: "7 records bit-exact", comparison: null, firstDifference: null, error: null, sizes: null },
        {
          target: "cortex-m4",
          variant: "release",
          passed: false,
          summary: "first difference at record 2 (prediction for row 6, window of rows 2..5): layer0.c[3]: C 12, simulator 13",
          comparison: null,
          firstDifference: null,
          error: "driver said something",
          sizes: null,
        },
      ],
      saturations: { x: 0, "layer0.c": 4, y: 0 },
      accuracy: { data: null, floatModel: null, note: "float model m.json not found; accuracy on this data not measured", atQuantization: { calib: metrics, data: null, dataFile: null } },
    });
    const lines = text.trim().split("\n");
    expect(lines[0]).toBe("verify m.q.json (w8a16) on d.csv: 10 rows, 7 records, against the fixed-point simulator, bit for bit");
    expect(text).toMatch(/cortex-m4 release\s+FAIL\s+first difference at record 2 .*layer0\.c\[3\]: C 12, simulator 13/);
    expect(text).toContain("      driver said something");
    expect(text).toContain("saturations (simulator, the same in the generated code): layer0.c 4");
    expect(text).toContain("float model m.json not found");
    expect(lines.pop()).toBe("FAIL");
  });
});
