/**
 * The gate's comparison (src/bench/gate.ts) on planted rows: it must fail a rise beyond 1 %, name
 * the row, and pass what stays within it.
 */
import { describe, expect, it } from "vitest";
import { gateFindings, type GateRow } from "../../src/bench/gate.js";

const row = (target: string, model: string, optimize: "speed" | "size", instructionsPerStep: number): GateRow => ({ target, model, optimize, instructionsPerStep });

describe("instruction-count gate", () => {
  const committed = [row("cortex-m4", "ref_m", "speed", 10_000), row("cortex-m4", "ref_m", "size", 12_000), row("cortex-m0", "ref_s", "speed", 20_000)];

  it("passes counts at, below, or within 1 % above the committed ones", () => {
    expect(gateFindings(committed, [row("cortex-m4", "ref_m", "speed", 10_100), row("cortex-m4", "ref_m", "size", 9_000), row("cortex-m0", "ref_s", "speed", 20_000)])).toEqual([]);
  });

  it("fails a planted regression of more than 1 %, naming the model, core and build", () => {
    const found = gateFindings(committed, [row("cortex-m4", "ref_m", "speed", 10_101), row("cortex-m4", "ref_m", "size", 12_000)]);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toBe("ref_m on cortex-m4 (speed): 10101 instructions per step, 1.01 % above the committed 10000 (limit 1 %)");
  });

  it("keeps the builds apart: a size-build figure is no baseline for the speed build", () => {
    const found = gateFindings([row("cortex-m4", "ref_m", "size", 20_000)], [row("cortex-m4", "ref_m", "speed", 19_000)]);
    expect(found.map((f) => f.message)).toEqual(["ref_m on cortex-m4 (speed): no committed figure in bench/results.json (run make bench)"]);
  });
});
