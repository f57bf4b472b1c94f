/**
 * The gate's requantisation (seqforge_gate_q15: the 32-bit path for shifts s >= 33 with the bias
 * clamped to [-2^30, 2^30], the int64 path below) against the simulator's integers
 * (src/quant: sat32(requantize(...) + b), then tanh_q15 or sigmoid_q15), bit for bit: the
 * generated runtime header compiled on the host, on the edge values of every input (int32
 * accumulators, multipliers 0 <= m < 2^30, biases up to +-2^31, every shift 1 .. 62) and on
 * random ones, including values whose z lies just inside and outside the tables' flat ends.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateC } from "../../src/codegen/generate.js";
import { requantize, sat32 } from "../../src/quant/int-ops.js";
import { buildTanhTable } from "../../src/quant/nonlinearity.js";
import { sigmoidQ15, tanhQ15 } from "../../src/quant/nonlinearity.js";
import { fixtureModel } from "./fixtures.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "seqforge-gate-requant-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Reads lines "ax mx ah mh s b is_tanh", prints the gate of each.
const CHECK = String.raw`
#include <stdio.h>
#include <stdint.h>
#include "seqforge_runtime.h"

int main(void)
{
    long ax, mx, ah, mh, b;
    int s, is_tanh;
    while (scanf("%ld %ld %ld %ld %d %ld %d", &ax, &mx, &ah, &mh, &s, &b, &is_tanh) == 7) {
        /* s is a constant in generated code; here the two paths are reached through a switch. */
        int16_t g;
        switch (s) {
#define CASE(S) case S: g = seqforge_gate_q15((int32_t)ax, (int32_t)mx, (int32_t)ah, (int32_t)mh, S, (int32_t)b, is_tanh); break;
        CASE(1) CASE(8) CASE(16) CASE(31) CASE(32) CASE(33) CASE(34) CASE(40) CASE(47) CASE(55) CASE(61) CASE(62)
        default: return 2;
        }
        printf("%d\n", (int)g);
    }
    return 0;
}
`;
const SHIFTS = [1, 8, 16, 31, 32, 33, 34, 40, 47, 55, 61, 62];

let seed = 0x2545f491;
function next(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

describe("seqforge_gate_q15 (the gate's requantisation and nonlinearity)", () => {
  it("equals the simulator's integers on edge and random values of every input, every path", { timeout: 120_000 }, async () => {
    const model = fixtureModel({ scheme: "w8a16", seed: 1 });
    const files = generateC(model, { prefix: "mdl", target: "host", floatIo: false });
    for (const f of files.filter((x) => x.name.startsWith("seqforge_runtime"))) writeFileSync(join(work, f.name), f.content);
    writeFileSync(join(work, "check.c"), CHECK);
    const exe = join(work, "check");
    const strict = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror", "-O2"];
    await run("gcc", [...strict, "-I", work, join(work, "check.c"), join(work, "seqforge_runtime.c"), "-o", exe]);

    const A = [-(2 ** 31), -(2 ** 31) + 1, -65536, -1, 0, 1, 65535, 2 ** 31 - 1];
    const M = [0, 1, 65536, 2 ** 29, 2 ** 30 - 1];
    const B = [-(2 ** 31), -(2 ** 30) - 1, -(2 ** 30), -(2 ** 19), -1, 0, 1, 2 ** 19, 2 ** 30, 2 ** 30 + 1, 2 ** 31 - 1];
    const cases: number[][] = [];
    for (const s of SHIFTS)
      for (const ax of A) for (const mx of M) for (const ah of [A[0]!, 0, A[7]!]) for (const b of B) cases.push([ax, mx, ah, 2 ** 30 - 1, s, b, cases.length % 2]);
    // Random: accumulators and multipliers scaled so that z lands around the tables' flat ends (|z| near 2^18, 2^19).
    for (let i = 0; i < 200_000; i++) {
      const s = SHIFTS[next() % SHIFTS.length]!;
      const m = next() % 2 ** 30;
      const scale = 2 ** Math.max(0, Math.min(31, s - 30 + 19 - (next() % 4)));
      const ax = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, ((next() | 0) % (2 * scale + 1)) | 0));
      const ah = (next() | 0) >> (next() % 31);
      const b = next() % 4 === 0 ? next() | 0 : ((next() | 0) >> 12);
      cases.push([ax, m, ah, next() % 2 ** 30, s, b, next() % 2]);
    }
    const child = execFile(exe, [], { maxBuffer: 64 * 1024 * 1024 });
    const out = new Promise<string>((res, rej) => {
      let text = "";
      child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
      child.on("close", (code) => (code === 0 ? res(text) : rej(new Error(`check exited ${code}`))));
    });
    child.stdin!.end(cases.map((c) => c.join(" ")).join("\n") + "\n");
    const got = (await out).trim().split("\n").map(Number);

    const T = buildTanhTable();
    const want = cases.map(([ax, mx, ah, mh, s, b, isTanh]) => {
      const z = sat32(requantize(ax!, mx!, ah!, mh!, s!) + b!);
      return isTanh ? tanhQ15(T, z) : sigmoidQ15(T, z);
    });
    expect(got).toHaveLength(cases.length);
    const wrong = cases.flatMap((c, i) => (got[i] === want[i] ? [] : [`${c.join(" ")}: C ${got[i]}, simulator ${want[i]}`])).slice(0, 5);
    expect(wrong).toEqual([]);
  });
});
