/**
 * The soak, short (`make soak` runs 1,000,000 host steps and 100,000 on Cortex-M4): each soak
 * model (src/verify/soak.ts) streams 20,000 steps on the host and 5,000 on Cortex-M4 under QEMU,
 * never reset, and every record (output, c and h of every layer) equals the simulator's from the
 * first step to the last, with every accumulator within the model's overflow proof.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SOAK_MODELS, soak, soakInputs, soakModel } from "../../src/verify/soak.js";
import { ADVERSARIAL_KINDS } from "../../src/verify/random-quant-model.js";

const work = mkdtempSync(join(tmpdir(), "seqforge-soak-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("soak", () => {
  for (const m of SOAK_MODELS) {
    for (const [target, steps] of [["host", 20_000], ["cortex-m4", 5_000]] as const) {
      it(`${m.label}: ${steps} steps on ${target}, bit-exact from first to last, within the proof`, { timeout: 600_000 }, async () => {
        const r = await soak(soakModel(m), m.label, target, steps, 7, work, 300_000);
        console.log(`soak ${target} ${m.label}: ${r.records} records, sha256 ${r.sha256Target.slice(0, 16)}, saturations ${JSON.stringify(r.saturations)}`);
        expect(r.firstDifference).toBeNull();
        expect(r.records).toBe(steps);
        expect(r.sha256Target).toBe(r.sha256Simulator);
        expect(r.outsideProof).toEqual([]);
        expect(r.finalRecord).not.toBeNull();
        expect(r.spots.length).toBeGreaterThanOrEqual(9);
      });
    }
  }

  it("streams random and every kind of adversarial stretch, the same for the same seed", () => {
    const model = soakModel(SOAK_MODELS[0]!);
    const rows = soakInputs(model, 40_000, 7);
    expect(rows).toHaveLength(40_000);
    expect(soakInputs(model, 40_000, 7)).toEqual(rows);
    // Rows all at one integer limit appear (limits, alternating, step stretches), and long constant runs.
    expect(rows.some((r) => r.every((v) => v === -32768))).toBe(true);
    expect(rows.some((r) => r.every((v) => v === 32767))).toBe(true);
    let run = 1;
    let longest = 1;
    for (let t = 1; t < rows.length; t++) {
      run = rows[t]!.every((v, k) => v === rows[t - 1]![k]) ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeGreaterThanOrEqual(50);
    expect(ADVERSARIAL_KINDS.length).toBe(5);
  });
});
