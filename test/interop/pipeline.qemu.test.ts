/**
 * Imported models on every target: a PyTorch export and a Keras model, imported, quantized and
 * verified with `verify --target all` (host release and sanitize, every QEMU target), bit-exact.
 */
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { listTargets } from "../../src/toolchain/index.js";
import { runCliAsync, tempDir } from "../cli/helpers.js";
import { importAndQuantize, KERAS_CASES, TORCH_CASES } from "./fixtures.js";

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("imported models on every target", () => {
  for (const [c, scheme] of [[TORCH_CASES[1]!, "w8a16"], [KERAS_CASES[0]!, "w8a8"]] as const) {
    it(`${c.name}, ${scheme}: verify --target all passes on the host and every QEMU target`, async () => {
      const { quantized } = await importAndQuantize(c, scheme, work);
      const v = await runCliAsync(["verify", quantized, "--data", c.csv, "--target", "all", "--json"]);
      const report = JSON.parse(v.stdout) as { ok: boolean; records: number; runs: { target: string; passed: boolean; summary: string }[] };
      expect(report.runs.filter((r) => !r.passed).map((r) => `${r.target}: ${r.summary}`)).toEqual([]);
      expect(new Set(report.runs.map((r) => r.target))).toEqual(new Set(listTargets()));
      expect(report.records).toBe(c.expected.rows.length);
      expect(report.ok).toBe(true);
      expect(v.code).toBe(0);
    });
  }
});
