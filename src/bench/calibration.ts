/**
 * Measuring a target's instructions per counter tick under QEMU with a loop of known length
 * (targets/harness/calibrate.c runs the target's sf_known_loop, whose instructions per iteration
 * it prints). Used by calibrate.ts (the command) and the QEMU tests.
 */
import { join } from "node:path";
import { buildProgram, harnessSource, loadTarget, runProgram } from "../toolchain/index.js";

export interface Calibration {
  target: string;
  /** Instructions per iteration of the known loop, as the target's header states it. */
  loopInstructions: number;
  /** Ticks per loop length, as printed. */
  ticks: Map<number, number>;
  /** k·(n2 − n1) instructions over the difference of ticks: the call and counter reads cancel. */
  instructionsPerTick: number;
  recorded: number;
}

export async function calibrate(target: string, workDir: string): Promise<Calibration> {
  const t = loadTarget(target);
  if (t.kind !== "qemu") throw new Error(`${target}: only targets run under QEMU have an instruction counter to calibrate`);
  const b = await buildProgram({ target, sources: [harnessSource("calibrate.c")], includeDirs: [], outDir: join(workDir, target) });
  const r = await runProgram({ target, executable: b.executable, args: [], cwd: workDir, timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${target}: the calibration image exited with ${r.exitCode}: ${r.stdout}${r.stderr}`);
  const k = Number(/loop_instructions=(\d+)/.exec(r.stdout)?.[1]);
  const ticks = new Map([...r.stdout.matchAll(/iterations=(\d+) ticks=(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
  const n1 = 1_000_000;
  const n2 = 3_000_000;
  if (!(k > 0) || !ticks.has(n1) || !ticks.has(n2)) throw new Error(`${target}: unexpected output from the calibration image: ${r.stdout}`);
  const instructionsPerTick = (k * (n2 - n1)) / (ticks.get(n2)! - ticks.get(n1)!);
  return { target, loopInstructions: k, ticks, instructionsPerTick, recorded: t.counter.instructionsPerTick };
}
