/**
 * `seqforge bench` on generated models under QEMU: the count is the same on every run, the
 * generated header's flash and RAM figures agree with the linker map (stream and window mode,
 * integer and f32 schemes), the benched code computed what the simulator computes (benchModel
 * checks the last output and throws otherwise), and the command prints the promised JSON.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchModel } from "../../src/bench/bench-model.js";
import { REFERENCE_MODELS, referenceQuantModel } from "../../scripts/reference-models.js";
import { saveQuantModel } from "../../src/model/quant-model-file.js";

const S = REFERENCE_MODELS[0]!;
const work = mkdtempSync(join(tmpdir(), "seqforge-bench-qemu-"));
const ROOT = join(import.meta.dirname, "../..");

describe("bench of generated models", () => {
  it("gives the same instructions per step on every run, with the header's figures agreeing with the map", async () => {
    const model = referenceQuantModel(S);
    const opts = { model, name: "ref_s", targets: ["cortex-m0", "cortex-m4"], steps: 8 };
    const a = await benchModel({ ...opts, workDir: join(work, "a") });
    const b = await benchModel({ ...opts, workDir: join(work, "b") });
    expect(b.map((r) => r.instructionsPerStep)).toEqual(a.map((r) => r.instructionsPerStep));
    expect(b).toEqual(a);
    for (const r of a) {
      expect(r.headerDisagreements, r.target).toEqual([]);
      expect(r.macsPerStep).toBe(4 * 16 * (3 + 16) + 16);
      expect(r.stateBytes).toBe(64); // h and c, 16 int16 each
      expect(r.flashBytes).toBe(r.constBytes + r.codeBytes + r.libraryBytes);
      expect(r.libraryRoutines.length > 0).toBe(r.libraryBytes > 0);
      // Each is a mean rounded on its own: the sum of the two rounded means is within 1 of the rounded total.
      expect(Math.abs(r.instructionsPerStep - (r.stepInstructions + r.outputInstructions))).toBeLessThanOrEqual(1);
    }
    // Armv6-M has no 32×32→64 multiply and fewer registers: more instructions per MAC than the M4.
    expect(a[0]!.instructionsPerMac).toBeGreaterThan(a[1]!.instructionsPerMac);
  });

  it("counts a whole prediction and the ring buffer in window mode", async () => {
    const model = referenceQuantModel(S, { mode: "window", window: 6 });
    const [r] = await benchModel({ model, name: "win_s", targets: ["cortex-m3"], steps: 6, workDir: join(work, "win") });
    expect(r!.headerDisagreements).toEqual([]);
    expect(r!.windowBytes).toBe(6 * 3 * 2 + 4); // 6 × 3 int16 inputs + next and count
    // reset + 6 steps + output, and the ring-buffer walk around them.
    const p = r!.instructionsPerPrediction!;
    expect(p).toBeGreaterThan(6 * r!.stepInstructions);
    expect(p).toBeLessThan(6 * r!.stepInstructions * 1.1 + r!.outputInstructions + 500);
  });

  it("benches the other schemes: f32 with and without an FPU, w16a16's 64-bit accumulators", async () => {
    const f32 = await benchModel({ model: referenceQuantModel(S, { scheme: "f32" }), name: "f_s", targets: ["cortex-m0", "cortex-m4"], steps: 4, workDir: join(work, "f32") });
    for (const r of f32) expect(r.headerDisagreements, r.target).toEqual([]);
    // Soft float on the M0 costs many more instructions than the M4's FPU.
    expect(f32[0]!.instructionsPerStep).toBeGreaterThan(3 * f32[1]!.instructionsPerStep);
    expect(f32[0]!.libraryBytes).toBeGreaterThan(0);
    const [w16] = await benchModel({ model: referenceQuantModel(S, { scheme: "w16a16" }), name: "w_s", targets: ["cortex-m0"], steps: 4, workDir: join(work, "w16") });
    expect(w16!.headerDisagreements).toEqual([]);
    // Its 64-bit accumulators and requantisation are built from 32-bit multiplies on Armv6-M
    // (SEQFORGE_SPLIT_MUL): no libgcc routine is linked, and the bench would show one if it were.
    // What it uses outside its object is the runtime's nonlinearity table alone, counted once.
    expect(w16!.libraryRoutines).toEqual(["seqforge_tanh_table"]);
    expect(w16!.libraryBytes).toBe(1026);
  });
});

describe("seqforge bench (the command; needs `npx tsc -p .` first)", () => {
  const file = join(work, "motor.q.json");
  saveQuantModel(referenceQuantModel(S), file);

  it("prints a JSON array with one object per target", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin/seqforge.js"), "bench", file, "--target", "cortex-m4", "--json"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ target: "cortex-m4", model: "motor", macsPerStep: 1232, headerAgrees: true });
    for (const key of ["instructionsPerStep", "flashBytes", "ramBytes", "stackBytes", "instructionsPerMac"]) {
      expect(typeof rows[0]![key], key).toBe("number");
    }
  });

  it("prints the table with the instruction-count note, and refuses the host target", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin/seqforge.js"), "bench", file, "--target", "cortex-m3"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("not cycles");
    expect(r.stdout).toMatch(/\| cortex-m3 \| motor \(3→16×1→1, stream\) \| speed \| w8a16 \| [\d,]+ \|/);
    const host = spawnSync(process.execPath, [join(ROOT, "bin/seqforge.js"), "bench", file, "--target", "host"], { encoding: "utf8" });
    expect(host.status).toBe(2);
    expect(host.stderr).toContain("--target: host has no instruction counter");
  });
});
