/**
 * The Armv6-M requantisation product (seqforge_requant_dot2_s64 with SEQFORGE_SPLIT_MUL, four 16×16
 * partial products per 32×32 product) equals the int64 sum ax·mx + ah·mh bit for bit: the
 * generated runtime header is compiled on the host with the split forced on (its portable C, the
 * reference; the Thumb-1 assembly of the same split is checked on Cortex-M0 by
 * split-mul.qemu.test.ts), and checked against the plain int64 expression on the edge values of its
 * domain and on random values (split-mul-check.ts).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { EDGE_CASES, runtimeHeader, splitMulCheckSource } from "./split-mul-check.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "seqforge-split-mul-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("seqforge_requant_dot2_s64 with SEQFORGE_SPLIT_MUL (the Armv6-M requantisation product)", () => {
  it("equals the int64 sum on every edge-value combination and on a million random ones", { timeout: 60_000 }, async () => {
    writeFileSync(join(work, "seqforge_runtime.h"), runtimeHeader());
    writeFileSync(join(work, "check.c"), splitMulCheckSource(1_000_000));
    const exe = join(work, "check");
    const strict = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror", "-O2"];
    await run("gcc", [...strict, "-DSEQFORGE_SPLIT_MUL=1", "-I", work, join(work, "check.c"), "-o", exe]);
    const { stdout } = await run(exe);
    const [checked, wrong] = stdout.trim().split(" ").map(Number);
    expect(checked).toBe(EDGE_CASES + 1_000_000);
    expect(wrong).toBe(0);
  });
});
