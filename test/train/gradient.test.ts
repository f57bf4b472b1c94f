/**
 * Gradient check: the analytic gradient of BPTT (src/train/backward.ts, the loss and head in
 * src/train/loss.ts) against central finite differences of the loss, for every parameter of a
 * small two-layer network with a head, in float64. Covers both cells, both losses, window
 * chunks (reset state, target at the last step) and stream chunks (a non-zero state carried in,
 * a target at every step), a batch of 2 inside buffers sized for 3.
 *
 * Error measure: ‖g − n‖ / ‖g + n‖ over all parameters (the usual one; per-parameter ratios are
 * meaningless where a gradient is ~0), required below 1e-6, and for each parameter with
 * |g| > 1e-3, |g − n| / |g| below 1e-6.
 */
import { describe, expect, it } from "vitest";
import type { CellKind } from "../../src/model/model-file.js";
import type { LossKind } from "../../src/train/api.js";
import { paramLayout } from "../../src/train/layout.js";
import { sgd } from "../../src/train/optimizer.js";
import { TrainingStep } from "../../src/train/training-step.js";
import { resetState } from "../../src/train/workspace.js";
import { randomArray, randomParams } from "./fixtures.js";

const I = 3, H = 4, L = 2, O = 2, NB = 2, STEPS = 5;

function setUp(cell: CellKind, loss: LossKind, mode: "window" | "stream") {
  const lay = paramLayout({ inputSize: I, hidden: H, layers: L, outputSize: O });
  const p = randomParams(lay, 11, 0.6);
  const step = new TrainingStep(
    lay,
    { cell, loss: { kind: loss, every: mode === "stream" }, maxBatch: NB + 1, maxSteps: STEPS + 2, clip: 0 },
    p,
    sgd(0.1),
  );
  const ws = step.ws;
  ws.x.set(randomArray(STEPS * NB * I, 12, 1.5));
  ws.target.set(randomArray(STEPS * NB * O, 13, 1));
  const prepare = () => {
    resetState(ws, NB);
    if (mode === "stream") {
      // A state carried in from a previous chunk: a constant input to this chunk.
      for (let l = 0; l < L; l++) {
        ws.h[l]!.set(randomArray(NB * H, 20 + l, 0.8));
        ws.c[l]!.set(randomArray(NB * H, 30 + l, 1.5));
      }
      ws.stateIsZero = false;
    }
  };
  return { lay, p, step, prepare };
}

describe.each([
  ["standard", "mse", "window"],
  ["standard", "mse", "stream"],
  ["standard", "hidden", "window"],
  ["standard", "hidden", "stream"],
  ["seed", "mse", "window"],
  ["seed", "mse", "stream"],
  ["seed", "hidden", "window"],
  ["seed", "hidden", "stream"],
] as const)("gradient check: %s cell, %s loss, %s chunk", (cell, loss, mode) => {
  it("analytic BPTT equals central finite differences (relative error < 1e-6)", () => {
    const { p, step, prepare } = setUp(cell, loss, mode);
    prepare();
    step.gradient(NB, STEPS);
    const analytic = Float64Array.from(step.grad);
    const eps = 1e-5;
    const numeric = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const keep = p[i]!;
      p[i] = keep + eps;
      prepare();
      const up = step.evaluate(NB, STEPS);
      p[i] = keep - eps;
      prepare();
      const down = step.evaluate(NB, STEPS);
      p[i] = keep;
      numeric[i] = (up - down) / (2 * eps);
    }
    let diff = 0, sum = 0, worst = 0, checked = 0;
    for (let i = 0; i < p.length; i++) {
      const a = analytic[i]!, n = numeric[i]!;
      diff += (a - n) ** 2;
      sum += (a + n) ** 2;
      if (Math.abs(a) > 1e-3) {
        worst = Math.max(worst, Math.abs(a - n) / Math.abs(a));
        checked++;
      }
    }
    const rel = Math.sqrt(diff) / Math.sqrt(sum);
    expect(sum).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(p.length / 4);
    expect(rel).toBeLessThan(1e-6);
    expect(worst).toBeLessThan(1e-6);
  });
});

describe("fused SGD", () => {
  it.each(["standard", "seed"] as const)("updates the weights exactly as the unfused gradient then SGD step (%s cell)", (cell) => {
    const a = setUp(cell, "mse", "stream");
    const b = setUp(cell, "mse", "stream");
    const unfused = new TrainingStep(a.lay, { ...a.step.config, fuseSgd: false }, a.p, sgd(0.1));
    unfused.ws.x.set(a.step.ws.x);
    unfused.ws.target.set(a.step.ws.target);
    for (let k = 0; k < 3; k++) {
      resetState(unfused.ws, NB);
      unfused.update(NB, STEPS);
      resetState(b.step.ws, NB);
      b.step.update(NB, STEPS);
    }
    expect(Array.from(b.p)).toEqual(Array.from(a.p));
    expect(b.p.some((v, i) => v !== randomParams(b.lay, 11, 0.6)[i])).toBe(true);
  });
});
