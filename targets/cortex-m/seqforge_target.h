/*
 * seqforge_target.h — what a program built for a seqforge target may use beyond the C library;
 * the contract every target folder implements, and all the harness C (targets/harness/) uses:
 *
 *   sf_counter_init, sf_counter_now, sf_counter_restart, sf_counter_wrapped, sf_ticks_between
 *       the instruction counter;
 *   sf_known_loop, SF_KNOWN_LOOP_INSTRUCTIONS
 *       a loop of known length, to measure the counter factor with;
 *   sf_stack_mark, sf_stack_used, sf_stack_high_water, sf_stack_size, SF_STACK_PATTERN
 *       the stack high-water mark, by painting.
 *
 * This folder's implementation, for the Cortex-M cores: the counter is SysTick under QEMU
 * -icount. The startup code (startup.c) implements the functions; the counter reads are inline so
 * that their own cost is a few instructions, measured and subtracted by the caller.
 *
 * These count INSTRUCTIONS, not cycles: under `-icount shift=N` QEMU advances virtual time by
 * 2^N ns per instruction executed, and SysTick counts that virtual time. The factor from ticks
 * to instructions is measured per board (targets/<name>.json, counter.instructionsPerTick).
 */
#ifndef SEQFORGE_TARGET_H
#define SEQFORGE_TARGET_H

#include <stdint.h>

#define SF_SYST_CSR (*(volatile uint32_t *)0xE000E010u) /* control and status */
#define SF_SYST_RVR (*(volatile uint32_t *)0xE000E014u) /* reload value */
#define SF_SYST_CVR (*(volatile uint32_t *)0xE000E018u) /* current value, counts down */

/* The counter is 24 bits wide: a region measured with one pair of reads must stay below
 * 2^24 ticks (about 20 million instructions); measure longer work in chunks. */
#define SF_TICKS_MASK 0x00FFFFFFu

/*
 * Starts SysTick free-running from 0xFFFFFF on the processor clock, no interrupt. Any write to CVR
 * clears it to 0, and it reloads from RVR only on the next tick: a read before that tick returns
 * 0, and the reload sets COUNTFLAG, so the first region measured after the set-up would start at
 * 0 and look like a wrap. So wait for the reload, then read CSR to clear COUNTFLAG: the counter
 * is mid-count, from 0xFFFFFF down, when this returns.
 */
static inline void sf_counter_init(void)
{
    SF_SYST_CSR = 0u;
    SF_SYST_RVR = SF_TICKS_MASK;
    SF_SYST_CVR = 0u;
    SF_SYST_CSR = 5u;   /* ENABLE | CLKSOURCE = processor clock */
    while (SF_SYST_CVR == 0u) {
    }
    (void)SF_SYST_CSR;  /* clears COUNTFLAG */
}

static inline uint32_t sf_counter_now(void)
{
    return SF_SYST_CVR;
}

/*
 * For a region that may approach 2^24 ticks: restart the count from 0xFFFFFF and clear
 * COUNTFLAG (CSR bit 16, cleared by reading CSR). After the region, sf_counter_wrapped() is 1
 * when the counter reached 0, i.e. the region took 2^24 ticks or more and its count is wrong.
 */
static inline void sf_counter_restart(void)
{
    SF_SYST_CVR = 0u;                        /* reloads 0xFFFFFF on the next tick */
    while (SF_SYST_CVR == 0u) {
    }
    (void)SF_SYST_CSR;                       /* clears COUNTFLAG */
}

static inline uint32_t sf_counter_wrapped(void)
{
    return (SF_SYST_CSR >> 16) & 1u;
}

/* Ticks from `start` to `stop` (two sf_counter_now() readings): it counts down, modulo 2^24. */
static inline uint32_t sf_ticks_between(uint32_t start, uint32_t stop)
{
    return (start - stop) & SF_TICKS_MASK;
}

/* A loop of known length for measuring the counter factor: SF_KNOWN_LOOP_INSTRUCTIONS instructions
 * per iteration, `subs` and `bne` (the last `bne` falls through), n >= 1. */
#define SF_KNOWN_LOOP_INSTRUCTIONS 2u

/* inline: a header function a program does not call must not warn. Where it is inlined does not
 * matter: the loop itself is the asm below, and the constant around it cancels in differences. */
static inline void sf_known_loop(uint32_t n)
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

/* Stack painting (common/sf_stack.h), with the family's way to read SP. */
#define SF_READ_SP(sp) __asm__ volatile("mov %0, sp" : "=r"(sp))
#include "../common/sf_stack.h"

#endif /* SEQFORGE_TARGET_H */
