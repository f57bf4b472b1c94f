/**
 * The check program of seqforge_requant_dot2_s64 (the requantisation's two-term product), shared by
 * the host test of the portable split (split-mul.test.ts) and the Cortex-M0 test of its Thumb-1
 * assembly (split-mul.qemu.test.ts): the edge values of its domain (int32 accumulators,
 * multipliers 0 <= m < 2^30: every sign and carry boundary of the 16-bit halves) in every
 * combination, then `randomCases` random values, each against the plain int64 expression. It
 * prints "checked wrong".
 */
import { generateC } from "../../src/codegen/generate.js";
import { fixtureModel } from "./fixtures.js";

const CHECK = String.raw`#include <stdio.h>
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
    for (r = 0; r < RANDOM_CASES; r++) {
        const int32_t ax = (int32_t)next();
        const int32_t ah = (int32_t)next();
        const int32_t mx = (int32_t)(next() >> 2);
        const int32_t mh = (int32_t)(next() >> 2);
        wrong += seqforge_requant_dot2_s64(ax, mx, ah, mh) != (int64_t)ax * mx + (int64_t)ah * mh;
        checked++;
    }
    printf("%ld %ld\n", checked, wrong);
    return 0;
}`;

/** Edge-value combinations the program checks (19 accumulators and 11 multipliers, in both terms). */
export const EDGE_CASES = 19 ** 2 * 11 ** 2;

export function splitMulCheckSource(randomCases: number): string {
  return `#define RANDOM_CASES ${randomCases}\n` + CHECK;
}

/** The generated runtime header the program includes (the same bytes for every model). */
export function runtimeHeader(): string {
  const model = fixtureModel({ scheme: "w8a16", seed: 1 });
  return generateC(model, { prefix: "mdl", target: "cortex-m0", floatIo: false }).find((f) => f.name === "seqforge_runtime.h")!.content;
}
