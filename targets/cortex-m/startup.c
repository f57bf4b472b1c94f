/*
 * Startup code shared by every Cortex-M target run under QEMU (targets/cortex-m*.json; this
 * folder's `seqforge_target.h` is the target contract's implementation for them).
 *
 * Reset: enable the FPU when the core has one, copy .data from flash, zero .bss, paint the stack
 * region (for the high-water mark), open the semihosting console (newlib rdimon), run static
 * constructors, fetch the command line through semihosting (SYS_GET_CMDLINE) and split it into
 * argv, then exit(main(argc, argv)) — so a program sees the same argv as on the host, and its exit
 * code becomes QEMU's. Faults print a line and exit with code 134 rather than hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include "seqforge_target.h"

extern int main(int argc, char **argv);
extern void initialise_monitor_handles(void);
extern void __libc_init_array(void);

/* Linker-script symbols (targets/cortex-m/link.ld.hbs). */
extern uint32_t __data_load__;
extern uint32_t __data_start__;
extern uint32_t __data_end__;
extern uint32_t __bss_start__;
extern uint32_t __bss_end__;
extern char end;

void Reset_Handler(void);
void Fault_Handler(void);
void Default_Handler(void);
void _init(void);
void _fini(void);
void *_sbrk(ptrdiff_t incr);

/* newlib's __libc_init_array calls these; constructors come from .init_array instead. */
void _init(void) {}
void _fini(void) {}

/* ---- Semihosting (Arm "Semihosting for AArch32 and AArch64", v2.0) ---- */

#define SH_WRITE0 0x04u
#define SH_GET_CMDLINE 0x15u
#define SH_EXIT_EXTENDED 0x20u
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t sf_semihost(uint32_t op, void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void sf_exit_now(uint32_t code)
{
    uint32_t block[2] = { SH_ADP_STOPPED_APPLICATION_EXIT, code };
    (void)sf_semihost(SH_EXIT_EXTENDED, block);
    for (;;) { }
}

/* ---- argv and the stack high-water mark: the part every family shares ---- */

#include "../common/startup_common.h"

/* ---- Heap: newlib's malloc grows up from `end` and must stop at the stack region ---- */

void *_sbrk(ptrdiff_t incr)
{
    static char *heap_end = NULL;
    char *prev;
    if (heap_end == NULL) heap_end = &end;
    prev = heap_end;
    if (incr > (char *)&__stack_limit - heap_end) {
        errno = ENOMEM;
        return (void *)-1;
    }
    heap_end += incr;
    return prev;
}

/* ---- Reset and faults ---- */

void Reset_Handler(void)
{
    const uint32_t *src = &__data_load__;
    volatile uint32_t *dst;
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
    /* CPACR: full access to CP10 and CP11 (the FPU, and Helium on M55). First, before any code
     * the compiler or the C library may have given floating-point or vector instructions. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    /* volatile: gcc -O2 would turn these loops into calls to memcpy and memset, C library code
     * running before the library's own .data and .bss exist. */
    for (dst = &__data_start__; dst < &__data_end__; dst++) *dst = *src++;
    for (dst = &__bss_start__; dst < &__bss_end__; dst++) *dst = 0u;
    (void)sf_stack_mark();
    initialise_monitor_handles();
    __libc_init_array();
    {
        int argc = sf_fetch_argv();
        exit(main(argc, sf_argv));
    }
}

void Fault_Handler(void)
{
    static char msg[] = "seqforge: the program faulted (HardFault or another fault exception)\n";
    (void)sf_semihost(SH_WRITE0, msg);
    sf_exit_now(134u);
}

void Default_Handler(void)
{
    static char msg[] = "seqforge: unexpected interrupt\n";
    (void)sf_semihost(SH_WRITE0, msg);
    sf_exit_now(135u);
}

/* The vector table: initial SP, then the exception handlers (Armv6-M to Armv8.1-M share the
 * first 16 entries; unused ones point at Default_Handler). A union keeps the mix of a data
 * address and function addresses within ISO C. */
typedef union { void (*handler)(void); const void *sp; } sf_vector_t;

__attribute__((section(".isr_vector"), used))
const sf_vector_t sf_vectors[16] = {
    { .sp = &__stack_top },
    { .handler = Reset_Handler },
    { .handler = Fault_Handler },   /* NMI */
    { .handler = Fault_Handler },   /* HardFault */
    { .handler = Fault_Handler },   /* MemManage */
    { .handler = Fault_Handler },   /* BusFault */
    { .handler = Fault_Handler },   /* UsageFault */
    { .handler = Fault_Handler },   /* SecureFault (Armv8-M) */
    { .handler = Default_Handler },
    { .handler = Default_Handler },
    { .handler = Default_Handler },
    { .handler = Default_Handler }, /* SVCall */
    { .handler = Default_Handler }, /* DebugMonitor */
    { .handler = Default_Handler },
    { .handler = Default_Handler }, /* PendSV */
    { .handler = Default_Handler }, /* SysTick */
};
