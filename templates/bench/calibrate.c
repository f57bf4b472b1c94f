/*
 * Calibration of the instruction counter (seqforge bench): runs a loop of known length — two
 * instructions per iteration, `subs` and `bne` — for several iteration counts and prints the
 * SysTick ticks each took. The instructions per tick follow from the differences (the constant
 * cost of the call and the counter reads cancels out). Instruction counts, not cycles.
 *   output: one line per run, "calibrate iterations=N ticks=T", then "calibrate overhead=T"
 */
#include <stdio.h>
#include <stdint.h>
#include "seqforge_target.h"

/* 2·n instructions: `subs` and `bne` per iteration (the last `bne` falls through). */
__attribute__((noinline)) static void sf_known_loop(uint32_t n)
{
    __asm__ volatile(
        ".syntax unified\n"
        "1:\n\t"
        "subs %0, %0, #1\n\t"
        "bne 1b\n"
        : "+l"(n)
        :
        : "cc");
}

int main(void)
{
    static const uint32_t iterations[] = { 1000u, 10000u, 100000u, 1000000u, 3000000u };
    uint32_t k, t0, t1;
    sf_counter_init();
    t0 = sf_counter_now();
    t1 = sf_counter_now();
    printf("calibrate overhead=%lu\n", (unsigned long)sf_ticks_between(t0, t1));
    for (k = 0; k < sizeof iterations / sizeof iterations[0]; k++) {
        t0 = sf_counter_now();
        sf_known_loop(iterations[k]);
        t1 = sf_counter_now();
        printf("calibrate iterations=%lu ticks=%lu\n", (unsigned long)iterations[k], (unsigned long)sf_ticks_between(t0, t1));
    }
    return 0;
}
