// Shared by the CLI tests: temporary folders, a small hand-made model file, and running the
// compiled CLI (`node bin/seqforge.js`, as a user does; `make test` builds dist/ first).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { MODEL_FORMAT, MODEL_VERSION, type FloatModel } from "../../src/model/model-file.js";

export const ROOT = resolve(import.meta.dirname, "../..");

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "seqforge-test-"));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[]): CliResult {
  if (!existsSync(join(ROOT, "dist/cli/main.js"))) throw new Error("dist/ is missing: run `npx tsc -p .` (make build) first");
  const r = spawnSync(process.execPath, [join(ROOT, "bin/seqforge.js"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * runCli without blocking, so independent runs (the bad-input cases) overlap; `cwd` is the
 * repository root unless given, `env` this process's environment (a test hides a toolchain by
 * giving another PATH).
 */
export function runCliAsync(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  if (!existsSync(join(ROOT, "dist/cli/main.js"))) throw new Error("dist/ is missing: run `npx tsc -p .` (make build) first");
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [join(ROOT, "bin/seqforge.js"), ...args], { cwd, env });
    let stdout = "";
    let stderr = "";
    p.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    p.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    p.on("error", fail);
    p.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/**
 * What every bad-input run must show (README, "The pipeline"): exit 2, nothing on stdout, one line on stderr
 * starting `seqforge: ` and matching `message`, and no output at `unwritten`.
 */
export function expectInputError(r: CliResult, message: RegExp, unwritten: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^seqforge: /);
  expect(r.stderr.trimEnd()).toMatch(message);
  expect(existsSync(unwritten)).toBe(false);
}

/** Deterministic weights in (-0.5, 0.5) without a random generator: the fractional part of k·φ. */
function weights(n: number, salt: number): number[] {
  return Array.from({ length: n }, (_, k) => (((k + 1) * 0.6180339887498949 + salt * 0.414) % 1) - 0.5);
}

export function tinyModel(
  o: { cell?: "standard" | "seed"; mode?: "window" | "stream"; window?: number; horizon?: number; hidden?: number; features?: string[]; targets?: string[] } = {},
): FloatModel {
  const features = o.features ?? ["x"];
  const targets = o.targets ?? ["y"];
  const H = o.hidden ?? 3;
  const I = features.length;
  const O = targets.length;
  const mode = o.mode ?? "window";
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    architecture: {
      cell: o.cell ?? "standard",
      inputSize: I,
      hiddenSize: H,
      layers: 1,
      outputSize: O,
      window: o.window ?? 3,
      horizon: o.horizon ?? 1,
      mode,
    },
    features,
    targets,
    normalization: {
      input: { mean: features.map((_, k) => 1 + k), scale: features.map((_, k) => 2 + k) },
      output: { mean: targets.map((_, k) => 10 + k), scale: targets.map((_, k) => 4 + k) },
    },
    weights: {
      layers: [{ wx: weights(4 * H * I, 1), wh: weights(4 * H * H, 2), b: weights(4 * H, 3) }],
      head: { w: weights(O * H, 4), b: weights(O, 5) },
    },
    training: { dataHash: "sha256:test", seed: 1, flags: {}, lossHistory: [{ epoch: 0, loss: 1, valLoss: null }], bestEpoch: null },
  };
}
