/**
 * The instruction-count gate: fresh bench rows against the committed bench/results.json. Counts
 * under QEMU -icount are deterministic (the same image and inputs give the same count on every
 * run), so a rise is a change in the code, never noise; the tolerance only lets a deliberate
 * small trade pass without a regenerated baseline.
 */
import type { BenchResult } from "./bench-model.js";

export type GateRow = Pick<BenchResult, "target" | "model" | "optimize" | "instructionsPerStep">;

export interface GateFinding {
  target: string;
  model: string;
  optimize: string;
  committed: number | null;
  measured: number;
  /** What is wrong, in one line: which row, and by how much it rose (or that it has no baseline). */
  message: string;
}

/** Default tolerance: 1 % above the committed count. */
export const GATE_TOLERANCE = 0.01;

/** Every fresh row that rose more than `tolerance` above its committed row, or has none. */
export function gateFindings(committed: readonly GateRow[], fresh: readonly GateRow[], tolerance = GATE_TOLERANCE): GateFinding[] {
  const out: GateFinding[] = [];
  for (const f of fresh) {
    const c = committed.find((r) => r.target === f.target && r.model === f.model && r.optimize === f.optimize);
    const where = `${f.model} on ${f.target} (${f.optimize})`;
    if (!c) {
      out.push({ ...pick(f), committed: null, message: `${where}: no committed figure in bench/results.json (run make bench)` });
    } else if (f.instructionsPerStep > c.instructionsPerStep * (1 + tolerance)) {
      const pct = ((f.instructionsPerStep / c.instructionsPerStep - 1) * 100).toFixed(2);
      out.push({
        ...pick(f),
        committed: c.instructionsPerStep,
        message: `${where}: ${f.instructionsPerStep} instructions per step, ${pct} % above the committed ${c.instructionsPerStep} (limit ${tolerance * 100} %)`,
      });
    }
  }
  return out;
}

function pick(r: GateRow): Pick<GateFinding, "target" | "model" | "optimize" | "measured"> {
  return { target: r.target, model: r.model, optimize: r.optimize, measured: r.instructionsPerStep };
}
