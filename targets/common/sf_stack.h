/*
 * Stack painting, shared by every family's seqforge_target.h, which includes it after defining
 * SF_READ_SP(sp) (reads the stack pointer into sp; the one instruction that differs).
 */
#ifndef SF_STACK_H
#define SF_STACK_H

#include <stdint.h>

#ifndef SF_READ_SP
#error "define SF_READ_SP(sp) in the family's seqforge_target.h before including common/sf_stack.h"
#endif

/* Stack painting: every word of the stack region below the caller is set to SF_STACK_PATTERN;
 * after the measured calls, the lowest word that no longer holds it is the deepest the stack
 * went. The startup code paints the whole region once; sf_stack_mark() repaints below the
 * caller so that only what follows is measured. */
#define SF_STACK_PATTERN 0xA5A5A5A5u

extern uint32_t __stack_limit; /* lowest address of the stack region (linker script) */
extern uint32_t __stack_top;   /* one past its highest address */

/* Paints from the bottom of the stack region up to the current SP and returns that SP. Inline so
 * that "the current SP" is the caller's. */
static inline uintptr_t sf_stack_mark(void)
{
    uintptr_t sp;
    volatile uint32_t *p = &__stack_limit;
    SF_READ_SP(sp);
    while ((uintptr_t)p < sp) *p++ = SF_STACK_PATTERN;
    return sp;
}

/* Bytes between `top` (from sf_stack_mark, or the top of the stack region) and the deepest word
 * overwritten since the paint. */
uint32_t sf_stack_used(uintptr_t top);

/* The same measured from the top of the stack region: the program's whole high-water mark. */
uint32_t sf_stack_high_water(void);

/* The stack region's size in bytes (targets/<name>.json, stackBytes). */
uint32_t sf_stack_size(void);

#endif /* SF_STACK_H */
