/**
 * Fast toolchain tests: the target files, the flags, host builds and runs (argv, file I/O in
 * chunks, exit codes, the sanitize variant, timeouts), and the missing-tool message. QEMU runs
 * are in toolchain.qemu.test.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError, OptionError, ToolMissingError, VerificationError } from "../../src/errors.js";
import {
  buildProgram,
  compileFlags,
  listQemuTargets,
  listTargets,
  loadTarget,
  qemuArgs,
  renderLinkerScript,
  resolveTargets,
  runProgram,
  type QemuTarget,
} from "../../src/toolchain/index.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const tmp = () => mkdtempSync(join(tmpdir(), "seqforge-toolchain-"));

describe("target files", () => {
  it("lists host and the six cores, host first, each file valid and named as its file", () => {
    expect(listTargets()).toEqual(["host", "cortex-m0", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"]);
    for (const name of listTargets()) expect(loadTarget(name).name).toBe(name);
    expect(listQemuTargets()).not.toContain("host");
  });

  it("names the boards of DESIGN.md and a measured SysTick factor for each", () => {
    const machines = Object.fromEntries(listQemuTargets().map((n) => [n, (loadTarget(n) as QemuTarget).qemu.machine]));
    expect(machines).toEqual({
      "cortex-m0": "microbit",
      "cortex-m3": "mps2-an385",
      "cortex-m4": "mps2-an386",
      "cortex-m7": "mps2-an500",
      "cortex-m33": "mps2-an505",
      "cortex-m55": "mps3-an547",
    });
    for (const n of listQemuTargets()) {
      const t = loadTarget(n) as QemuTarget;
      // Under -icount shift=s an instruction takes 2^s ns; a tick of an f Hz clock 1e9/f ns.
      expect(t.systick.instructionsPerTick).toBeCloseTo(1e9 / t.systick.clockHz! / 2 ** t.qemu.icountShift, 9);
    }
  });

  it("records the newlib multilib gcc selects for each core's flags", () => {
    for (const n of listQemuTargets()) {
      const t = loadTarget(n) as QemuTarget;
      const dir = execFileSync(t.compiler, [...t.cflags, "-print-multi-directory"], { encoding: "utf8" }).trim();
      expect(dir, n).toBe(t.newlibMultilib);
    }
  });

  it("fills the linker script from the memory map", () => {
    const m33 = loadTarget("cortex-m33") as QemuTarget;
    const script = renderLinkerScript(m33);
    expect(script).toMatch(/FLASH \(rx\)\s+: ORIGIN = 0x10000000, LENGTH = 4M/);
    expect(script).toMatch(/RAM\s+\(rwx\) : ORIGIN = 0x38000000/);
    expect(script).toContain(`__stack_limit = __stack_top - ${m33.stackBytes};`);
  });

  it("refuses an unknown target naming the known ones", () => {
    expect(() => loadTarget("cortex-m85")).toThrow(OptionError);
    expect(() => loadTarget("cortex-m85")).toThrow(/unknown target "cortex-m85"; expected one of: host, cortex-m0/);
    expect(resolveTargets("all", { qemuOnly: true })).toEqual(listQemuTargets());
    expect(resolveTargets("host,cortex-m4")).toEqual(["host", "cortex-m4"]);
  });

  it("refuses a target file with a wrong field, naming it", () => {
    const dir = tmp();
    const bad = { ...JSON.parse(readFileSync(join(import.meta.dirname, "../../targets/cortex-m4.json"), "utf8")), name: "broken" };
    bad.memory.ram.origin = "somewhere";
    writeFileSync(join(dir, "broken.json"), JSON.stringify(bad));
    expect(() => loadTarget("broken", dir)).toThrow(/broken\.json: field memory\.ram\.origin: a hex address/);
  });
});

describe("flags", () => {
  it("builds release with the warnings of the generated C and -O2, sanitize only on the host", () => {
    const host = loadTarget("host");
    expect(compileFlags(host, "release")).toEqual(["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror", "-O2"]);
    expect(compileFlags(host, "sanitize")).toEqual([
      "-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror",
      "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
    ]);
    const m4 = loadTarget("cortex-m4");
    expect(compileFlags(m4, "release")).toEqual(expect.arrayContaining(["-Werror", "-O2", "-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]));
    expect(() => compileFlags(m4, "sanitize")).toThrow(/only for native targets/);
  });

  it("passes argv through semihosting, refusing arguments the command line cannot carry", () => {
    const m3 = loadTarget("cortex-m3") as QemuTarget;
    const args = qemuArgs(m3, "/x/image.elf", ["in.csv", "a,b"]);
    expect(args).toEqual(expect.arrayContaining(["-machine", "mps2-an385", "-icount", "shift=5", "-kernel", "/x/image.elf"]));
    expect(args).toContain("enable=on,target=native,arg=/x/image.elf,arg=in.csv,arg=a,,b");
    expect(() => qemuArgs(m3, "/x/image.elf", ["two words"])).toThrow(/white space/);
    expect(() => qemuArgs(m3, "/x/image.elf", ["a".repeat(1020)])).toThrow(/exceeds what the startup code reads/);
    // The buffer holds bytes: 510 two-byte characters (1,020 bytes, with the image path 1,033) do not fit.
    expect(() => qemuArgs(m3, "/x/image.elf", ["é".repeat(510)])).toThrow(/exceeds what the startup code reads/);
    expect(() => qemuArgs(m3, "/x/image.elf", ["é".repeat(400)])).not.toThrow();
    expect(() => qemuArgs(m3, "/x/image.elf", Array.from({ length: 32 }, (_, i) => `f${i}`))).toThrow(/33 arguments/);
  });
});

describe("host build and run", () => {
  it("passes argv, reads and writes files relative to cwd in chunks, and returns the exit code", async () => {
    const dir = tmp();
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) & 255));
    writeFileSync(join(dir, "in.bin"), data);
    const b = await buildProgram({ target: "host", sources: [join(FIXTURES, "argv_file.c")], includeDirs: [], outDir: join(dir, "build") });
    expect(b.sizes.text).toBeGreaterThan(0);
    const r = await runProgram({ target: "host", executable: b.executable, args: ["in.bin", "out.bin", "7"], cwd: dir, timeoutMs: 10_000 });
    const sum = data.reduce((a, v) => a + v, 0);
    expect(r).toMatchObject({ exitCode: 7, timedOut: false });
    expect(r.stdout).toContain("argv[1]=in.bin\nargv[2]=out.bin\nargv[3]=7\n");
    expect(r.stdout).toContain(`bytes=5000 sum=${sum}`);
    expect(readFileSync(join(dir, "out.bin"))).toEqual(Buffer.concat([data, Buffer.from(`sum=${sum}\n`)]));
  });

  it("fails the release build on a -Wconversion warning, with gcc's diagnostic", async () => {
    const dir = tmp();
    const build = buildProgram({ target: "host", sources: [join(FIXTURES, "conversion.c")], includeDirs: [], outDir: dir });
    await expect(build).rejects.toThrow(VerificationError);
    await expect(build).rejects.toThrow(/-Werror=conversion/);
  });

  it("builds the sanitize variant, which stops a signed overflow the release build lets through", async () => {
    const dir = tmp();
    const src = [join(FIXTURES, "overflow.c")];
    const rel = await buildProgram({ target: "host", sources: src, includeDirs: [], outDir: join(dir, "rel") });
    const san = await buildProgram({ target: "host", sources: src, includeDirs: [], outDir: join(dir, "san"), variant: "sanitize" });
    const relRun = await runProgram({ target: "host", executable: rel.executable, args: [], cwd: dir, timeoutMs: 10_000 });
    const sanRun = await runProgram({ target: "host", executable: san.executable, args: [], cwd: dir, timeoutMs: 10_000 });
    expect(relRun.exitCode).toBe(0);
    expect(sanRun.exitCode).not.toBe(0);
    expect(sanRun.stderr).toMatch(/signed integer overflow/);
  });

  it("kills a program that runs past its time and says so", async () => {
    const dir = tmp();
    const b = await buildProgram({ target: "host", sources: [join(FIXTURES, "hang.c")], includeDirs: [], outDir: dir });
    const t0 = Date.now();
    const r = await runProgram({ target: "host", executable: b.executable, args: [], cwd: dir, timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

describe("missing tools", () => {
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it("names the Debian packages when gcc or arm-none-eabi-gcc or qemu-system-arm is absent", async () => {
    const empty = tmp();
    mkdirSync(join(empty, "bin"));
    process.env.PATH = join(empty, "bin");
    const host = buildProgram({ target: "host", sources: [join(FIXTURES, "hang.c")], includeDirs: [], outDir: empty });
    await expect(host).rejects.toThrow(ToolMissingError);
    await expect(host).rejects.toThrow("gcc not found; install the Debian package gcc (sudo apt-get install gcc)");
    await expect(buildProgram({ target: "cortex-m4", sources: [], includeDirs: [], outDir: empty })).rejects.toThrow(
      /arm-none-eabi-gcc not found; install the Debian packages gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm/,
    );
    await expect(runProgram({ target: "cortex-m3", executable: join(empty, "image.elf"), args: [], cwd: empty, timeoutMs: 1000 })).rejects.toThrow(
      /qemu-system-arm not found; install the Debian packages .*qemu-system-arm/,
    );
  });
});
