/**
 * The demo model on every target, as a user runs it: the CLI trains on the bundled Seattle
 * weather data with `make demo`'s flags, quantizes to every scheme, and `verify --target all`
 * must pass on the host (release and sanitize), every core under QEMU and the TypeScript module
 * under Node; the same demo with the seed cell on the host and the TypeScript module. Then fuzzed
 * models (every integer scheme, both cells) on every QEMU core.
 */
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listQemuTargets, listTargets, mapLimit } from "../../src/toolchain/index.js";
import { makeCase, runCase } from "../../src/verify/fuzz.js";
import { ROOT, runCli, runCliAsync, tempDir } from "../cli/helpers.js";

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The demo's flags, read from the Makefile so this test follows `make demo`. */
function demoFlags(): string[] {
  const make = readFileSync(join(ROOT, "Makefile"), "utf8");
  const line = /^DEMO_FLAGS := (.*)$/m.exec(make);
  if (!line) throw new Error("DEMO_FLAGS not found in the Makefile");
  return line[1]!.trim().split(/\s+/);
}

describe("the demo model on every target", () => {
  const model = join(work, "model.json");
  beforeAll(() => {
    const r = runCli(["train", "--data", "data/seattle-weather-train.csv", ...demoFlags(), "--out", model]);
    expect(r.code, r.stderr).toBe(0);
  });

  for (const scheme of ["w8a16", "w16a16", "w8a8", "f32"]) {
    it(`${scheme}: verify --target all passes on the host, every core and the TypeScript module`, async () => {
      const q = join(work, `model.${scheme}.q.json`);
      const qr = await runCliAsync(["quantize", model, "--calib", "data/seattle-weather-train.csv", "--scheme", scheme, "--out", q, "--json"]);
      expect(qr.code, qr.stderr).toBe(0);
      const vr = await runCliAsync(["verify", q, "--data", "data/seattle-weather-test.csv", "--target", "all", "--json"]);
      const report = JSON.parse(vr.stdout) as { ok: boolean; records: number; runs: { target: string; passed: boolean; summary: string }[] };
      expect(report.runs.filter((r) => !r.passed).map((r) => `${r.target}: ${r.summary}`)).toEqual([]);
      expect(new Set(report.runs.map((r) => r.target))).toEqual(new Set(listTargets()));
      expect(report.records).toBe(357);
      expect(report.ok).toBe(true);
      expect(vr.code).toBe(0);
    });
  }
});

describe("the demo model with the seed cell, on the host and the TypeScript module", () => {
  const model = join(work, "seed.json");
  beforeAll(() => {
    const r = runCli(["train", "--data", "data/seattle-weather-train.csv", ...demoFlags(), "--cell", "seed", "--out", model]);
    expect(r.code, r.stderr).toBe(0);
  });

  for (const scheme of ["w8a16", "w16a16", "w8a8", "f32"]) {
    it(`${scheme}: verify --target ts,host passes`, async () => {
      const q = join(work, `seed.${scheme}.q.json`);
      const qr = await runCliAsync(["quantize", model, "--calib", "data/seattle-weather-train.csv", "--scheme", scheme, "--out", q, "--json"]);
      expect(qr.code, qr.stderr).toBe(0);
      const vr = await runCliAsync(["verify", q, "--data", "data/seattle-weather-test.csv", "--target", "ts,host", "--json"]);
      const report = JSON.parse(vr.stdout) as { ok: boolean; records: number; runs: { target: string; variant: string; passed: boolean; summary: string }[] };
      expect(report.runs.map((r) => `${r.target} ${r.variant}: ${r.passed ? "pass" : r.summary}`)).toEqual(["ts release: pass", "host release: pass", "host sanitize: pass"]);
      expect(report.records).toBe(357);
      expect(vr.code).toBe(0);
    });
  }
});

describe("fuzzed models on every QEMU core", () => {
  // Seeds chosen so that the six cases of each core cover the three integer schemes and both
  // cells; the test checks that coverage rather than trusting it.
  const cores = listQemuTargets();
  const seeds = Array.from({ length: 6 }, (_, i) => 7100 + i);
  it("the cases cover every integer scheme and both cells", () => {
    const specs = seeds.map((s) => makeCase(s).model);
    expect(new Set(specs.map((m) => m.scheme))).toEqual(new Set(["w8a16", "w16a16", "w8a8"]));
    expect(new Set(specs.map((m) => m.architecture.cell))).toEqual(new Set(["standard", "seed"]));
  });
  for (const target of cores) {
    it(`${target}: every sequence bit-exact`, async () => {
      const results = await mapLimit(seeds, 2, (seed) => runCase(makeCase(seed), work, resolve("fuzz-failures"), { target }));
      expect(results.filter((r) => r.failure).map((r) => r.failure)).toEqual([]);
      expect(results.reduce((n, r) => n + r.sequences, 0)).toBeGreaterThan(40);
    });
  }
});
