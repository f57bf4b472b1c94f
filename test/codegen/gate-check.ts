/**
 * The gate's requantisation and nonlinearities (seqforge_gate_q15: the 32-bit path for shifts
 * s >= 33 with the bias clamped to [-2^30, 2^30], the int64 path below; seqforge_tanh_q15, the
 * cell's tanh) against the simulator's integers (src/quant: sat32(requantize(...) + b), then
 * tanh_q15 or sigmoid_q15), bit for bit: the generated runtime header compiled with a check
 * program that reads the cases from a file, on the edge values of every input (int32
 * accumulators, multipliers 0 <= m < 2^30, biases up to +-2^31, every shift 1 .. 62) and on
 * random ones, including values whose z lies just inside and outside the table's flat end.
 * gate-requant.test.ts runs it on the host (the portable C), gate-requant.qemu.test.ts on the
 * DSP and Helium cores (their table walk and saturating flat end).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateC } from "../../src/codegen/generate.js";
import { requantize, sat32 } from "../../src/quant/int-ops.js";
import { buildTanhTable, sigmoidQ15, tanhQ15 } from "../../src/quant/nonlinearity.js";
import { fixtureModel } from "./fixtures.js";

/** Reads lines "ax mx ah mh s b is_tanh" from argv[1], prints the gate of each; s = 0: tanh_q15(ax). */
const CHECK = String.raw`
#include <stdio.h>
#include <stdint.h>
#include "seqforge_runtime.h"

int main(int argc, char **argv)
{
    long ax, mx, ah, mh, b;
    int s, is_tanh;
    FILE *in = argc == 2 ? fopen(argv[1], "r") : NULL;
    if (in == NULL) {
        return 2;
    }
    while (fscanf(in, "%ld %ld %ld %ld %d %ld %d", &ax, &mx, &ah, &mh, &s, &b, &is_tanh) == 7) {
        /* s is a constant in generated code; here the two paths are reached through a switch. */
        int16_t g;
        switch (s) {
#define CASE(S) case S: g = seqforge_gate_q15((int32_t)ax, (int32_t)mx, (int32_t)ah, (int32_t)mh, S, (int32_t)b, is_tanh); break;
        case 0: g = seqforge_tanh_q15((int32_t)ax); break;
        CASE(1) CASE(8) CASE(16) CASE(31) CASE(32) CASE(33) CASE(34) CASE(40) CASE(47) CASE(55) CASE(61) CASE(62)
        default: return 2;
        }
        printf("%d\n", (int)g);
    }
    fclose(in);
    return 0;
}
`;
const SHIFTS = [1, 8, 16, 31, 32, 33, 34, 40, 47, 55, 61, 62];

/** xorshift32, seeded: the same cases on every run and every target. */
function xorshift(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Edge values of every input, then `random` seeded random cases. */
export function gateCases(random: number): number[][] {
  const next = xorshift(0x2545f491);
  const A = [-(2 ** 31), -(2 ** 31) + 1, -65536, -1, 0, 1, 65535, 2 ** 31 - 1];
  const M = [0, 1, 65536, 2 ** 29, 2 ** 30 - 1];
  const B = [-(2 ** 31), -(2 ** 30) - 1, -(2 ** 30), -(2 ** 19), -1, 0, 1, 2 ** 19, 2 ** 30, 2 ** 30 + 1, 2 ** 31 - 1];
  const cases: number[][] = [];
  for (const s of SHIFTS)
    for (const ax of A) for (const mx of M) for (const ah of [A[0]!, 0, A[7]!]) for (const b of B) cases.push([ax, mx, ah, 2 ** 30 - 1, s, b, cases.length % 2]);
  // The cell's tanh at and around its flat end (|z| = 2^18) and at the ends of its range.
  for (const z of [0, 1, 511, 512, 2 ** 18 - 2, 2 ** 18 - 1, 2 ** 18, 2 ** 18 + 1, 2 ** 30, 2 ** 31 - 1]) cases.push([z, 0, 0, 0, 0, 0, 1], [-z, 0, 0, 0, 0, 0, 1]);
  // Random: accumulators and multipliers scaled so that z lands around the table's flat end (|z| near 2^18, 2^19).
  for (let i = 0; i < random; i++) {
    const s = SHIFTS[next() % SHIFTS.length]!;
    const m = next() % 2 ** 30;
    const scale = 2 ** Math.max(0, Math.min(31, s - 30 + 19 - (next() % 4)));
    const ax = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, ((next() | 0) % (2 * scale + 1)) | 0));
    const ah = (next() | 0) >> (next() % 31);
    const b = next() % 4 === 0 ? next() | 0 : (next() | 0) >> 12;
    cases.push([ax, m, ah, next() % 2 ** 30, s, b, next() % 2]);
    if (i % 8 === 0) cases.push([(next() | 0) >> (1 + (next() % 14)), 0, 0, 0, 0, 0, 1]);
  }
  return cases;
}

/** What the simulator gives for each case. */
export function simulatorGates(cases: number[][]): number[] {
  const T = buildTanhTable();
  return cases.map(([ax, mx, ah, mh, s, b, isTanh]) => {
    if (s === 0) return tanhQ15(T, ax!);
    const z = sat32(requantize(ax!, mx!, ah!, mh!, s!) + b!);
    return isTanh ? tanhQ15(T, z) : sigmoidQ15(T, z);
  });
}

/** Writes the runtime, the check program and the cases into dir; returns the sources to build and the cases file's name. */
export function writeGateCheck(dir: string, cases: number[][]): { sources: string[]; casesFile: string } {
  const files = generateC(fixtureModel({ scheme: "w8a16", seed: 1 }), { prefix: "mdl", target: "host", floatIo: false });
  for (const f of files.filter((x) => x.name.startsWith("seqforge_runtime"))) writeFileSync(join(dir, f.name), f.content);
  writeFileSync(join(dir, "check.c"), CHECK);
  writeFileSync(join(dir, "cases.txt"), cases.map((c) => c.join(" ")).join("\n") + "\n");
  return { sources: [join(dir, "check.c"), join(dir, "seqforge_runtime.c")], casesFile: "cases.txt" };
}

/** The first few cases where the program's output differs from the simulator's, as lines. */
export function gateMismatches(cases: number[][], stdout: string): string[] {
  const got = stdout.trim().split("\n").map(Number);
  const want = simulatorGates(cases);
  if (got.length !== cases.length) return [`${got.length} results for ${cases.length} cases`];
  return cases.flatMap((c, i) => (got[i] === want[i] ? [] : [`${c.join(" ")}: C ${got[i]}, simulator ${want[i]}`])).slice(0, 5);
}
