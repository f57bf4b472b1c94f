// The size limits and the memory estimate of a training run (src/train/limits.ts): the estimate
// is the memory the workspace really allocates, and each limit is refused under its option.
import { describe, expect, it } from "vitest";
import { OptionError } from "../../src/errors.js";
import type { TrainConfig } from "../../src/train/api.js";
import { paramLayout } from "../../src/train/layout.js";
import { checkTrainingSize, trainingBytes } from "../../src/train/limits.js";
import { createWorkspace } from "../../src/train/workspace.js";

const base: TrainConfig = {
  cell: "standard", hidden: 8, layers: 2, epochs: 1, lr: 0.01, optimizer: "adam", batch: 4, seed: 1,
  loss: "mse", clip: 1, patience: 0, forgetBias: 1, mode: "window", window: 5,
};

describe("trainingBytes", () => {
  it("counts the workspace as allocated, plus Adam's two moments and the best-weights snapshot", () => {
    for (const c of [base, { ...base, cell: "seed" as const, hidden: 33, layers: 1, batch: 7, window: 50 }, { ...base, optimizer: "sgd" as const }]) {
      const lay = paramLayout({ inputSize: 3, hidden: c.hidden, layers: c.layers, outputSize: 2 });
      const ws = createWorkspace(lay, c.cell, c.batch, c.window);
      const need = trainingBytes(c, 3, 2);
      expect(need.workspace).toBe(ws.mem.byteLength);
      expect(need.parameters).toBe(lay.size);
      expect(need.total).toBe(ws.mem.byteLength + (c.optimizer === "adam" ? 3 : 1) * 8 * lay.size);
    }
  });
});

describe("checkTrainingSize", () => {
  const refused = (c: Partial<TrainConfig>, physical: number, option: string, what: RegExp) => {
    let err: unknown;
    try {
      checkTrainingSize({ ...base, ...c }, 3, 1, physical);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OptionError);
    expect((err as OptionError).option).toBe(option);
    expect((err as OptionError).what).toMatch(what);
  };

  it("accepts the largest sizes when memory allows, and a usual run on a small machine", () => {
    expect(() => checkTrainingSize({ ...base, hidden: 1024, layers: 1, window: 65535, batch: 1 }, 3, 1, 2 ** 40)).toThrow(/4 GiB a WebAssembly memory/);
    expect(() => checkTrainingSize({ ...base, hidden: 1024, layers: 1, window: 8, batch: 1 }, 3, 1, 2 ** 40)).not.toThrow();
    expect(() => checkTrainingSize(base, 3, 1, 2 ** 30)).not.toThrow();
  });

  it("refuses each limit under its option", () => {
    refused({ hidden: 1025 }, 2 ** 40, "hidden", /^1025 is more than 1,024/);
    refused({ layers: 17 }, 2 ** 40, "layers", /^17 is more than 16/);
    refused({ window: 65536 }, 2 ** 40, "window", /^65536 is more than 65,535/);
    refused({ hidden: 1024, layers: 3 }, 2 ** 40, "hidden", /make 20,997,121 parameters, more than 8,388,608/);
  });

  it("refuses buffers beyond the machine's memory, naming the larger chunk dimension", () => {
    const c = { hidden: 256, window: 400, batch: 64 };
    const need = trainingBytes({ ...base, ...c }, 3, 1).total;
    expect(() => checkTrainingSize({ ...base, ...c }, 3, 1, need)).not.toThrow();
    refused(c, need - 1, "window", /need \d+\.\d GiB, more than this machine's \d+\.\d GiB of memory: lower --batch, --window or --hidden$/);
    refused({ ...c, batch: 800 }, need - 1, "batch", /--batch 800 × --window 400 × --hidden 256 in 2 layers/);
  });
});
