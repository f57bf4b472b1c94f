/**
 * The trainer's forward pass (src/train/forward.ts) computes what the float64 reference
 * (src/model/float-lstm.ts) computes, on the shared weight layout: both cells, two layers, a
 * batch of samples side by side, and a stream cut into chunks with the state carried across.
 */
import { describe, expect, it } from "vitest";
import { createFloatState, floatStep } from "../../src/model/float-lstm.js";
import { forwardChunk, headForward } from "../../src/train/forward.js";
import { paramLayout } from "../../src/train/layout.js";
import { carryState, createWorkspace, resetState } from "../../src/train/workspace.js";
import { floatModelOf, randomArray, randomParams } from "./fixtures.js";

const I = 3, H = 5, L = 2, O = 2, NB = 3, CHUNK = 4, CHUNKS = 3;

describe.each(["standard", "seed"] as const)("forward parity with float-lstm (%s cell)", (cell) => {
  it("gives the same h, c and head output at every step, state carried across chunks", () => {
    const lay = paramLayout({ inputSize: I, hidden: H, layers: L, outputSize: O });
    const p = randomParams(lay, 5, 0.7);
    const model = floatModelOf(p, lay, cell, CHUNK);
    const T = CHUNK * CHUNKS;
    const xs = Array.from({ length: NB }, (_, b) => randomArray(T * I, 100 + b, 2));
    const ws = createWorkspace(lay, cell, NB, CHUNK);
    resetState(ws, NB);
    const refs = Array.from({ length: NB }, () => createFloatState(model.architecture));
    const yRef = new Float64Array(O);
    let worst = 0;
    let compared = 0;
    for (let chunk = 0; chunk < CHUNKS; chunk++) {
      for (let t = 0; t < CHUNK; t++) {
        for (let b = 0; b < NB; b++) {
          ws.x.set(xs[b]!.subarray((chunk * CHUNK + t) * I, (chunk * CHUNK + t + 1) * I), (t * NB + b) * I);
        }
      }
      forwardChunk(ws, p, NB, CHUNK);
      for (let t = 0; t < CHUNK; t++) {
        headForward(ws, p, NB, t);
        for (let b = 0; b < NB; b++) {
          floatStep(model, refs[b]!, xs[b]!.subarray((chunk * CHUNK + t) * I, (chunk * CHUNK + t + 1) * I), yRef);
          const slot = ((t + 1) * NB + b) * H;
          for (let l = 0; l < L; l++) {
            for (let j = 0; j < H; j++) {
              worst = Math.max(worst, Math.abs(ws.h[l]![slot + j]! - refs[b]!.h[l]![j]!));
              worst = Math.max(worst, Math.abs(ws.c[l]![slot + j]! - refs[b]!.c[l]![j]!));
              compared += 2;
            }
          }
          for (let q = 0; q < O; q++) {
            worst = Math.max(worst, Math.abs(ws.y[(t * NB + b) * O + q]! - yRef[q]!));
            compared++;
          }
        }
      }
      carryState(ws, NB, CHUNK);
    }
    expect(compared).toBe(CHUNKS * CHUNK * NB * (2 * L * H + O));
    // Only the order of additions differs: a few ulps.
    expect(worst).toBeLessThan(1e-12);
  });
});
