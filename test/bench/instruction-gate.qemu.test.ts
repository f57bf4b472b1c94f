/**
 * The instruction-count gate: rebuilds the reference models S, M, L on Cortex-M0, M4 and M55, in
 * both builds (--optimize speed and size), and fails when any count rises more than 1 % above the
 * committed bench/results.json (make bench writes it), naming which. Counts under QEMU -icount
 * are deterministic: this is no timed test. After a deliberate change, rerun make bench and
 * commit its results.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchModel, type BenchResult } from "../../src/bench/bench-model.js";
import { gateFindings, type GateRow } from "../../src/bench/gate.js";
import { OPTIMIZE_LEVELS } from "../../src/util/optimize.js";
import { REFERENCE_MODELS, referenceQuantModel } from "../../scripts/reference-models.js";

const GATED_TARGETS = ["cortex-m0", "cortex-m4", "cortex-m55"];
const work = mkdtempSync(join(tmpdir(), "seqforge-gate-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const committed = (JSON.parse(readFileSync(resolve("bench/results.json"), "utf8")) as { results: GateRow[] }).results;

describe("instruction-count gate against bench/results.json", () => {
  for (const spec of REFERENCE_MODELS) {
    it(`${spec.name} on ${GATED_TARGETS.join(", ")}, speed and size: no count more than 1 % above the committed one`, { timeout: 600_000 }, async () => {
      // The same model, seed and steps as make bench (scripts/bench-targets.ts).
      const model = referenceQuantModel(spec, { scheme: "w8a16", seed: 1 });
      const name = `ref_${spec.name.toLowerCase()}`;
      const fresh: BenchResult[] = [];
      for (const optimize of OPTIMIZE_LEVELS) {
        fresh.push(...(await benchModel({ model, name, targets: GATED_TARGETS, optimize, workDir: join(work, name, optimize) })));
      }
      expect(fresh).toHaveLength(GATED_TARGETS.length * OPTIMIZE_LEVELS.length);
      expect(gateFindings(committed, fresh).map((f) => f.message)).toEqual([]);
    });
  }
});
