/**
 * The generated C compiles cleanly under the strict flags with the host gcc and, compile only,
 * with arm-none-eabi-gcc for Cortex-M4 (DSP kernels) and Cortex-M0 (portable kernels); integer
 * models pull in no floating-point routine (checked on the symbols and the instructions), unless
 * the float helpers were asked for.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateC } from "../../src/codegen/generate.js";
import { mapLimit } from "../../src/toolchain/index.js";
import { fixtureModel, SCHEMES } from "./fixtures.js";

const run = promisify(execFile);
const STRICT = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror"];
const CORES: Record<string, string[]> = {
  "cortex-m4": ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
  "cortex-m0": ["-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft"],
};
const work = mkdtempSync(join(tmpdir(), "seqforge-compile-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
/** Writes the generated folder for a model and returns its path and the C file. */
function emit(scheme: (typeof SCHEMES)[number], opts: { cell?: "standard" | "seed"; mode?: "window" | "stream"; floatIo?: boolean } = {}) {
  const dir = join(work, `m${counter++}`);
  mkdirSync(dir);
  const model = fixtureModel({ scheme, cell: opts.cell, mode: opts.mode, inputSize: 5, hidden: 7, layers: 2, outputs: 2, seed: 3 });
  for (const f of generateC(model, { prefix: "mdl", target: "cortex-m4", floatIo: opts.floatIo ?? false })) {
    writeFileSync(join(dir, f.name), f.content);
  }
  return { dir, c: join(dir, "mdl.c"), runtime: join(dir, "seqforge_runtime.c") };
}

/** Floating-point helper routines of the Arm EABI and the C library's math functions. */
const FLOAT_SYMBOL = /^(__aeabi_[fd](add|sub|rsub|mul|div|cmp\w*|neg)|__aeabi_[ui]?[ld]?2[fd]|__aeabi_[fd]2\w+|__aeabi_[fd]\w*|__(add|sub|mul|div)[sd]f3|__float\w+|__fix\w+|__extendsfdf2|__truncdfsf2|expf?|tanhf?|floorf?|sqrtf?)$/;
/** VFP / FPU instructions in a disassembly (vadd.f32, vmov s0, vcvt, vldr d…). */
const FPU_INSTRUCTION = /\s(vadd|vsub|vmul|vdiv|vmla|vmls|vfma|vcvt|vcmp|vcmpe|vneg|vabs|vsqrt|vmov|vldr|vstr|vpush|vpop|vmrs)(\.\w+)?\s/;

async function undefinedSymbols(obj: string): Promise<string[]> {
  const { stdout } = await run("arm-none-eabi-nm", ["-u", obj]);
  return stdout.split("\n").map((l) => l.trim().split(/\s+/).pop()!).filter(Boolean);
}

describe("host gcc, -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror -O2", () => {
  const combos = SCHEMES.flatMap((scheme) =>
    (["standard", "seed"] as const).flatMap((cell) => (["window", "stream"] as const).map((mode) => ({ scheme, cell, mode }))),
  );
  it(`compiles every scheme × cell × run mode, with and without --float-io (${combos.length * 2} builds)`, { timeout: 120_000 }, async () => {
    const jobs = combos.flatMap((c) => [false, true].map((floatIo) => ({ ...c, floatIo })));
    const failures = (
      await mapLimit(jobs, 2, async (j) => {
        const { dir, c, runtime } = emit(j.scheme, j);
        try {
          await run("gcc", [...STRICT, "-O2", "-c", c, "-o", join(dir, "mdl.o")]);
          if (j.scheme !== "f32") await run("gcc", [...STRICT, "-O2", "-c", runtime, "-o", join(dir, "seqforge_runtime.o")]);
          return null;
        } catch (err) {
          return `${JSON.stringify(j)}: ${(err as { stderr?: string }).stderr ?? err}`;
        }
      })
    ).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});

describe("arm-none-eabi-gcc, compile only", () => {
  for (const core of Object.keys(CORES)) {
    for (const scheme of SCHEMES) {
      it(`${core}, ${scheme}: clean; ${scheme === "f32" ? "uses floating point (the control)" : "no floating-point routine or instruction"}`, async () => {
        const { dir, c, runtime } = emit(scheme);
        const obj = join(dir, "mdl.o");
        await run("arm-none-eabi-gcc", [...CORES[core]!, ...STRICT, "-O2", "-c", c, "-o", obj]);
        const floatSymbols = (await undefinedSymbols(obj)).filter((s) => FLOAT_SYMBOL.test(s));
        const { stdout: disasm } = await run("arm-none-eabi-objdump", ["-d", obj], { maxBuffer: 64 << 20 });
        const fpu = disasm.split("\n").filter((l) => FPU_INSTRUCTION.test(l));
        if (scheme === "f32") {
          // The checks can fail: a float model shows float use in one form or the other.
          expect(floatSymbols.length + fpu.length).toBeGreaterThan(0);
        } else {
          expect(floatSymbols).toEqual([]);
          expect(fpu).toEqual([]);
          // The table is the runtime's: the model reads it, and the runtime compiles clean.
          expect(await undefinedSymbols(obj)).toContain("seqforge_tanh_table");
          await run("arm-none-eabi-gcc", [...CORES[core]!, ...STRICT, "-O2", "-c", runtime, "-o", join(dir, "seqforge_runtime.o")]);
          // The model's loops are written so that gcc does not turn them into memset/memcpy calls:
          // newlib's routines would cost more flash than the loops (an odd hidden size, 2 layers here).
          expect((await undefinedSymbols(obj)).filter((s) => /^(memset|memcpy|memmove|__aeabi_mem\w+)$/.test(s))).toEqual([]);
        }
      });
    }
    it(`${core}, w8a16 with --float-io: the float helpers compile, and bring floating point in (only then)`, async () => {
      const { dir, c } = emit("w8a16", { floatIo: true });
      const obj = join(dir, "mdl.o");
      await run("arm-none-eabi-gcc", [...CORES[core]!, ...STRICT, "-O2", "-c", c, "-o", obj]);
      const floatSymbols = (await undefinedSymbols(obj)).filter((s) => FLOAT_SYMBOL.test(s));
      const { stdout: disasm } = await run("arm-none-eabi-objdump", ["-d", obj], { maxBuffer: 64 << 20 });
      expect(floatSymbols.length + disasm.split("\n").filter((l) => FPU_INSTRUCTION.test(l)).length).toBeGreaterThan(0);
    });
  }

  it("uses the DSP kernels on Cortex-M4 (SMLAD, SMLALD) and the portable ones on Cortex-M0", async () => {
    const found: Record<string, string> = {};
    for (const [core, scheme, insn] of [
      ["cortex-m4", "w8a16", "smlad"],
      ["cortex-m4", "w8a8", "smlad"],
      ["cortex-m4", "w16a16", "smlald"],
      ["cortex-m0", "w8a16", "smlad"],
    ] as const) {
      const { dir, c } = emit(scheme);
      const obj = join(dir, "mdl.o");
      await run("arm-none-eabi-gcc", [...CORES[core]!, ...STRICT, "-O2", "-c", c, "-o", obj]);
      const { stdout } = await run("arm-none-eabi-objdump", ["-d", obj], { maxBuffer: 64 << 20 });
      found[`${core} ${scheme}`] = new RegExp(`\\s${insn}\\s`).test(stdout) ? insn : "none";
    }
    expect(found).toEqual({ "cortex-m4 w8a16": "smlad", "cortex-m4 w8a8": "smlad", "cortex-m4 w16a16": "smlald", "cortex-m0 w8a16": "none" });
  });
});
