/**
 * The Armv6-M requantisation product (seqforge_requant_dot2_s64 with SEQFORGE_SPLIT_MUL, four 16×16
 * partial products per 32×32 product) equals the int64 sum ax·mx + ah·mh bit for bit: the
 * generated runtime header is compiled on the host with the split forced on, and checked against
 * the plain int64 expression on the edge values of its domain (int32 accumulators, multipliers
 * 0 ≤ m < 2^30: every sign and carry boundary of the 16-bit halves) and on random values.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateC } from "../../src/codegen/generate.js";
import { fixtureModel } from "./fixtures.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "seqforge-split-mul-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CHECK = String.raw`
#include <stdio.h>
#include <stdint.h>
#include "seqforge_runtime.h"

static const int32_t A[] = { INT32_MIN, INT32_MIN + 1, -2147418113, -65537, -65536, -65535, -32769,
    -32768, -1, 0, 1, 32767, 32768, 65535, 65536, 65537, 2147418111, INT32_MAX - 1, INT32_MAX };
static const int32_t M[] = { 0, 1, 32767, 32768, 65535, 65536, 65537, 1073676288, 1073676289,
    1073741822, 1073741823 };

static uint32_t state = 12345u;
static uint32_t next(void) { state ^= state << 13; state ^= state >> 17; state ^= state << 5; return state; }

int main(void)
{
    const int na = (int)(sizeof A / sizeof A[0]);
    const int nm = (int)(sizeof M / sizeof M[0]);
    long checked = 0;
    long wrong = 0;
    int i, j, k, l, r;
    for (i = 0; i < na; i++)
        for (j = 0; j < nm; j++)
            for (k = 0; k < na; k++)
                for (l = 0; l < nm; l++) {
                    const int64_t want = (int64_t)A[i] * M[j] + (int64_t)A[k] * M[l];
                    wrong += seqforge_requant_dot2_s64(A[i], M[j], A[k], M[l]) != want;
                    checked++;
                }
    for (r = 0; r < 1000000; r++) {
        const int32_t ax = (int32_t)next();
        const int32_t ah = (int32_t)next();
        const int32_t mx = (int32_t)(next() >> 2);
        const int32_t mh = (int32_t)(next() >> 2);
        wrong += seqforge_requant_dot2_s64(ax, mx, ah, mh) != (int64_t)ax * mx + (int64_t)ah * mh;
        checked++;
    }
    printf("%ld %ld\n", checked, wrong);
    return 0;
}
`;

describe("seqforge_requant_dot2_s64 with SEQFORGE_SPLIT_MUL (the Armv6-M requantisation product)", () => {
  it("equals the int64 sum on every edge-value combination and on a million random ones", { timeout: 60_000 }, async () => {
    const model = fixtureModel({ scheme: "w8a16", seed: 1 });
    const runtime = generateC(model, { prefix: "mdl", target: "cortex-m0", floatIo: false }).find((f) => f.name === "seqforge_runtime.h")!;
    writeFileSync(join(work, "seqforge_runtime.h"), runtime.content);
    writeFileSync(join(work, "check.c"), CHECK);
    const exe = join(work, "check");
    const strict = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror", "-O2"];
    await run("gcc", [...strict, "-DSEQFORGE_SPLIT_MUL=1", "-I", work, join(work, "check.c"), "-o", exe]);
    const { stdout } = await run(exe);
    const [checked, wrong] = stdout.trim().split(" ").map(Number);
    expect(checked).toBe(19 ** 2 * 11 ** 2 + 1_000_000);
    expect(wrong).toBe(0);
  });
});
