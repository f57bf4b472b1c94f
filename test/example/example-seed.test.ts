/**
 * `seqforge example seed` reproduces the seed's example run:
 *   - with the default configuration, the six lines published in
 *     docs/seed-example.md (measured with numpy 2.4), digit for digit;
 *   - with other configurations, the lines of test/example/seed_lstm.py (the same algorithm in
 *     numpy, written for this test), digit for digit — skipped where python3 or numpy is missing.
 * The configurations compared are numerically stable ones: where an SGD run itself turns chaotic
 * (it can, with a large rate), two float64 implementations drift apart from the ulp level on.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runSeedExample, SEED_DEFAULTS, type SeedConfig } from "../../src/example/seed-example.js";

const PUBLISHED = [
  "iter  0: y_pred = [ 0.04135,  0.06930,  0.11699,  0.16562], loss: 7.535e-01",
  "iter  1: y_pred = [-0.22330, -0.32307, -0.39451, -0.43398], loss: 5.991e-01",
  "iter  2: y_pred = [-0.14071, -0.18184, -0.21944, -0.23890], loss: 4.451e-01",
  "iter 97: y_pred = [-0.50035,  0.20119,  0.09903, -0.49915], loss: 3.193e-06",
  "iter 98: y_pred = [-0.50034,  0.20112,  0.09908, -0.49919], loss: 2.887e-06",
  "iter 99: y_pred = [-0.50033,  0.20106,  0.09912, -0.49923], loss: 2.611e-06",
];

const SCRIPT = "test/example/seed_lstm.py";

function numpyLines(c: SeedConfig): string[] | null {
  const probe = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
  if (probe.status !== 0) return null;
  const out = execFileSync(
    "python3",
    [SCRIPT, "--x-dim", `${c.xDim}`, "--cells", `${c.cells}`, "--targets", c.targets.join(","), "--iters", `${c.iters}`, "--lr", `${c.lr}`],
    { encoding: "utf8" },
  );
  return out.trimEnd().split("\n");
}

describe("example seed", () => {
  it("default configuration: the six published lines, digit for digit", () => {
    const lines = runSeedExample(SEED_DEFAULTS).map((l) => l.text);
    expect(lines).toHaveLength(100);
    expect([...lines.slice(0, 3), ...lines.slice(97)]).toEqual(PUBLISHED);
  });

  it.for<[string, SeedConfig]>([
    ["x 3, 5 cells, one target, 120 iterations", { xDim: 3, cells: 5, targets: [1.5], iters: 120, lr: 0.3 }],
    ["x 20, 30 cells, 3 targets, lr 0.5", { xDim: 20, cells: 30, targets: [2, -3, 4], iters: 40, lr: 0.5 }],
    ["x 10, 16 cells, 5 targets, lr 0.05", { xDim: 10, cells: 16, targets: [0.3, -0.2, 0.4, 0.1, -0.5], iters: 110, lr: 0.05 }],
  ])("%s: every line equals the numpy script's", ([, config], ctx) => {
    const want = numpyLines(config);
    if (want === null) {
      ctx.skip("python3 with numpy not found: numpy comparison skipped");
      return;
    }
    expect(want).toHaveLength(config.iters);
    expect(runSeedExample(config).map((l) => l.text)).toEqual(want);
  });

  it("the command prints the same lines, and --json the same values", (ctx) => {
    if (!existsSync("dist/cli/main.js")) {
      ctx.skip("dist/ not built (make build): command-line check skipped");
      return;
    }
    const args = ["bin/seqforge.js", "example", "seed", "--x-dim", "4", "--cells", "6", "--targets", "0.5,-0.25", "--iters", "12", "--lr", "0.2"];
    const text = execFileSync("node", args, { encoding: "utf8" }).trimEnd().split("\n");
    const config = { xDim: 4, cells: 6, targets: [0.5, -0.25], iters: 12, lr: 0.2 };
    const expected = runSeedExample(config);
    expect(text).toEqual(expected.map((l) => l.text));
    const json = JSON.parse(execFileSync("node", [...args, "--json"], { encoding: "utf8" }));
    expect(json.config).toEqual(config);
    expect(json.lines).toEqual(expected);
  });

  it("bad flags: one line naming the flag, exit code 2", (ctx) => {
    if (!existsSync("dist/cli/main.js")) {
      ctx.skip("dist/ not built (make build): command-line check skipped");
      return;
    }
    const r = spawnSync("node", ["bin/seqforge.js", "example", "seed", "--targets", "0.1,x"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([`seqforge: --targets: item 2: a number expected, found "x"`]);
    const c = spawnSync("node", ["bin/seqforge.js", "example", "seed", "--cells", "0"], { encoding: "utf8" });
    expect(c.status).toBe(2);
    expect(c.stderr).toContain("--cells");
  });
});
