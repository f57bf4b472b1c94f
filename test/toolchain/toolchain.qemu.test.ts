/**
 * Every target run under QEMU (every file of targets/ but host): a fixture program runs on each
 * with argv and file I/O; exit codes and hangs are reported; the instruction counter is deterministic and agrees
 * with each target's recorded factor on a loop of known length; stack painting measures what a
 * call used; the bench measures a hand-written kernel the same on every run. At most two QEMU
 * jobs at a time (the machine has two cores).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildProgram, listQemuTargets, loadTarget, mapLimit, runProgram, type QemuTarget } from "../../src/toolchain/index.js";
import { measureCounterFactor } from "../../scripts/counter-factor.js";
import { measureOnTarget, writeDriver, type BenchProgram } from "../../src/bench/measure.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const TARGETS = listQemuTargets();
const work = mkdtempSync(join(tmpdir(), "seqforge-qemu-"));

async function buildAndRun(target: string, source: string, args: string[] = [], timeoutMs = 30_000) {
  const b = await buildProgram({ target, sources: [source], includeDirs: [], outDir: join(work, target, source.replace(/\W/g, "_")) });
  return runProgram({ target, executable: b.executable, args, cwd: work, timeoutMs });
}

describe("every QEMU target", () => {
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13 + 5) & 255));
  const sum = data.reduce((a, v) => a + v, 0);
  beforeAll(() => writeFileSync(join(work, "in.bin"), data));

  it("runs main(argc, argv) with arguments, reads and writes files through semihosting, returns the exit code", async () => {
    const results = await mapLimit(TARGETS, 2, (t) => buildAndRun(t, join(FIXTURES, "argv_file.c"), ["in.bin", `out-${t}.bin`, "7"]));
    results.forEach((r, i) => {
      const t = TARGETS[i]!;
      expect(r, t).toMatchObject({ exitCode: 7, timedOut: false });
      expect(r.stdout, t).toContain(`argv[1]=in.bin\nargv[2]=out-${t}.bin\nargv[3]=7\n`);
      expect(r.stdout, t).toContain(`bytes=5000 sum=${sum}`);
      expect(readFileSync(join(work, `out-${t}.bin`)), t).toEqual(Buffer.concat([data, Buffer.from(`sum=${sum}\n`)]));
    });
  });

  it("counts instructions deterministically, and a loop of known length matches the recorded factor within 1%", async () => {
    const runs = await mapLimit(TARGETS, 2, async (t) => [await measureCounterFactor(t, join(work, "cal1")), await measureCounterFactor(t, join(work, "cal2"))]);
    runs.forEach(([first, second], i) => {
      const t = TARGETS[i]!;
      expect(second!.ticks, `${t}: the same counts on every run`).toEqual(first!.ticks);
      const factor = (loadTarget(t) as QemuTarget).counter.instructionsPerTick;
      // k instructions per iteration (the target's known loop), plus a call and counter reads of a few.
      const k = first!.loopInstructions;
      expect(k, t).toBeGreaterThanOrEqual(2);
      for (const n of [100_000, 1_000_000, 3_000_000]) {
        expect(Math.abs(first!.ticks.get(n)! * factor - k * n) / (k * n), `${t}, ${n} iterations`).toBeLessThan(0.01);
      }
      expect(Math.abs(first!.instructionsPerTick - factor) / factor, t).toBeLessThan(0.001);
    });
  });

  it("measures the stack a call used by painting it", async () => {
    const results = await mapLimit(TARGETS, 2, (t) => buildAndRun(t, join(FIXTURES, "stack_depth.c")));
    results.forEach((r, i) => {
      const t = TARGETS[i]!;
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      const m = /depth1=(\d+) depth4=(\d+) whole=(\d+) size=(\d+)/.exec(r.stdout)!;
      const [d1, d4, whole, size] = m.slice(1).map(Number) as [number, number, number, number];
      // One frame holds the 256-byte array plus a few saved registers.
      expect(d1, t).toBeGreaterThanOrEqual(256);
      expect(d1, t).toBeLessThan(256 + 64);
      // Four nested frames: four times one frame, give or take the outermost frame's extras.
      expect(Math.abs(d4 - 4 * d1), t).toBeLessThan(64);
      expect(whole, t).toBeGreaterThan(d4);
      expect(size, t).toBe((loadTarget(t) as QemuTarget).stackBytes);
    });
  });

  it("reports a nonzero exit and kills a hung image", async () => {
    const results = await mapLimit(TARGETS, 2, async (t) => ({
      hung: await buildAndRun(t, join(FIXTURES, "hang.c"), [], 1500),
      bad: await buildAndRun(t, join(FIXTURES, "argv_file.c"), ["missing.bin", "out.bin", "0"]),
    }));
    results.forEach(({ hung, bad }, i) => {
      const t = TARGETS[i]!;
      expect(hung.timedOut, t).toBe(true);
      expect(bad, t).toMatchObject({ exitCode: 3, timedOut: false });
      expect(bad.stderr + bad.stdout, t).toContain("cannot open missing.bin");
    });
  });
});

describe("bench of a hand-written kernel", () => {
  const program: BenchProgram = {
    prefix: "kern",
    header: "kern.h",
    inputs: Array.from({ length: 8 }, (_, s) => [s * 100 - 400, 300, -s * 50, 1000]),
    float: false,
    sources: [join(FIXTURES, "kern.c")],
    includeDirs: [FIXTURES],
  };

  it.each(TARGETS)("%s: gives the same instruction count on every run, and attributes flash and RAM by symbol", async (target) => {
    const dir = join(work, "bench", target);
    const driver = writeDriver(program, dir);
    const [a, b] = await mapLimit([join(dir, "a"), join(dir, "b")], 2, (d) => measureOnTarget(program, driver, target, d));
    expect(b!.instructionsPerStep).toBe(a!.instructionsPerStep);
    expect(b!.raw).toEqual(a!.raw);
    // A step is 8 rows of 12 MACs, the head 2 rows of 8: a few instructions per MAC at -O2 (about
    // 13 on Armv6-M, whose multiply takes low registers only and loads no two bytes at once).
    expect(a!.stepInstructions).toBeGreaterThan(96);
    expect(a!.stepInstructions).toBeLessThan(96 * 16);
    expect(a!.sizes.symbols.filter((s) => s.kind === "const")).toEqual([
      { symbol: "kern_w", bytes: 96, kind: "const" },
      { symbol: "kern_b", bytes: 16, kind: "const" },
      { symbol: "kern_wy", bytes: 16, kind: "const" },
    ]);
    expect(a!.sizes.stateBytes).toBe(16);
    expect(a!.sizes.codeBytes).toBe(a!.sizes.symbols.filter((s) => s.kind === "code").reduce((n, s) => n + s.bytes, 0));
    // The kernel's scratch (16 bytes of new h) is on the stack.
    expect(a!.stackBytes).toBeGreaterThanOrEqual(16);
    // The outputs after the last step, computed by hand-checked arithmetic in the test below.
    expect(a!.raw.y).toEqual(kernelReference(program.inputs));
  });
});

/** kern.c in TypeScript, so the bench is known to have measured code that ran correctly. */
function kernelReference(inputs: ArrayLike<number>[]): number[] {
  const w = [
    [3, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8], [9, -7, 9, 3, 2, -3, 8, 4, -6, 2, 6, 4],
    [3, 3, -8, 3, 2, 7, 9, 5, 0, -2, 8, 8], [4, 1, 9, 7, -1, 6, 9, 3, 9, 9, 3, 7],
    [5, 1, 0, 5, 8, -2, 0, 9, 7, 4, 9, 4], [4, 5, 9, -2, 3, 0, 7, 8, 1, 6, 4, 0],
    [6, 2, 8, 6, 2, 0, 8, 9, 9, -8, 6, 2], [8, 0, 3, 4, 8, 2, 5, 3, 4, 2, 1, 1],
  ];
  const b = [100, -200, 300, -400, 500, -600, 700, -800];
  const wy = [[1, -2, 3, -4, 5, -6, 7, -8], [8, 7, 6, 5, 4, 3, 2, 1]];
  const by = [10, -10];
  const sat = (v: number) => Math.max(-32768, Math.min(32767, v));
  let h = new Array<number>(8).fill(0);
  for (const x of inputs) {
    h = w.map((row, j) => sat((b[j]! + row.reduce((acc, wk, k) => acc + wk * (k < 4 ? x[k]! : h[k - 4]!), 0)) >> 8));
  }
  return wy.map((row, o) => sat((by[o]! + row.reduce((acc, wk, k) => acc + wk * h[k]!, 0)) >> 8));
}
