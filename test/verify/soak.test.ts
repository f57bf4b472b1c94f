/**
 * The soak's comparison (src/verify/soak.ts compareSoak) finds what it is there to find: a run of
 * the host build passes, and the same output file with one byte changed, or cut short, fails at
 * the step where it was changed or cut.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordBytes } from "../../src/verify/driver-io.js";
import { compareSoak, SOAK_MODELS, soak, soakInputs, soakModel } from "../../src/verify/soak.js";

const work = mkdtempSync(join(tmpdir(), "seqforge-soak-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the soak's comparison", () => {
  it("passes the host's records and names the step of a changed byte or of a cut", { timeout: 300_000 }, async () => {
    const model = soakModel(SOAK_MODELS[1]!);
    const steps = 6000;
    const r = await soak(model, "seed cell", "host", steps, 3, work, 120_000);
    expect(r.firstDifference).toBeNull();
    expect(r.records).toBe(steps);
    expect(r.sha256Target).toBe(r.sha256Simulator);
    expect(r.spots.map((s) => s.step)).toEqual([600, 1200, 1800, 2400, 3000, 3600, 4200, 4800, 5400]);
    const dir = join(work, readdirSync(work).find((d) => d.startsWith("soak-host-"))!);
    const out = readFileSync(join(dir, "soak.out"));
    const rows = soakInputs(model, steps, 3);
    const bytes = recordBytes(model);
    // Step 4321 (0-based 4320): its first output's low byte.
    const changed = Buffer.from(out);
    changed[4 + 4320 * bytes] ^= 1;
    writeFileSync(join(dir, "changed.out"), changed);
    const c = compareSoak(model, rows, join(dir, "changed.out"));
    expect(c.firstDifference).toMatch(/^step 4320: y\[0\]: C -?\d+, simulator -?\d+$/);
    expect(c.sha256Target).not.toBe(c.sha256Simulator);
    writeFileSync(join(dir, "cut.out"), out.subarray(0, 4 + 5000 * bytes));
    expect(compareSoak(model, rows, join(dir, "cut.out")).firstDifference).toMatch(/^after step 5000: the output file ends/);
  });
});
