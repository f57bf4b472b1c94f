/**
 * Measuring a Cortex-M target's instructions per SysTick tick under QEMU -icount with a loop of
 * known length (templates/bench/calibrate.c: 2 instructions per iteration). Used by
 * calibrate.ts (the command) and the QEMU tests.
 */
import { join } from "node:path";
import { buildProgram, loadTarget, runProgram, type QemuTarget } from "../toolchain/index.js";
import { BENCH_TEMPLATES_DIR } from "./driver.js";

export interface Calibration {
  target: string;
  /** Ticks per loop length, as printed. */
  ticks: Map<number, number>;
  /** 2·(n2 − n1) instructions over the difference of ticks: the call and counter reads cancel. */
  instructionsPerTick: number;
  recorded: number;
}

export async function calibrate(target: string, workDir: string): Promise<Calibration> {
  const t = loadTarget(target) as QemuTarget;
  const b = await buildProgram({ target, sources: [join(BENCH_TEMPLATES_DIR, "calibrate.c")], includeDirs: [], outDir: join(workDir, target) });
  const r = await runProgram({ target, executable: b.executable, args: [], cwd: workDir, timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${target}: the calibration image exited with ${r.exitCode}: ${r.stdout}${r.stderr}`);
  const ticks = new Map([...r.stdout.matchAll(/iterations=(\d+) ticks=(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
  const n1 = 1_000_000;
  const n2 = 3_000_000;
  const instructionsPerTick = (2 * (n2 - n1)) / (ticks.get(n2)! - ticks.get(n1)!);
  return { target, ticks, instructionsPerTick, recorded: t.systick.instructionsPerTick };
}
