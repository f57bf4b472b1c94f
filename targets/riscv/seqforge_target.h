/*
 * seqforge_target.h — the target contract (see targets/cortex-m/seqforge_target.h for the list
 * of what every target folder provides) implemented for 32-bit RISC-V in machine mode under QEMU
 * `-M virt`: the instruction counter is `minstret`, the retired-instruction counter, which QEMU
 * keeps exact under -icount; the stack high-water mark is found by painting, as on Cortex-M. The
 * startup code (startup.c) implements the non-inline functions; the counter reads are inline so
 * that their own cost is a few instructions, measured and subtracted by the caller.
 *
 * These count INSTRUCTIONS, not cycles: one tick of minstret is one retired instruction
 * (targets/<name>.json, counter.instructionsPerTick, measured with targets/harness/counter-factor.c).
 */
#ifndef SEQFORGE_TARGET_H
#define SEQFORGE_TARGET_H

#include <stdint.h>

/* minstret is a control and status register: reading it needs Zicsr, which gcc 12 takes as part
 * of rv32imc but binutils 2.40 wants named; `.option arch, +zicsr` names it for these
 * instructions only, so that -march stays rv32imc and selects the rv32im multilib of the C
 * library (an `_zicsr` in -march matches none). */
static inline uint32_t sf_read_minstret(void)
{
    uint32_t v;
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\tcsrr %0, minstret\n\t.option pop" : "=r"(v));
    return v;
}

static inline uint32_t sf_read_minstreth(void)
{
    uint32_t v;
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\tcsrr %0, minstreth\n\t.option pop" : "=r"(v));
    return v;
}

/* The full 64-bit count: the high half read again until it did not change across the low read. */
static inline uint64_t sf_read_minstret64(void)
{
    uint32_t hi, lo;
    do {
        hi = sf_read_minstreth();
        lo = sf_read_minstret();
    } while (sf_read_minstreth() != hi);
    return ((uint64_t)hi << 32) | lo;
}

/* minstret counts from reset and needs no set-up. */
static inline void sf_counter_init(void)
{
}

/* The low 32 bits: a measured region must stay below 2^32 instructions (minutes of QEMU). */
static inline uint32_t sf_counter_now(void)
{
    return sf_read_minstret();
}

/* Where the last sf_counter_restart() found the count (startup.c). */
extern uint64_t sf_counter_origin;

/* For a region that may approach 2^32 instructions: note where the count is; afterwards,
 * sf_counter_wrapped() is 1 when 2^32 instructions or more have retired since, i.e. the region's
 * 32-bit count is wrong. (It is read after the region, so it also counts the few instructions
 * between the region's end and the call: it can only err towards reporting a wrap.) */
static inline void sf_counter_restart(void)
{
    sf_counter_origin = sf_read_minstret64();
}

static inline uint32_t sf_counter_wrapped(void)
{
    return (uint32_t)((sf_read_minstret64() - sf_counter_origin) >> 32 != 0u);
}

/* Ticks from `start` to `stop` (two sf_counter_now() readings): it counts up, modulo 2^32. */
static inline uint32_t sf_ticks_between(uint32_t start, uint32_t stop)
{
    return stop - start;
}

/* A loop of known length for measuring the counter factor: SF_KNOWN_LOOP_INSTRUCTIONS instructions
 * per iteration, `addi` and `bnez` (the last `bnez` falls through), n >= 1. */
#define SF_KNOWN_LOOP_INSTRUCTIONS 2u

static inline void sf_known_loop(uint32_t n)
{
    __asm__ volatile(
        "1:\n\t"
        "addi %0, %0, -1\n\t"
        "bnez %0, 1b\n"
        : "+r"(n));
}

/* Stack painting (common/sf_stack.h), with the family's way to read SP. */
#define SF_READ_SP(sp) __asm__ volatile("mv %0, sp" : "=r"(sp))
#include "../common/sf_stack.h"

#endif /* SEQFORGE_TARGET_H */
