/*
 * The part of the startup code every processor family shares, included once by each family's
 * startup.c (targets/<family>/startup.c) after it has defined sf_semihost(op, arg), the
 * family's semihosting call. Holds: argv from the semihosting command line, and the stack
 * high-water mark (the painting itself is the family's seqforge_target.h, which needs the stack
 * pointer).
 */
#ifndef SF_STARTUP_COMMON_H
#define SF_STARTUP_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "seqforge_target.h"

/* ---- argv from the semihosting command line ---- */

/* QEMU's `-semihosting-config arg=...` values, joined by single spaces. An argument cannot
 * contain a space (the runner refuses such arguments). The buffer's size and the most arguments
 * come from the target file (semihosting.cmdlineBytes, maxArgs; src/toolchain/build.ts defines
 * them), where the runner reads them to refuse a longer command line. */
#if !defined(SF_CMDLINE_BYTES) || !defined(SF_MAX_ARGS)
#error "SF_CMDLINE_BYTES and SF_MAX_ARGS come from targets/<name>.json (semihosting); build with seqforge"
#endif
static char sf_cmdline[SF_CMDLINE_BYTES];
static char *sf_argv[SF_MAX_ARGS + 1];

static int sf_fetch_argv(void)
{
    struct { char *buf; uintptr_t len; } block = { sf_cmdline, SF_CMDLINE_BYTES };
    int argc = 0;
    char *p = sf_cmdline;
    if (sf_semihost(SH_GET_CMDLINE, &block) != 0u) {
        sf_argv[0] = NULL;
        return 0;
    }
    while (*p != '\0' && argc < SF_MAX_ARGS) {
        while (*p == ' ') *p++ = '\0';
        if (*p == '\0') break;
        sf_argv[argc++] = p;
        while (*p != '\0' && *p != ' ') p++;
    }
    sf_argv[argc] = NULL;
    return argc;
}

/* ---- Stack high-water mark ---- */

uint32_t sf_stack_used(uintptr_t top)
{
    const uint32_t *p = &__stack_limit;
    while ((uintptr_t)p < top && *p == SF_STACK_PATTERN) p++;
    return (uint32_t)(top - (uintptr_t)p);
}

uint32_t sf_stack_high_water(void)
{
    return sf_stack_used((uintptr_t)&__stack_top);
}

uint32_t sf_stack_size(void)
{
    return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)&__stack_limit);
}

#endif /* SF_STARTUP_COMMON_H */
