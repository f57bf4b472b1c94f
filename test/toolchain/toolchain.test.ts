/**
 * Fast toolchain tests: the target files, the flags, host builds and runs (argv, file I/O in
 * chunks, exit codes, the sanitize variant, timeouts), the node target (type-checking, running
 * under Node), and the missing-tool message. QEMU runs are in toolchain.qemu.test.ts.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
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
  locateLibc,
  offsetWeightsOf,
  requireLibc,
  qemuArgs,
  renderLinkerScript,
  resolveTargets,
  runProgram,
  TARGETS_DIR,
  type CTarget,
  type QemuTarget,
} from "../../src/toolchain/index.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const tmp = () => mkdtempSync(join(tmpdir(), "seqforge-toolchain-"));

const qemuTargets = () => listQemuTargets().map((n) => loadTarget(n) as QemuTarget);

describe("target files", () => {
  it("lists every file of targets/, host first, then by family and number, each valid and named as its file", () => {
    const files = readdirSync(TARGETS_DIR).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, ""));
    const names = listTargets();
    expect([...names].sort()).toEqual(files.sort());
    expect(names[0]).toBe("host");
    for (const name of names) expect(loadTarget(name).name).toBe(name);
    expect(listQemuTargets()).toEqual(names.filter((n) => loadTarget(n).kind === "qemu"));
    // One native target, the TypeScript module's, and the rest under QEMU.
    expect(names.filter((n) => loadTarget(n).kind === "native")).toEqual(["host"]);
    expect(names.filter((n) => loadTarget(n).kind === "node")).toEqual(["ts"]);
    // The Cortex-M cores in the order of their number, not of their names' letters.
    const cortex = names.filter((n) => n.startsWith("cortex-m"));
    expect(cortex).toEqual(["cortex-m0", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"]);
    expect(names.indexOf("cortex-m55") - names.indexOf("cortex-m0")).toBe(5);
  });

  it("sorts a family apart from another whose number falls between its members'", () => {
    const dir = tmp();
    for (const n of ["host", "b-9", "a10", "a2", "b-10", "c"]) writeFileSync(join(dir, `${n}.json`), "{}");
    expect(listTargets(dir)).toEqual(["host", "a2", "a10", "b-9", "b-10", "c"]);
  });

  it("names the Cortex-M boards of the README target table", () => {
    const machines = Object.fromEntries(qemuTargets().filter((t) => t.name.startsWith("cortex-m")).map((t) => [t.name, t.qemu.machine]));
    expect(machines).toEqual({
      "cortex-m0": "microbit",
      "cortex-m3": "mps2-an385",
      "cortex-m4": "mps2-an386",
      "cortex-m7": "mps2-an500",
      "cortex-m33": "mps2-an505",
      "cortex-m55": "mps3-an547",
    });
  });

  it("stores the w8a16 weights offset for Armv6-M alone (cortex-m0's offsetWeights), never for the TypeScript target", () => {
    expect(listTargets().filter((t) => offsetWeightsOf(t))).toEqual(["cortex-m0"]);
  });

  it("records for each counter a factor that follows from what it counts", () => {
    for (const t of qemuTargets()) {
      const c = t.counter;
      if (c.kind === "systick") {
        // Under -icount shift=s an instruction takes 2^s ns; a tick of an f Hz clock 1e9/f ns.
        expect(c.clockHz, t.name).not.toBeNull();
        expect(c.instructionsPerTick, t.name).toBeCloseTo(1e9 / c.clockHz! / 2 ** t.qemu.icountShift, 9);
      } else {
        // A retired-instruction counter counts instructions: one per tick, whatever the clock.
        expect(c.clockHz, t.name).toBeNull();
        expect(c.instructionsPerTick, t.name).toBe(1);
      }
    }
  });

  it("names files inside targets/ that exist: startup code, linker script, the folder of seqforge_target.h", () => {
    for (const t of qemuTargets()) {
      expect(existsSync(join(TARGETS_DIR, t.startup)), t.name).toBe(true);
      expect(existsSync(join(TARGETS_DIR, t.linkerScript)), t.name).toBe(true);
      expect(existsSync(join(TARGETS_DIR, t.include, "seqforge_target.h")), t.name).toBe(true);
    }
  });

  it("records the multilib gcc selects for each target's flags, and finds its C library there", async () => {
    for (const t of qemuTargets()) {
      const dir = execFileSync(t.compiler, [...t.cflags, "-print-multi-directory"], { encoding: "utf8" }).trim();
      expect(dir, t.name).toBe(t.libc.multilib);
      const lib = await locateLibc(execFileSync("sh", ["-c", `command -v ${t.compiler}`], { encoding: "utf8" }).trim(), t);
      expect(lib, t.name).toBeDefined();
      expect(lib!.endsWith(`/${t.libc.multilib}/${t.libc.file}`), `${t.name}: ${lib}`).toBe(true);
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
    expect(resolveTargets("all", { kinds: ["qemu"] })).toEqual(listQemuTargets());
    expect(resolveTargets("all", { kinds: ["qemu", "node"] })).toEqual([...listQemuTargets(), "ts"]);
    expect(resolveTargets("all")).toEqual(listTargets());
    expect(resolveTargets("host,cortex-m4")).toEqual(["host", "cortex-m4"]);
  });

  it("refuses a target file with a wrong field, naming the file and the field in one line", () => {
    const dir = tmp();
    const good = () => ({ ...JSON.parse(readFileSync(join(TARGETS_DIR, "cortex-m4.json"), "utf8")), name: "broken" });
    const refusal = (edit: (t: Record<string, any>) => void) => {
      const bad = good();
      edit(bad);
      writeFileSync(join(dir, "broken.json"), JSON.stringify(bad));
      try {
        loadTarget("broken", dir);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as Error).message).not.toContain("\n");
        return (err as Error).message;
      }
      throw new Error("accepted");
    };
    expect(refusal((t) => (t.memory.ram.origin = "somewhere"))).toMatch(/broken\.json: field memory\.ram\.origin: a hex address/);
    expect(refusal((t) => (t.counter.kind = "cycles"))).toMatch(/broken\.json: field counter\.kind: /);
    expect(refusal((t) => delete t.libc.file)).toMatch(/broken\.json: field libc\.file: /);
    expect(refusal((t) => (t.include = "../elsewhere"))).toMatch(/broken\.json: field include: a path relative to targets\//);
    expect(refusal((t) => (t.qemu.args = "-bios none"))).toMatch(/broken\.json: field qemu\.args: /);
    expect(refusal((t) => (t.semihosting.maxArgs = 1))).toMatch(/broken\.json: field semihosting\.maxArgs: /);
    expect(refusal((t) => (t.systick = t.counter))).toMatch(/broken\.json: .*systick/);
  });
});

describe("flags", () => {
  it("builds release with the warnings of the generated C and -O2, sanitize only on the host", () => {
    const host = loadTarget("host") as CTarget;
    expect(compileFlags(host, "release")).toEqual(["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror", "-O2"]);
    expect(compileFlags(host, "sanitize")).toEqual([
      "-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror",
      "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
    ]);
    const m4 = loadTarget("cortex-m4") as CTarget;
    expect(compileFlags(m4, "release")).toEqual(expect.arrayContaining(["-Werror", "-O2", "-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]));
    expect(() => compileFlags(m4, "sanitize")).toThrow(/only for native targets/);
    // --optimize size: -Os in place of -O2, nothing else changes.
    expect(compileFlags(m4, "release", "size")).toEqual(compileFlags(m4, "release").map((f) => (f === "-O2" ? "-Os" : f)));
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
    // The limits are the target file's: a smaller buffer refuses less.
    const small: QemuTarget = { ...m3, semihosting: { cmdlineBytes: 64, maxArgs: 4 } };
    // "/x/image.elf " and 50 bytes are 63, which fit with the terminating NUL; one more does not.
    expect(() => qemuArgs(small, "/x/image.elf", ["a".repeat(50)])).not.toThrow();
    expect(() => qemuArgs(small, "/x/image.elf", ["a".repeat(51)])).toThrow(/64 bytes\) exceeds what the startup code reads \(4 arguments, 63 bytes\)/);
    expect(() => qemuArgs(small, "/x/image.elf", ["a", "b", "c", "d"])).toThrow(/5 arguments/);
    expect(() => qemuArgs(small, "/x/image.elf", ["a", "b", "c"])).not.toThrow();
  });

  it("puts the board's own options after -machine", () => {
    const m3 = loadTarget("cortex-m3") as QemuTarget;
    const args = qemuArgs({ ...m3, qemu: { ...m3.qemu, args: ["-bios", "none"] } }, "/x/image.elf", []);
    expect(args.slice(0, 4)).toEqual(["-machine", "mps2-an385", "-bios", "none"]);
    expect(qemuArgs(m3, "/x/image.elf", []).slice(0, 3)).toEqual(["-machine", "mps2-an385", "-nographic"]);
  });
});

describe("host build and run", () => {
  it("passes argv, reads and writes files relative to cwd in chunks, and returns the exit code", async () => {
    const dir = tmp();
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) & 255));
    writeFileSync(join(dir, "in.bin"), data);
    const b = await buildProgram({ target: "host", sources: [join(FIXTURES, "argv_file.c")], includeDirs: [], outDir: join(dir, "build") });
    expect(b.sizes!.text).toBeGreaterThan(0);
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

  it("links the static archives given as libraries after the objects, taking only the members the program uses", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "twice.c"), "int twice(int x);\nint twice(int x) { return 2 * x; }\n");
    // A member the program does not use may need what the image lacks: the linker must leave it out.
    writeFileSync(join(dir, "unused.c"), "int missing(void);\nint unused(void);\nint unused(void) { return missing(); }\n");
    writeFileSync(join(dir, "main.c"), "#include <stdio.h>\nint twice(int x);\nint main(void) { printf(\"twice=%d\\n\", twice(21)); return 0; }\n");
    for (const f of ["twice", "unused"]) execFileSync("gcc", ["-c", join(dir, `${f}.c`), "-o", join(dir, `${f}.o`)]);
    execFileSync("ar", ["rcs", join(dir, "libpair.a"), join(dir, "twice.o"), join(dir, "unused.o")]);
    const sources = [join(dir, "main.c")];
    await expect(buildProgram({ target: "host", sources, includeDirs: [], outDir: join(dir, "without") })).rejects.toThrow(/twice/);
    const b = await buildProgram({ target: "host", sources, includeDirs: [], outDir: join(dir, "with"), libraries: [join(dir, "libpair.a")] });
    const r = await runProgram({ target: "host", executable: b.executable, args: [], cwd: dir, timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 0, stdout: "twice=42\n" });
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

describe("the node target (ts)", () => {
  const entry = `import { readFileSync, writeFileSync } from "node:fs";
import { twice } from "./lib.js";
const [input, output, code] = process.argv.slice(2);
writeFileSync(output, String(twice(Number(readFileSync(input, "utf8")))));
process.exit(Number(code));
`;

  it("type-checks the TypeScript, transpiles it to ES modules beside the entry, and runs the entry under Node", { timeout: 60_000 }, async () => {
    const dir = tmp();
    writeFileSync(join(dir, "lib.ts"), "export function twice(v: number): number {\n  return 2 * v;\n}\n");
    writeFileSync(join(dir, "main.mjs"), entry);
    writeFileSync(join(dir, "in.txt"), "21");
    const b = await buildProgram({ target: "ts", sources: [join(dir, "lib.ts"), join(dir, "main.mjs")], includeDirs: [], outDir: join(dir, "build") });
    expect(b.executable).toBe(join(dir, "build", "main.mjs"));
    expect(b.sizes).toBeNull();
    expect(readFileSync(join(dir, "build", "lib.js"), "utf8")).toMatch(/^export function twice\(v\) \{/m);
    const r = await runProgram({ target: "ts", executable: b.executable, args: ["in.txt", "out.txt", "3"], cwd: dir, timeoutMs: 30_000 });
    expect(r.exitCode).toBe(3);
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("42");
  });

  it("fails the build on any diagnostic of the target's options, naming the file, line and error", { timeout: 60_000 }, async () => {
    const dir = tmp();
    const refusal = async (source: string) => {
      writeFileSync(join(dir, "m.ts"), source);
      return buildProgram({ target: "ts", sources: [join(dir, "m.ts")], includeDirs: [], outDir: join(dir, "build") }).then(
        () => "built",
        (err: unknown) => (err instanceof VerificationError ? err.message : `${String(err)}`),
      );
    };
    // The control: a clean module builds.
    expect(await refusal("export const a = new Int16Array(4);\nexport function f(): number {\n  return a[0]!;\n}\n")).toBe("built");
    // noUncheckedIndexedAccess: an element read is number | undefined.
    expect(await refusal("export const a = new Int16Array(4);\nexport function f(): number {\n  return a[0];\n}\n")).toMatch(/^ts: type-checking failed:\n.*m\.ts\(3,3\): error TS2322/);
    // The ECMAScript library alone: no Node (or DOM) API.
    expect(await refusal("export function f(): number {\n  return process.pid;\n}\n")).toMatch(/m\.ts\(2,10\): error TS\d+: Cannot find name 'process'/);
    expect(await refusal("export function f(): unknown {\n  return document.body;\n}\n")).toMatch(/m\.ts\(2,10\): error TS\d+: Cannot find name 'document'/);
    expect(await refusal("export function f(): void {\n  const unused = 1;\n}\n")).toMatch(/error TS6133: 'unused' is declared but its value is never read/);
  });

  it("kills a program that runs past its time", { timeout: 60_000 }, async () => {
    const dir = tmp();
    writeFileSync(join(dir, "spin.ts"), "export function spin(): void {\n  for (;;) {}\n}\n");
    writeFileSync(join(dir, "main.mjs"), 'import { spin } from "./spin.js";\nspin();\n');
    const b = await buildProgram({ target: "ts", sources: [join(dir, "spin.ts"), join(dir, "main.mjs")], includeDirs: [], outDir: join(dir, "build") });
    const r = await runProgram({ target: "ts", executable: b.executable, args: [], cwd: dir, timeoutMs: 1000 });
    expect(r.timedOut).toBe(true);
  });
});

describe("missing tools", () => {
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it("names the Debian packages when a compiler or QEMU is absent", async () => {
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

  it("names the C library's packages when the compiler is there but the library is not", async () => {
    const m4 = loadTarget("cortex-m4") as QemuTarget;
    const cc = execFileSync("sh", ["-c", `command -v ${m4.compiler}`], { encoding: "utf8" }).trim();
    // The same compiler, asked for a library file no package installs: found neither by the
    // compiler nor under its prefix.
    const absent: QemuTarget = { ...m4, name: "nolib", libc: { ...m4.libc, file: "libseqforge-absent.a", packages: ["libseqforge-absent-dev"] } };
    expect(await locateLibc(cc, absent)).toBeUndefined();
    await expect(requireLibc(cc, absent)).rejects.toThrow(ToolMissingError);
    await expect(requireLibc(cc, absent)).rejects.toThrow(
      /newlib's semihosting library \(rdimon\) \(libseqforge-absent\.a, .*\) not found; install the Debian package libseqforge-absent-dev/,
    );
    const underPrefix: QemuTarget = { ...absent, libc: { ...absent.libc, dir: "lib/nowhere/{multilib}" } };
    await expect(requireLibc(cc, underPrefix)).rejects.toThrow(/\(libseqforge-absent\.a, lib\/nowhere\/thumb\/v7e-m\+fp\/hard\) not found/);
    // The real library, found both ways: by the compiler, and under its prefix.
    expect(await locateLibc(cc, m4)).toMatch(new RegExp(`/thumb/v7e-m\\+fp/hard/librdimon\\.a$`));
    const prefixed: QemuTarget = { ...m4, libc: { ...m4.libc, dir: "lib/arm-none-eabi/newlib/{multilib}" } };
    expect(await locateLibc(cc, prefixed)).toBe(join(cc, "../..", "lib/arm-none-eabi/newlib/thumb/v7e-m+fp/hard/librdimon.a"));
    await expect(requireLibc(cc, prefixed)).resolves.toBeUndefined();
  });
});
