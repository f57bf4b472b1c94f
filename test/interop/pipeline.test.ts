/**
 * An imported model through the rest of the pipeline as a user runs it: import → quantize (with
 * its accuracy report) → generate → verify on the host, bit-exact against the simulator. The same
 * on every QEMU target is pipeline.qemu.test.ts.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliAsync, tempDir } from "../cli/helpers.js";
import { importAndQuantize, TORCH_CASES, type Case } from "./fixtures.js";

const dir = tempDir();

describe("imported models: quantize → generate → verify on the host", () => {
  // One case here to keep the fast loop quick; pipeline.qemu.test.ts runs a PyTorch and a Keras
  // model on the host and every QEMU target.
  const cases: [Case, string][] = [[TORCH_CASES[1]!, "w16a16"]];
  for (const [c, scheme] of cases) {
    it(`${c.name}, ${scheme}: bit-exact, with the accuracy report`, async () => {
      const { quantized, report } = await importAndQuantize(c, scheme, dir);
      expect(report).toMatch(/^\| calib \(.*\) \| \d+ \| [\d.e-]+ \| [\d.e-]+ \| [\d.e-]+ \| (0\.99\d+|1\.0+) \|/m);
      const out = join(dir, `${c.name}-c`);
      const g = await runCliAsync(["generate", quantized, "--target", "host", "--name", "imported", "--out", out]);
      expect(g.code, g.stderr).toBe(0);
      expect(existsSync(join(out, "imported.c"))).toBe(true);
      const v = await runCliAsync(["verify", quantized, "--data", c.csv, "--target", "host", "--json"]);
      expect(v.code, v.stderr).toBe(0);
      const result = JSON.parse(v.stdout) as { ok: boolean; records: number; runs: { target: string; passed: boolean }[] };
      expect(result.ok).toBe(true);
      expect(result.records).toBe(c.expected.rows.length);
      expect(result.runs.map((r) => [r.target, r.passed])).toEqual([["host", true], ["host", true]]);
    });
  }
});
