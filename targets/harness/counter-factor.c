/*
 * Calibration of the instruction counter (seqforge bench): runs a loop of known length — the
 * target's sf_known_loop, SF_KNOWN_LOOP_INSTRUCTIONS instructions per iteration
 * (seqforge_target.h) — for several iteration counts and prints the counter ticks each took.
 * The instructions per tick follow from the differences (the constant cost of the call and the
 * counter reads cancels out). Instruction counts, not cycles.
 *   output: "counter loop_instructions=K", "counter overhead=T", then one line per run,
 *   "counter iterations=N ticks=T"
 */
#include <stdio.h>
#include <stdint.h>
#include "seqforge_target.h"

int main(void)
{
    static const uint32_t iterations[] = { 1000u, 10000u, 100000u, 1000000u, 3000000u };
    uint32_t k, t0, t1;
    sf_counter_init();
    printf("counter loop_instructions=%lu\n", (unsigned long)SF_KNOWN_LOOP_INSTRUCTIONS);
    t0 = sf_counter_now();
    t1 = sf_counter_now();
    printf("counter overhead=%lu\n", (unsigned long)sf_ticks_between(t0, t1));
    for (k = 0; k < sizeof iterations / sizeof iterations[0]; k++) {
        t0 = sf_counter_now();
        sf_known_loop(iterations[k]);
        t1 = sf_counter_now();
        printf("counter iterations=%lu ticks=%lu\n", (unsigned long)iterations[k], (unsigned long)sf_ticks_between(t0, t1));
    }
    return 0;
}
