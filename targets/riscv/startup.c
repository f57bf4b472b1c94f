/*
 * Startup code for the 32-bit RISC-V targets run on QEMU `-M virt -bios none`
 * (targets/riscv*.json), in machine mode, with picolibc and its semihosting back end
 * (--oslib=semihost: stdio and files go through semihosting, relative to QEMU's working folder).
 *
 * _start: set the stack pointer, then sf_reset: install a trap handler, copy .data and .tdata
 * from their load addresses, zero .tbss and .bss, point tp at the TLS block (picolibc's errno
 * lives there), paint the stack region (for the high-water mark), run static constructors,
 * fetch the command line through semihosting (SYS_GET_CMDLINE) and split it into argv exactly as
 * the Cortex-M startup does, then exit(main(argc, argv)). QEMU does not stop when a program
 * merely returns, so the end is semihosting's SYS_EXIT_EXTENDED, which carries the exit code to
 * QEMU's. A trap prints its cause and exits with code 134 rather than hang.
 *
 * stdin, stdout and stderr are defined here rather than taken from picolibc's semihosting
 * library, whose streams write one character per SYS_WRITEC, which QEMU sends to its stderr:
 * these open the console (":tt") for reading, writing and appending, which QEMU maps to its own
 * stdin, stdout and stderr as on the Cortex-M targets, and write a line at a time.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "seqforge_target.h"

extern int main(int argc, char **argv);
void _start(void);
void sf_reset(void);
void sf_trap(void);
void _exit(int code);

/* Linker-script symbols (targets/riscv/link.ld.hbs). */
extern uint32_t __data_load__;
extern uint32_t __data_start__;
extern uint32_t __tdata_end__;
extern uint32_t __tls_base__;
extern uint32_t __tbss_start__;
extern uint32_t __tbss_end__;
extern uint32_t __bss_start__;
extern uint32_t __bss_end__;

typedef void (*sf_init_fn)(void);
extern sf_init_fn __preinit_array_start[];
extern sf_init_fn __preinit_array_end[];
extern sf_init_fn __init_array_start[];
extern sf_init_fn __init_array_end[];

uint64_t sf_counter_origin;

/* ---- Semihosting (RISC-V Semihosting, v0.2: the Arm operations, trapped by a marked ebreak) ---- */

#define SH_OPEN 0x01u
#define SH_WRITE0 0x04u
#define SH_WRITE 0x05u
#define SH_READ 0x06u
#define SH_GET_CMDLINE 0x15u
#define SH_EXIT_EXTENDED 0x20u
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* The debugger recognises the ebreak by the two instructions around it, so all three must be
 * uncompressed (norvc) and within one page: aligned to 16 bytes, the 12 cannot straddle one. */
__attribute__((noinline)) static uintptr_t sf_semihost(uintptr_t op, void *arg)
{
    register uintptr_t a0 __asm__("a0") = op;
    register void *a1 __asm__("a1") = arg;
    __asm__ volatile(
        ".option push\n\t"
        ".option norvc\n\t"
        ".balign 16\n\t"
        "slli zero, zero, 0x1f\n\t"
        "ebreak\n\t"
        "srai zero, zero, 0x7\n\t"
        ".option pop"
        : "+r"(a0)
        : "r"(a1)
        : "memory");
    return a0;
}

/* Ends the program: QEMU exits with `code`. */
static void sf_exit_now(uint32_t code)
{
    uintptr_t block[2] = { SH_ADP_STOPPED_APPLICATION_EXIT, code };
    (void)sf_semihost(SH_EXIT_EXTENDED, block);
    for (;;) { }
}

/* ---- The standard streams, on QEMU's own stdin, stdout and stderr ---- */

#define SF_CONSOLE_BUFFER 128u

typedef struct {
    FILE file;        /* first: the stream functions are given its address */
    uintptr_t mode;   /* how ":tt" is opened: 0 read (stdin), 4 write (stdout), 8 append (stderr) */
    uintptr_t handle; /* the semihosting handle, once opened */
    int opened;
    uint32_t used;    /* bytes waiting in buf */
    char buf[SF_CONSOLE_BUFFER];
} sf_console_t;

static uintptr_t sf_console_handle(sf_console_t *c)
{
    if (!c->opened) {
        struct { const char *name; uintptr_t mode; uintptr_t len; } block = { ":tt", c->mode, 3u };
        c->handle = sf_semihost(SH_OPEN, &block);
        c->opened = 1;
    }
    return c->handle;
}

static int sf_console_flush(FILE *f)
{
    sf_console_t *c = (sf_console_t *)f;
    if (c->used > 0u) {
        struct { uintptr_t handle; const char *buf; uintptr_t len; } block = { sf_console_handle(c), c->buf, c->used };
        c->used = 0u;
        if (sf_semihost(SH_WRITE, &block) != 0u) return EOF; /* SYS_WRITE answers the bytes it did not write */
    }
    return 0;
}

static int sf_console_put(char ch, FILE *f)
{
    sf_console_t *c = (sf_console_t *)f;
    c->buf[c->used++] = ch;
    if ((ch == '\n' || c->used == SF_CONSOLE_BUFFER) && sf_console_flush(f) != 0) return EOF;
    return (unsigned char)ch;
}

static int sf_console_get(FILE *f)
{
    sf_console_t *c = (sf_console_t *)f;
    unsigned char ch = 0u;
    struct { uintptr_t handle; unsigned char *buf; uintptr_t len; } block = { sf_console_handle(c), &ch, 1u };
    return sf_semihost(SH_READ, &block) == 0u ? ch : EOF;
}

static sf_console_t sf_stdin = { FDEV_SETUP_STREAM(NULL, sf_console_get, NULL, _FDEV_SETUP_READ), 0u, 0u, 0, 0u, { 0 } };
static sf_console_t sf_stdout = { FDEV_SETUP_STREAM(sf_console_put, NULL, sf_console_flush, _FDEV_SETUP_WRITE), 4u, 0u, 0, 0u, { 0 } };
static sf_console_t sf_stderr = { FDEV_SETUP_STREAM(sf_console_put, NULL, sf_console_flush, _FDEV_SETUP_WRITE), 8u, 0u, 0, 0u, { 0 } };
FILE *const stdin = &sf_stdin.file;
FILE *const stdout = &sf_stdout.file;
FILE *const stderr = &sf_stderr.file;

/* picolibc's exit() ends here, after flushing stdio and running destructors. Defined here (the
 * C library's own is in libsemihost, searched after this object) so that the end is the same
 * SYS_EXIT_EXTENDED on every path, whatever the library version does. */
void _exit(int code)
{
    (void)sf_console_flush(stdout);
    (void)sf_console_flush(stderr);
    sf_exit_now((uint32_t)code);
    for (;;) { }
}

/* ---- argv and the stack high-water mark: the part every family shares ---- */

#include "../common/startup_common.h"

/* ---- Reset and traps ---- */

/* The entry point (ELF entry; QEMU's reset code jumps here): a stack, then C. Naked: no
 * prologue may touch the stack before it exists. gp is left alone: nothing is gp-relative. */
__attribute__((naked, section(".text.sf_start"))) void _start(void)
{
    __asm__ volatile(
        "la sp, __stack_top\n\t"
        "j sf_reset");
}

static void sf_print_hex(char *at, uint32_t v)
{
    int i;
    for (i = 7; i >= 0; i--) {
        at[i] = "0123456789abcdef"[v & 0xFu];
        v >>= 4;
    }
}

/* Any exception (an illegal instruction, a misaligned or faulting access): say which and where,
 * and stop with the code the Cortex-M fault handler uses. mtvec needs 4-byte alignment. */
__attribute__((aligned(4))) void sf_trap(void)
{
    static char msg[] = "seqforge: the program trapped (mcause 0x________, mepc 0x________)\n";
    uint32_t cause, epc;
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\tcsrr %0, mcause\n\tcsrr %1, mepc\n\t.option pop" : "=r"(cause), "=r"(epc));
    sf_print_hex(msg + 40, cause);
    sf_print_hex(msg + 57, epc);
    (void)sf_semihost(SH_WRITE0, msg);
    sf_exit_now(134u);
}

void sf_reset(void)
{
    const uint32_t *src = &__data_load__;
    volatile uint32_t *dst;
    sf_init_fn *f;
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\tcsrw mtvec, %0\n\t.option pop" : : "r"((uintptr_t)&sf_trap));
    /* volatile: gcc -O2 would turn these loops into calls to memcpy and memset, C library code
     * running before the library's own data exist. */
    for (dst = &__data_start__; dst < &__tdata_end__; dst++) *dst = *src++;
    for (dst = &__tbss_start__; dst < &__tbss_end__; dst++) *dst = 0u;
    for (dst = &__bss_start__; dst < &__bss_end__; dst++) *dst = 0u;
    __asm__ volatile("mv tp, %0" : : "r"(&__tls_base__));
    (void)sf_stack_mark();
    for (f = __preinit_array_start; f < __preinit_array_end; f++) (*f)();
    for (f = __init_array_start; f < __init_array_end; f++) (*f)();
    {
        int argc = sf_fetch_argv();
        exit(main(argc, sf_argv));
    }
}
